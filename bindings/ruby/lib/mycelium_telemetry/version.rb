# frozen_string_literal: true

module MyceliumTelemetry
  # Version of this binding. It moves in step with the native library's version (see
  # MyceliumTelemetry.version), so the two agree for a matching build.
  VERSION = "0.2.0"
end
