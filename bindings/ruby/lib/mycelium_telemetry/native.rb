# frozen_string_literal: true

require "ffi"
require_relative "errors"

module MyceliumTelemetry
  # Raw bindings to the C ABI declared in include/mycelium_telemetry.h. Internal: use Config,
  # Client and the module functions instead.
  module Native
    extend FFI::Library

    LIBRARY_ENV = "MYCELIUM_TELEMETRY_LIB"
    REPO_ROOT = File.expand_path("../../../..", __dir__)
    BUILD_OUTPUTS = %w[release debug].map do |profile|
      File.join(REPO_ROOT, "target", profile, "libmycelium_telemetry.so")
    end.freeze
    SYSTEM_NAMES = %w[libmycelium_telemetry.so.0 libmycelium_telemetry.so].freeze
    # The platform gem (packaging/build.sh) carries the library it was built and tested with.
    BUNDLED = File.join(__dir__, "native", "libmycelium_telemetry.so.0").freeze

    # Tries, in order: the file named by MYCELIUM_TELEMETRY_LIB, the copy bundled in the gem, the
    # project's own build output, then the dynamic loader's usual search. Returns what was loaded.
    def self.load_library
      explicit = ENV.fetch(LIBRARY_ENV, "")
      unless explicit.empty?
        # A library named explicitly must be the one used: falling back silently would hide a
        # typo and load some other build.
        return open_first([explicit]) || raise(LibraryNotFoundError,
                                               "#{LIBRARY_ENV}=#{explicit} could not be loaded: #{@load_errors.join('; ')}")
      end
      built = ([BUNDLED] + BUILD_OUTPUTS).select { |path| File.file?(path) }
      open_first(built + SYSTEM_NAMES) || raise(LibraryNotFoundError, <<~MESSAGE.strip)
        libmycelium_telemetry was not found. Tried:
          1. the #{LIBRARY_ENV} environment variable (not set);
          2. the library bundled in the platform gem: #{BUNDLED} (not in this installation);
          3. the project's build output: #{BUILD_OUTPUTS.join(', ')} (run `cargo build --release`);
          4. the system's library path: #{SYSTEM_NAMES.join(', ')}.
        Errors: #{@load_errors.join('; ')}
      MESSAGE
    end

    def self.open_first(candidates)
      @load_errors = []
      candidates.each do |candidate|
        ffi_lib(candidate)
        return candidate
      rescue LoadError => e
        @load_errors << e.message.lines.first.strip
      end
      nil
    end
    private_class_method :open_first

    # The library file or loader name that was loaded.
    LIBRARY = load_library

    # Statuses of the C ABI (mt_status).
    OK = 0
    ERR_NULL_ARGUMENT = 1
    ERR_INVALID_UTF8 = 2
    ERR_INVALID_JSON = 3
    ERR_INVALID_ARGUMENT = 4
    ERR_INVALID_CONFIG_VALUE = 10
    ERR_SHUT_DOWN = 20
    ERR_TIMEOUT = 21
    ERR_IO = 30
    ERR_INTERNAL = 99

    # Mirrors struct mt_stats.
    class Stats < FFI::Struct
      layout :enqueued, :uint64,
             :sent, :uint64,
             :dropped, :uint64,
             :failed, :uint64,
             :retries, :uint64,
             :batches_sent, :uint64
    end

    attach_function :mt_config_new, [], :pointer
    attach_function :mt_config_from_env, [], :pointer
    attach_function :mt_config_free, [:pointer], :void
    attach_function :mt_config_set_enabled, %i[pointer bool], :int
    attach_function :mt_config_set_endpoint, %i[pointer string], :int
    attach_function :mt_config_set_timeout_secs, %i[pointer uint32], :int
    attach_function :mt_config_set_batch_size, %i[pointer uint32], :int
    attach_function :mt_config_set_retry_attempts, %i[pointer uint32], :int
    attach_function :mt_config_set_retry_backoff, %i[pointer double], :int
    attach_function :mt_config_set_app_name, %i[pointer string], :int
    attach_function :mt_config_set_salt, %i[pointer string], :int
    attach_function :mt_config_set_salt_file, %i[pointer string], :int
    attach_function :mt_config_set_flush_interval_ms, %i[pointer uint32], :int
    attach_function :mt_config_set_queue_capacity, %i[pointer uint32], :int
    attach_function :mt_config_set_output_file, %i[pointer string], :int
    attach_function :mt_config_set_debug, %i[pointer bool], :int
    attach_function :mt_config_allow_metadata_field, %i[pointer string int], :int
    attach_function :mt_config_set_error_detail, %i[pointer int], :int
    attach_function :mt_config_set_protocol, %i[pointer int], :int
    # Reads the file, so it releases the GVL like the calls below.
    attach_function :mt_config_set_ca_file, %i[pointer string], :int, blocking: true
    attach_function :mt_config_set_token, %i[pointer string], :int, blocking: true
    attach_function :mt_config_set_spool_max_bytes, %i[pointer uint32], :int
    attach_function :mt_config_set_spool_max_age_days, %i[pointer uint32], :int

    attach_function :mt_client_new, [:pointer], :pointer
    attach_function :mt_client_is_enabled, [:pointer], :bool
    attach_function :mt_track_agent_usage, %i[pointer string string string], :int
    attach_function :mt_track_performance, %i[pointer string double string string], :int
    attach_function :mt_track_error, %i[pointer string string string string], :int
    attach_function :mt_track_system_info, [:pointer], :int
    attach_function :mt_client_stats, %i[pointer pointer], :int
    attach_function :mt_client_counter, %i[pointer int pointer], :int
    # These wait on the sender thread (up to their timeout), so they release the GVL to let the
    # host's other Ruby threads run meanwhile.
    attach_function :mt_flush, %i[pointer uint32], :int, blocking: true
    attach_function :mt_client_close, %i[pointer uint32], :int, blocking: true
    attach_function :mt_client_free_nowait, %i[pointer uint32], :void
    attach_function :mt_global_shutdown, [:uint32], :int, blocking: true
    attach_function :mt_global, [], :pointer

    # Returned strings are owned by the caller, so they come back as pointers to be freed.
    attach_function :mt_hash_identifier, %i[string string], :pointer
    attach_function :mt_anonymize_path, [:string], :pointer
    attach_function :mt_anonymize_message, [:string], :pointer
    attach_function :mt_anonymize_stack_trace, [:string], :pointer
    attach_function :mt_string_free, [:pointer], :void

    attach_function :mt_set_runtime, [:string], :int
    attach_function :mt_version, [], :string
    attach_function :mt_status_message, [:int], :string
    attach_function :mt_consent_get, %i[string pointer], :int
    attach_function :mt_consent_set, %i[string int], :int
    attach_function :mt_consent_notice, [], :string
    attach_function :mt_consent_explain, %i[pointer pointer pointer], :int
    attach_function :mt_consent_source_message, [:int], :string

    # Copies a string the library allocated into Ruby and frees the original.
    def self.take_string(pointer)
      return nil if pointer.null?

      pointer.read_string.force_encoding(Encoding::UTF_8)
    ensure
      mt_string_free(pointer) unless pointer.nil? || pointer.null?
    end

    # Turns a failing status into the matching Ruby error; `what` names the call for the message.
    def self.check!(status, what)
      return if status == OK

      message = "#{what}: #{mt_status_message(status)}"
      case status
      when ERR_NULL_ARGUMENT then raise TypeError, message
      when ERR_INVALID_UTF8, ERR_INVALID_JSON, ERR_INVALID_ARGUMENT, ERR_INVALID_CONFIG_VALUE
        raise ArgumentError, message
      # Only the consent functions get it: the user's choice was not read or not recorded.
      when ERR_IO then raise IOError, message
      # A call after shutdown (or racing it) does nothing, as in every binding
      # (bindings/contract.json): it is not the caller's mistake, and teardown must not raise.
      when ERR_SHUT_DOWN then nil
      # A library bug never raises into the host: one warning, and the call had no effect.
      else warn("mycelium-telemetry: #{message}#{status == ERR_INTERNAL ? "" : " (status #{status})"}")
      end
      nil
    end

    # The library calls this from its sender thread (ruby-ffi runs a callback from a thread
    # Ruby did not create on a Ruby thread of its own and makes the caller wait). One callback
    # for the whole process, never released, since the sender may log after a client is gone:
    # it finds the host's Proc by the number passed as user_data.
    callback :mt_log_callback, %i[int string pointer], :void
    LOG_LEVELS = { 1 => :error, 2 => :warn, 3 => :info, 4 => :debug }.freeze
    @log_callbacks = {}
    @log_callbacks_lock = Mutex.new
    LOG_TRAMPOLINE = proc do |level, message, user_data|
      callable = @log_callbacks_lock.synchronize { @log_callbacks[user_data.address] }
      begin
        callable&.call(LOG_LEVELS.fetch(level, :debug), message.to_s.dup.force_encoding(Encoding::UTF_8))
      rescue Exception # rubocop:disable Lint/RescueException
        # Nothing may unwind into the library's thread; the host's logger failing is dropped.
        nil
      end
    end
    attach_function :mt_config_set_log_callback, %i[pointer mt_log_callback pointer], :int

    # The user_data that makes LOG_TRAMPOLINE find +callable+. Entries stay for the process.
    def self.log_callback_data(callable)
      @log_callbacks_lock.synchronize do
        number = @log_callbacks.size + 1
        @log_callbacks[number] = callable
        FFI::Pointer.new(number)
      end
    end
  end
end
