# frozen_string_literal: true

require_relative "native"
require_relative "arguments"
require_relative "config"

module MyceliumTelemetry
  # Counters since a client was created. At every moment
  # enqueued = sent + dropped + failed + events still queued or being sent.
  # +spooled+, +replayed+ and +spool_dropped+ count the offline spool (read with
  # mt_client_counter): events kept there for a later run, sent from it, and let go of unsent.
  Stats = Struct.new(:enqueued, :sent, :dropped, :failed, :retries, :batches_sent,
                     :spooled, :replayed, :spool_dropped, keyword_init: true)
  # mt_counter numbers of the counters beyond mt_stats.
  SPOOL_COUNTERS = { spooled: 7, replayed: 8, spool_dropped: 9 }.freeze

  # A telemetry client: track calls queue anonymized events that one background thread of the
  # native library sends in batches. Thread-safe.
  #
  # When telemetry is disabled every track call returns at once, before any argument is looked
  # at. Otherwise a caller's mistake raises ArgumentError or TypeError and nothing is queued; a
  # call after #shutdown does nothing. Delivery problems (collector down, timeouts,
  # refusals) never raise: they are counted in #stats.
  #
  # #shutdown only closes the native client, which calls still running on other threads survive;
  # it is freed when Ruby collects this object (or at exit), when no call can be running.
  class Client
    # Milliseconds a client that was never shut down gets to deliver its queue when Ruby
    # collects it or exits; the native library uses the same grace period.
    FINALIZER_TIMEOUT_MS = 2000

    # Creates a client from +config+, or from the environment (TELEMETRY_*) when it is nil.
    def initialize(config = nil)
      unless config.nil? || config.is_a?(Config)
        raise TypeError, "config must be a MyceliumTelemetry::Config or nil, not #{config.class}"
      end

      handle = Native.mt_client_new(config&.to_native)
      raise NoMemoryError, "mycelium-telemetry could not allocate a client" if handle.null?

      attach(handle)
      UNFREED[handle.address] = true
      ObjectSpace.define_finalizer(self, self.class.send(:finalizer, handle))
    end

    # Yields a new client and shuts it down when the block ends, also when it raises, so what
    # was tracked in the block is delivered (within +timeout+ seconds). Returns the block's value.
    def self.open(config = nil, timeout: 5.0)
      client = new(config)
      begin
        yield client
      ensure
        client.shutdown(timeout: timeout)
      end
    end

    # True while the client collects: telemetry was enabled and the client is not shut down.
    def enabled?
      @enabled && !@shut_down
    end

    # Records that an agent ran an operation. +agent_id+ is hashed with the salt before it
    # leaves; of +metadata+ (a Hash) only allowlisted keys with scalar values are sent.
    def track_agent_usage(agent_id, operation, metadata = nil)
      return nil if @skip_tracking

      agent_id = Arguments.string(agent_id, "agent_id")
      operation = Arguments.string(operation, "operation")
      metadata = Arguments.json_object(metadata, "metadata")
      Native.check!(Native.mt_track_agent_usage(@handle, agent_id, operation, metadata), "track_agent_usage")
    end

    # Records a measurement. +value+ must be a finite number (NaN and infinities raise
    # ArgumentError). Tags whose keys end in _id, or are user/agent, are hashed.
    def track_performance(metric_name, value, unit: "ms", tags: nil)
      return nil if @skip_tracking

      metric_name = Arguments.string(metric_name, "metric_name")
      value = Arguments.float(value, "value")
      unit = Arguments.optional_string(unit, "unit")
      tags = Arguments.json_object(tags, "tags")
      Native.check!(Native.mt_track_performance(@handle, metric_name, value, unit, tags), "track_performance")
    end

    # Records an error. +error_message+ and +stack_trace+ are scrubbed of home-directory users,
    # URL credentials and email addresses before they leave; +context+ is filtered like metadata.
    def track_error(error_type, error_message, stack_trace: nil, context: nil)
      return nil if @skip_tracking

      error_type = Arguments.string(error_type, "error_type")
      error_message = Arguments.string(error_message, "error_message")
      stack_trace = Arguments.optional_string(stack_trace, "stack_trace")
      context = Arguments.json_object(context, "context")
      Native.check!(Native.mt_track_error(@handle, error_type, error_message, stack_trace, context), "track_error")
    end

    # Records +exception+ as an error: its class name, message and backtrace.
    def track_exception(exception, context: nil)
      return nil if @skip_tracking
      raise TypeError, "exception must be an Exception, not #{exception.class}" unless exception.is_a?(Exception)

      track_error(exception.class.name || exception.class.inspect, exception.message,
                  stack_trace: exception.backtrace&.join("\n"), context: context)
    end

    # Records the platform, its version, the CPU architecture, the library version and this Ruby.
    def track_system_info
      return nil if @skip_tracking

      Native.check!(Native.mt_track_system_info(@handle), "track_system_info")
    end

    # Waits up to +timeout+ seconds until everything tracked before this call was sent or given
    # up on. Returns true when it was, false when the time ran out; a slow or unreachable
    # collector never raises. Other Ruby threads keep running while it waits.
    def flush(timeout: 5.0)
      timeout_ms = Arguments.milliseconds(timeout)
      return true if @skip_tracking

      status = Native.mt_flush(@handle, timeout_ms)
      return false if status == Native::ERR_TIMEOUT

      Native.check!(status, "flush")
      true
    end

    # The client's counters as a Stats; after #shutdown, the final ones. All zero when telemetry
    # is disabled.
    def stats
      raw = Native::Stats.new
      Native.check!(Native.mt_client_stats(@handle, raw), "stats")
      counters = raw.members.to_h { |member| [member, raw[member]] }
      SPOOL_COUNTERS.each do |name, number|
        value = FFI::MemoryPointer.new(:uint64)
        counters[name] = Native.mt_client_counter(@handle, number, value).zero? ? value.read_uint64 : 0
      end
      Stats.new(**counters)
    end

    # Delivers what is queued (waiting at most +timeout+ seconds) and stops the sender thread.
    # Later calls do nothing (flush returns true), except #stats, which gives the final counters;
    # calling it again does nothing. It does not
    # wait for calls running on other threads (such as a #flush): they end safely on their own.
    # +shutdown(timeout: 0)+ never touches the network: what is still queued goes to the offline
    # spool (for a client with an +app_name+ whose choice is on) and the next run sends it; use
    # it at the end of a short-lived command so that it exits at once.
    def shutdown(timeout: 5.0)
      timeout_ms = Arguments.milliseconds(timeout)
      return nil if @shut_down

      mark_shut_down
      Native.mt_client_close(@handle, timeout_ms)
      nil
    end

    def inspect
      state = if @shut_down then "shut down"
              elsif @enabled then "enabled"
              else "disabled"
              end
      "#<#{self.class.name} #{state}>"
    end

    # Wraps the process-wide native client; see MyceliumTelemetry.global. Internal.
    def self.wrap_global(handle, shut_down:)
      client = allocate
      client.send(:attach, handle)
      client.send(:mark_shut_down) if shut_down
      client
    end

    # Marks the global client's wrapper after MyceliumTelemetry.shutdown_global. Internal.
    def global_shut_down!
      mark_shut_down
    end

    # Addresses of the owned native clients not yet freed. Whoever deletes an address first owns
    # that client: the finalizer frees it, or the at-exit close closes it (and the process's end
    # frees it). Hash#delete is one step under the GVL, so the two can never both have it.
    UNFREED = {}

    def self.finalizer(handle)
      # Must not capture the client itself, or it would never be collected. Frees the client
      # without blocking the collection: if #shutdown did not close it, its sender delivers the
      # queue (within FINALIZER_TIMEOUT_MS) on its own.
      address = handle.address
      proc { Native.mt_client_free_nowait(handle, FINALIZER_TIMEOUT_MS) if UNFREED.delete(address) }
    end
    private_class_method :finalizer

    # At exit, a client Ruby never collected gets its bounded wait to deliver its queue (Ruby
    # runs this after the at_exit blocks the program registered later). Internal.
    def self.close_unfreed_at_exit
      UNFREED.keys.each do |address|
        Native.mt_client_close(FFI::Pointer.new(address), FINALIZER_TIMEOUT_MS) if UNFREED.delete(address)
      end
    end
    at_exit { close_unfreed_at_exit }

    private

    def attach(handle)
      @handle = handle
      @enabled = Native.mt_client_is_enabled(handle)
      # The one flag a disabled client's track calls read before returning. Asked once here so
      # that tracking costs nothing more when telemetry is off.
      @skip_tracking = !@enabled
      @shut_down = false
    end

    def mark_shut_down
      @shut_down = true
      @skip_tracking = true
    end
  end
end
