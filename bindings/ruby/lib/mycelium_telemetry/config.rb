# frozen_string_literal: true

require_relative "native"
require_relative "arguments"

module MyceliumTelemetry
  # Settings for a Client. The native library validates every value; one it refuses raises
  # ArgumentError and leaves that setting unchanged. A Client copies its config, so a config may
  # be changed or dropped after the client is created. Not thread-safe: use one config from one
  # thread at a time.
  #
  #   config = MyceliumTelemetry::Config.new(enabled: true, endpoint: "https://t.example.com/v1/events")
  class Config
    # The types +metadata_fields+ accepts, with the numbers of C's mt_value_type. A value of
    # another type is dropped, never converted: :any takes any scalar and scrubs strings,
    # :non_negative_integer takes 3 and 3.0, :http_status_code whole numbers from 100 to 599.
    VALUE_TYPES = { any: 0, boolean: 1, non_negative_integer: 2, non_negative_number: 3, http_status_code: 4 }.freeze

    # The levels +error_detail+ accepts, with the numbers of C's mt_error_detail: :full (the
    # default) sends the scrubbed message and trace, :frames the error type and one
    # "file:line in function" per frame, :type the error type only.
    ERROR_DETAILS = { full: 0, frames: 1, type: 2 }.freeze

    # The protocols +protocol+ accepts, with the numbers of C's mt_protocol: :mycelium (the
    # default) sends wire format 1.0, :otlp OTLP/HTTP JSON logs to an OpenTelemetry Collector
    # (pass its logs URL as +endpoint+; left at the default, http://localhost:4318/v1/logs).
    PROTOCOLS = { mycelium: 0, otlp: 1 }.freeze

    # Builds a config from the library's defaults (telemetry disabled); each keyword left nil
    # keeps its default. Units: +timeout+ whole seconds (1..30), +flush_interval_ms+
    # milliseconds (10..3_600_000), +retry_backoff+ a factor (1.0..10.0).
    #
    # +output_file+ is local-only mode: each batch is appended to that file as one JSON line,
    # exactly as it would have been sent, and no socket is ever opened. +ca_file+ names a PEM
    # file of CA certificates trusted besides the bundled roots (read at once). +token+ is a
    # private collector's ingest token, sent as "Authorization: Bearer <token>" to the endpoint
    # only, never logged or written to a file. +spool_max_bytes+ (0..1_073_741_824, default 5 MiB)
    # and +spool_max_age_days+ (0..365, default 7) bound the offline spool; 0 turns it off.
    # +debug+ prints each outgoing batch to stderr.
    #
    # +metadata_fields+ maps more keys that may leave in metadata and error context to their
    # type (a VALUE_TYPES symbol): <tt>{ output_count: :non_negative_integer }</tt>. The built-in
    # keys are typed already and cannot be retyped. +error_detail+ is :full, :frames or :type.
    # +protocol+ is :mycelium or :otlp.
    def initialize(enabled: false, **settings)
      @pointer = self.class.send(:own, Native.mt_config_new)
      update(enabled: enabled, **settings)
    end

    # Reads the TELEMETRY_* environment variables (and DO_NOT_TRACK) like the library does for a
    # client created without a config; +settings+ then override what the environment said.
    def self.from_env(**settings)
      config = allocate
      config.instance_variable_set(:@pointer, own(Native.mt_config_from_env))
      config.update(**settings)
    end

    # Changes the given settings, leaving the others as they are. Returns self.
    def update(enabled: nil, endpoint: nil, timeout: nil, batch_size: nil, retry_attempts: nil,
               retry_backoff: nil, salt: nil, salt_file: nil, flush_interval_ms: nil, queue_capacity: nil,
               app_name: nil, output_file: nil, ca_file: nil, token: nil, spool_max_bytes: nil,
               spool_max_age_days: nil, debug: nil, metadata_fields: nil, error_detail: nil,
               protocol: nil, log_callback: nil)
      set(:enabled, enabled) { Native.mt_config_set_enabled(@pointer, enabled ? true : false) }
      set(:endpoint, endpoint) { Native.mt_config_set_endpoint(@pointer, Arguments.string(endpoint, "endpoint")) }
      set(:timeout, timeout) { Native.mt_config_set_timeout_secs(@pointer, Arguments.uint32(timeout, "timeout")) }
      set(:batch_size, batch_size) { Native.mt_config_set_batch_size(@pointer, Arguments.uint32(batch_size, "batch_size")) }
      set(:retry_attempts, retry_attempts) do
        Native.mt_config_set_retry_attempts(@pointer, Arguments.uint32(retry_attempts, "retry_attempts"))
      end
      set(:retry_backoff, retry_backoff) do
        Native.mt_config_set_retry_backoff(@pointer, Arguments.float(retry_backoff, "retry_backoff"))
      end
      set(:salt, salt) { Native.mt_config_set_salt(@pointer, Arguments.string(salt, "salt")) }
      set(:app_name, app_name) { Native.mt_config_set_app_name(@pointer, Arguments.string(app_name, "app_name")) }
      set(:salt_file, salt_file) { Native.mt_config_set_salt_file(@pointer, Arguments.path(salt_file, "salt_file")) }
      set(:flush_interval_ms, flush_interval_ms) do
        Native.mt_config_set_flush_interval_ms(@pointer, Arguments.uint32(flush_interval_ms, "flush_interval_ms"))
      end
      set(:queue_capacity, queue_capacity) do
        Native.mt_config_set_queue_capacity(@pointer, Arguments.uint32(queue_capacity, "queue_capacity"))
      end
      set(:output_file, output_file) do
        Native.mt_config_set_output_file(@pointer, Arguments.path(output_file, "output_file"))
      end
      set(:ca_file, ca_file) { Native.mt_config_set_ca_file(@pointer, Arguments.path(ca_file, "ca_file")) }
      set(:token, token) { Native.mt_config_set_token(@pointer, Arguments.string(token, "token")) }
      set(:spool_max_bytes, spool_max_bytes) do
        Native.mt_config_set_spool_max_bytes(@pointer, Arguments.uint32(spool_max_bytes, "spool_max_bytes"))
      end
      set(:spool_max_age_days, spool_max_age_days) do
        Native.mt_config_set_spool_max_age_days(@pointer, Arguments.uint32(spool_max_age_days, "spool_max_age_days"))
      end
      set(:debug, debug) { Native.mt_config_set_debug(@pointer, debug ? true : false) }
      set(:error_detail, error_detail) do
        Native.mt_config_set_error_detail(@pointer, choice(ERROR_DETAILS, error_detail, "error_detail"))
      end
      set(:protocol, protocol) { Native.mt_config_set_protocol(@pointer, choice(PROTOCOLS, protocol, "protocol")) }
      allow_metadata_fields(metadata_fields) unless metadata_fields.nil?
      self.log_callback = log_callback unless log_callback.nil?
      self
    end

    # Sends the library's warnings to +callable+ (anything with #call(level, message), level one
    # of :error, :warn, :info, :debug) instead of stderr. It runs on a Ruby thread ruby-ffi
    # starts for the library's sender thread: keep it short and thread-safe; an exception it
    # raises is dropped. Messages never hold the salt or unscrubbed data.
    def log_callback=(callable)
      raise TypeError, "log_callback must respond to #call, not #{callable.class}" unless callable.respond_to?(:call)

      Native.check!(Native.mt_config_set_log_callback(@pointer, Native::LOG_TRAMPOLINE,
                                                      Native.log_callback_data(callable)), "log_callback")
    end

    # The native mt_config*, for Client. Internal.
    def to_native
      @pointer
    end

    def self.own(pointer)
      raise NoMemoryError, "mycelium-telemetry could not allocate a config" if pointer.null?

      FFI::AutoPointer.new(pointer, Native.method(:mt_config_free))
    end
    private_class_method :own

    private

    def allow_metadata_fields(fields)
      raise TypeError, "metadata_fields must be a Hash, not #{fields.class}" unless fields.is_a?(Hash)

      fields.each do |key, type|
        name = Arguments.string(key, "metadata_fields key")
        number = choice(VALUE_TYPES, type, "metadata_fields[#{key.inspect}]")
        Native.check!(Native.mt_config_allow_metadata_field(@pointer, name, number),
                      "invalid metadata_fields key #{key.inspect}")
      end
    end

    # The C number of +value+, a symbol (or string) naming one of +choices+.
    def choice(choices, value, name)
      unless value.is_a?(Symbol) || value.is_a?(String)
        raise TypeError, "#{name} must be a Symbol, not #{value.class}"
      end

      choices.fetch(value.to_sym) do
        raise ArgumentError, "#{name} must be one of #{choices.keys.map(&:inspect).join(", ")}, not #{value.inspect}"
      end
    end

    def set(name, value)
      return if value.nil?

      # The salt and the token are secrets: they never go into a message that may end up in a log.
      shown = %i[salt token].include?(name) ? "" : " #{value.inspect}"
      Native.check!(yield, "invalid #{name}#{shown}")
    end
  end
end
