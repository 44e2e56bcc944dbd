# frozen_string_literal: true

require_relative "lib/mycelium_telemetry/version"

Gem::Specification.new do |spec|
  spec.name = "mycelium_telemetry"
  spec.version = MyceliumTelemetry::VERSION
  spec.summary = "Privacy-first, opt-in usage telemetry (Ruby binding of libmycelium_telemetry)"
  spec.description = "Tracks agent usage, performance, errors and system info, anonymized before " \
                     "they leave the process. Off unless TELEMETRY_ENABLED says yes. Needs the " \
                     "native libmycelium_telemetry shared library."
  spec.authors = ["mycelium-telemetry contributors"]
  spec.licenses = ["MIT", "Apache-2.0"]
  # Paths relative to this file: build the gem from its own directory.
  spec.files = Dir.glob(["lib/**/*.rb", "examples/*.rb", "README.md"], base: __dir__)
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.0"
  spec.add_dependency "ffi", "~> 1.15"
end
