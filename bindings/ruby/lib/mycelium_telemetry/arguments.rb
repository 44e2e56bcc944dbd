# frozen_string_literal: true

require "json"

module MyceliumTelemetry
  # Turns Ruby arguments into what the C ABI takes, raising ArgumentError or TypeError for
  # values it could never accept. Internal.
  module Arguments
    UINT32_MAX = 0xFFFF_FFFF

    module_function

    # A String (or Symbol) as UTF-8 bytes; other encodings are transcoded since the library reads
    # only UTF-8.
    def string(value, name)
      text = value.is_a?(Symbol) ? value.to_s : String.try_convert(value)
      raise TypeError, "#{name} must be a String, not #{value.class}" if text.nil?
      return text if text.encoding == Encoding::UTF_8 || text.encoding == Encoding::BINARY || text.ascii_only?

      text.encode(Encoding::UTF_8)
    rescue EncodingError => e
      raise ArgumentError, "#{name} cannot be converted to UTF-8: #{e.message}"
    end

    # A String or anything with #to_path (a Pathname, a File).
    def path(value, name)
      string(value.respond_to?(:to_path) ? value.to_path : value, name)
    end

    def optional_string(value, name)
      value.nil? ? nil : string(value, name)
    end

    JSON_STATE_KEY = :mycelium_telemetry_json_state

    # A Hash (symbol or string keys) as the JSON object text the C calls take, or nil. Like
    # JSON.generate, which however builds a new generator state on every call: that costs more
    # than generating a small Hash, so each fiber keeps one (a state is not safe to share). A
    # state that raised keeps the nesting depth it had reached, so it is dropped.
    def json_object(value, name)
      return nil if value.nil?
      raise TypeError, "#{name} must be a Hash, not #{value.class}" unless value.is_a?(Hash)

      (Thread.current[JSON_STATE_KEY] ||= JSON::State.new).generate(value)
    rescue JSON::JSONError => e
      Thread.current[JSON_STATE_KEY] = nil
      # NaN, infinities, invalid UTF-8 or cycles: the caller's data cannot become JSON.
      raise ArgumentError, "#{name} cannot be serialized to JSON: #{e.message}"
    rescue Exception # rubocop:disable Lint/RescueException -- only to drop the state, re-raised
      Thread.current[JSON_STATE_KEY] = nil
      raise
    end

    def float(value, name)
      raise TypeError, "#{name} must be Numeric, not #{value.class}" unless value.is_a?(Numeric)

      Float(value)
    rescue RangeError => e
      raise ArgumentError, "#{name} must be a real number: #{e.message}"
    end

    def uint32(value, name)
      raise TypeError, "#{name} must be an Integer, not #{value.class}" unless value.is_a?(Integer)
      raise ArgumentError, "#{name} must be between 0 and #{UINT32_MAX}, got #{value}" unless value.between?(0, UINT32_MAX)

      value
    end

    # Seconds (any Numeric) as whole milliseconds for the C timeouts; huge values saturate.
    def milliseconds(seconds, name = "timeout")
      seconds = float(seconds, name)
      raise ArgumentError, "#{name} must be a non-negative number of seconds, got #{seconds}" if seconds.nan? || seconds.negative?

      return UINT32_MAX if seconds.infinite?

      [(seconds * 1000).ceil, UINT32_MAX].min
    end
  end
end
