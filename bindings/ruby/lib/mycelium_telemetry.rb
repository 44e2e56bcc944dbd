# frozen_string_literal: true

require_relative "mycelium_telemetry/version"
require_relative "mycelium_telemetry/errors"
require_relative "mycelium_telemetry/native"
require_relative "mycelium_telemetry/arguments"
require_relative "mycelium_telemetry/config"
require_relative "mycelium_telemetry/client"
require_relative "mycelium_telemetry/consent"

# Ruby binding of mycelium-telemetry, privacy-first opt-in usage telemetry. Nothing is collected
# unless TELEMETRY_ENABLED says yes (or a Config enables it), and DO_NOT_TRACK always wins for
# the environment. See README.md beside this file's folder.
module MyceliumTelemetry
  # Tells every later system_info event which Ruby hosts the library. RUBY_ENGINE tells MRI
  # ("ruby 3.3.0") apart from other implementations ("truffleruby 24.0.0").
  Native.mt_set_runtime("#{RUBY_ENGINE} #{RUBY_ENGINE_VERSION}")

  @global_lock = Mutex.new
  @global = nil
  @global_shut_down = false

  class << self
    # The version of the loaded native library, "MAJOR.MINOR.PATCH".
    def version
      Native.mt_version
    end

    # The process-wide client, configured from the environment the first time it is asked for.
    # Every call returns the same object. After shutdown_global its calls do nothing.
    def global
      @global_lock.synchronize do
        @global ||= Client.wrap_global(Native.mt_global, shut_down: @global_shut_down)
      end
    end

    # Shuts the process-wide client down, delivering what is queued within +timeout+ seconds.
    # Calling it again does nothing; calling it before global makes global return a client
    # that is already shut down.
    def shutdown_global(timeout: 5.0)
      timeout_ms = Arguments.milliseconds(timeout)
      client = @global_lock.synchronize do
        @global_shut_down = true
        @global
      end
      client&.global_shut_down!
      Native.mt_global_shutdown(timeout_ms)
      nil
    end

    # Lowercase hex SHA-256 of +identifier+ followed directly by +salt+: what events carry in
    # place of identifiers.
    def hash_identifier(salt, identifier)
      anonymized(Native.mt_hash_identifier(Arguments.string(salt, "salt"), Arguments.string(identifier, "identifier")),
                 "hash_identifier")
    end

    # Removes the user from a path: home directories become "<user>/...", other paths keep at
    # most their last three components.
    def anonymize_path(path)
      anonymized(Native.mt_anonymize_path(Arguments.string(path, "path")), "anonymize_path")
    end

    # Scrubs free text as error messages are scrubbed: paths lose their user, URL credentials
    # become <user>:<password>, email addresses become <email>.
    def anonymize_message(message)
      anonymized(Native.mt_anonymize_message(Arguments.string(message, "message")), "anonymize_message")
    end

    # Scrubs a stack trace as error events do; file names, line numbers and functions survive.
    def anonymize_stack_trace(trace)
      anonymized(Native.mt_anonymize_stack_trace(Arguments.string(trace, "trace")), "anonymize_stack_trace")
    end

    private

    def anonymized(pointer, what)
      # The arguments are known non-nil here, so a NULL result can only mean invalid UTF-8.
      Native.take_string(pointer) || raise(ArgumentError, "#{what}: argument is not valid UTF-8")
    end
  end
end
