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
  # packaging/build.sh puts the library beside the code before building: the gem then carries it
  # and is a platform gem. Built from the repository as is, the gem is pure Ruby and needs the
  # library installed (or MYCELIUM_TELEMETRY_LIB).
  bundled = "lib/mycelium_telemetry/native/libmycelium_telemetry.so.0"
  if File.file?(File.join(__dir__, bundled))
    spec.files << bundled
    spec.platform = "x86_64-linux"
  end
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.0"
  spec.add_dependency "ffi", "~> 1.15"
end
