# frozen_string_literal: true

module MyceliumTelemetry
  # The user's recorded choice, so that a tool can offer `mytool telemetry on|off|status`. It is
  # kept per application, with a global default (app: nil), in telemetry_consent.json beside the
  # salt file (TELEMETRY_CONSENT_FILE overrides the path).
  #
  #   puts MyceliumTelemetry::Consent::NOTICE
  #   MyceliumTelemetry::Consent.set(:on, app: "mytool")
  #   MyceliumTelemetry::Consent.get(app: "mytool") # => :on
  #   MyceliumTelemetry::Consent.explain(MyceliumTelemetry::Config.new(app_name: "mytool")).reason
  #   # => "the choice recorded for this application (rule 3)"
  #
  # Levels are the symbols :undecided, :off, :local and :on. An unknown level or a malformed
  # application name raises ArgumentError; a consent file that cannot be read or written (a link,
  # another user's file, malformed content) raises IOError.
  module Consent
    # In the order of the C enum mt_consent: the index is the number.
    LEVELS = %i[undecided off local on].freeze

    # Which rule of the order decided, first to last, in the order of the C enum
    # mt_consent_source: the index plus one is the number.
    SOURCES = %i[do_not_track telemetry_enabled app_choice global_choice unreadable_choice host default].freeze

    # What a client made from a config does now (+level+: :off, :local or :on), which rule
    # decided (+source+, one of SOURCES) and that rule in words (+reason+), as
    # `mycelium-telemetry status` prints it.
    Explanation = Struct.new(:level, :source, :reason, keyword_init: true)

    # The short standard notice to show before asking the user for a choice.
    NOTICE = Native.mt_consent_notice.dup.force_encoding(Encoding::UTF_8).freeze

    class << self
      # The level recorded for +app+ (nil: the global default); :undecided means nothing is
      # recorded under that name.
      def get(app: nil)
        name = Arguments.optional_string(app, "app")
        out = FFI::MemoryPointer.new(:int)
        Native.check!(Native.mt_consent_get(name, out), "Consent.get(app: #{app.inspect})")
        LEVELS.fetch(out.read_int, :undecided)
      end

      # Records +level+ (a Symbol or String of LEVELS) for +app+ (nil: the global default),
      # decided now; :undecided forgets the entry. Going from :on to :off asks the collector,
      # once, to delete what it received, and may wait for the network (at most 5 seconds in
      # all).
      def set(level, app: nil)
        number = number_of(level)
        name = Arguments.optional_string(app, "app")
        Native.check!(Native.mt_consent_set(name, number), "Consent.set(#{level.inspect}, app: #{app.inspect})")
        nil
      end

      # What a client made from +config+ (a Config; nil: the environment, as Config.from_env)
      # would do now, and which rule decided: the decision Client.new itself makes. Reads the
      # environment and the consent file, never the network; an unreadable consent file is
      # source :unreadable_choice (level :off), not an error (Consent.get says why). Nil only
      # after an internal error, which is warned about.
      def explain(config = nil)
        unless config.nil? || config.is_a?(Config)
          raise TypeError, "config must be a MyceliumTelemetry::Config or nil, not #{config.class}"
        end

        level = FFI::MemoryPointer.new(:int)
        source = FFI::MemoryPointer.new(:int)
        status = Native.mt_consent_explain(config&.to_native, level, source)
        Native.check!(status, "Consent.explain")
        return nil unless status == Native::OK # an internal error, warned about

        number = source.read_int
        Explanation.new(
          level: LEVELS.fetch(level.read_int),
          source: SOURCES.fetch(number - 1),
          reason: Native.mt_consent_source_message(number).dup.force_encoding(Encoding::UTF_8).freeze
        ).freeze
      end

      private

      def number_of(level)
        unless level.is_a?(Symbol) || level.is_a?(String)
          raise TypeError, "consent level must be a Symbol or String, not #{level.class}"
        end

        LEVELS.index(level.to_s.strip.downcase.to_sym) ||
          raise(ArgumentError, "consent level #{level.inspect} is not one of #{LEVELS.map(&:inspect).join(", ")}")
      end
    end
  end
end
