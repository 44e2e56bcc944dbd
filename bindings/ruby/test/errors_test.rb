# frozen_string_literal: true

require_relative "test_helper"

class ErrorsTest < TelemetryTest
  Config = MyceliumTelemetry::Config

  def test_invalid_config_values_raise_argument_error
    error = assert_raises(ArgumentError) { Config.new(timeout: 0) }
    assert_match(/timeout/, error.message)
    assert_raises(ArgumentError) { Config.new(timeout: 31) }
    assert_raises(ArgumentError) { Config.new(batch_size: 0) }
    assert_raises(ArgumentError) { Config.new(retry_attempts: 11) }
    assert_raises(ArgumentError) { Config.new(retry_backoff: Float::NAN) }
    assert_raises(ArgumentError) { Config.new(flush_interval_ms: 5) }
    assert_raises(ArgumentError) { Config.new(queue_capacity: 0) }
    assert_raises(ArgumentError) { Config.new(queue_capacity: -1) }
    assert_raises(ArgumentError) { Config.new(endpoint: "http://telemetry.example.com/v1/events") }
    assert_raises(ArgumentError) { Config.new(endpoint: "https://user:pw@telemetry.example.com/") }
    assert_raises(TypeError) { Config.new(timeout: "5") }
    assert_raises(TypeError) { Config.new(endpoint: 42) }
    salt_error = assert_raises(ArgumentError) { Config.new(salt: "") }
    assert_match(/salt/, salt_error.message)
    assert_raises(ArgumentError) { Config.new(unknown_setting: 1) }
  end

  def test_a_valid_config_accepts_every_setting
    config = Config.new(enabled: true, endpoint: "https://telemetry.example.com/v1/events", timeout: 30,
                        batch_size: 1000, retry_attempts: 0, retry_backoff: 1.5, salt: "s",
                        salt_file: "/tmp/mt-salt", flush_interval_ms: 10, queue_capacity: 1)
    assert_same config, config.update(enabled: false)
    client = MyceliumTelemetry::Client.new(config)
    refute client.enabled?
    client.shutdown
  end

  def test_caller_mistakes_on_an_enabled_client_raise_and_queue_nothing
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector))

    assert_raises(ArgumentError) { client.track_performance("latency", Float::NAN) }
    assert_raises(ArgumentError) { client.track_performance("latency", Float::INFINITY) }
    assert_raises(TypeError) { client.track_performance("latency", "12") }
    assert_raises(ArgumentError) { client.track_agent_usage("alice", "op", { duration_ms: Float::NAN }) }
    assert_raises(ArgumentError) { client.track_agent_usage("alice", "op", { note: "\xff".b }) }
    cyclic = {}
    cyclic[:self] = cyclic
    assert_raises(ArgumentError) { client.track_error("E", "m", context: cyclic) }
    assert_raises(TypeError) { client.track_agent_usage("alice", "op", '{"duration_ms": 1}') }
    assert_raises(TypeError) { client.track_performance("latency", 1, tags: [1, 2]) }
    assert_raises(TypeError) { client.track_agent_usage(nil, "op") }
    assert_raises(TypeError) { client.track_error("E", nil) }
    assert_raises(ArgumentError) { client.track_agent_usage("al\0ice", "op") }
    assert_raises(ArgumentError) { client.track_error("E", "bad \xff bytes".b) }
    assert_raises(TypeError) { client.track_exception("not an exception") }
    assert_raises(ArgumentError) { client.flush(timeout: -1) }
    assert_raises(TypeError) { MyceliumTelemetry::Client.new({ enabled: true }) }

    assert client.flush(timeout: 5)
    assert_equal 0, client.stats.enqueued
    assert_empty collector.requests
  ensure
    client&.shutdown
  end

  def test_symbols_and_other_encodings_are_accepted
    collector = start_collector
    MyceliumTelemetry::Client.open(enabled_config(collector)) do |client|
      client.track_agent_usage(:alice, :summarize, { "duration_ms" => 3, success: true })
      client.track_error("E", "caf\xE9".dup.force_encoding(Encoding::ISO_8859_1))
    end

    usage, error = collector.events
    assert_equal expected_hash("alice"), usage["agent_id_hash"]
    assert_equal "summarize", usage["operation"]
    assert_equal({ "duration_ms" => 3, "success" => true }, usage["metadata"])
    assert_equal "café", error["error_message"]
  end

  def test_calls_after_shutdown_do_nothing
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector, flush_interval_ms: 60_000))
    client.track_agent_usage("alice", "op")
    assert_equal 0, client.stats.sent, "held back by the flush interval"
    client.shutdown

    # stats still answers, with the counters of the closed client after its final delivery.
    assert_equal({ enqueued: 1, sent: 1, dropped: 0, failed: 0, retries: 0, batches_sent: 1, spooled: 0, replayed: 0, spool_dropped: 0 }, client.stats.to_h)
    assert_equal 1, collector.events.size

    refute client.enabled?
    assert_nil client.track_agent_usage("alice", "op")
    assert_nil client.track_performance("latency", 1)
    assert_nil client.track_error("E", "m")
    assert_nil client.track_system_info
    assert client.flush, "nothing is pending after shutdown"
    assert_nil client.shutdown, "a second shutdown does nothing"
    assert_equal 1, client.stats.enqueued, "calls after shutdown are not counted"
    assert_equal 1, collector.events.size
  end

  def test_a_disabled_client_after_shutdown_also_does_nothing
    client = MyceliumTelemetry::Client.new(Config.new)
    client.shutdown
    assert_nil client.track_agent_usage("alice", "op")
    assert client.flush(timeout: 0.1)
  end

  def test_shutdown_does_not_wait_for_a_flush_on_another_thread_which_ends_safely
    silent = start_collector(respond: false)
    client = MyceliumTelemetry::Client.new(enabled_config(silent, timeout: 2, retry_attempts: 0))
    client.track_agent_usage("alice", "op")

    flushing = Thread.new { client.flush(timeout: 3) }
    sleep 0.1 # lets the flush start waiting on the request the collector never answers
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    client.shutdown(timeout: 0.2)
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 1.5
    assert flushing.alive?, "shutdown returned while the flush was still waiting"
    # It ends when the request times out or its own timeout passes, on a client still alive.
    assert_includes [true, false], flushing.value
    assert client.flush(timeout: 0.1), "after shutdown nothing is pending"
  end

  def test_shutdown_while_other_threads_track_stops_them_cleanly
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector, queue_capacity: 100_000))
    threads = Array.new(3) do
      Thread.new do
        20_000.times { |i| client.track_agent_usage("agent-#{i}", "run", { retry_count: i }) }
        :finished
      end
    end
    sleep 0.01 until client.stats.enqueued >= 100
    client.shutdown(timeout: 5)
    # No thread saw an exception: the calls that came after the shutdown did nothing.
    assert_equal [:finished] * 3, threads.map(&:value)

    stats = client.stats
    final = stats.enqueued
    assert_operator final, :<=, 60_000
    client.track_agent_usage("late", "run")
    assert_equal final, client.stats.enqueued, "a call after the shutdown is not queued"
    assert_equal collector.events.size, stats.sent
    assert_operator stats.sent, :>, 0
    assert_operator stats.sent + stats.dropped + stats.failed, :<=, stats.enqueued
  end
end
