# frozen_string_literal: true

require_relative "test_helper"

class DeliveryTest < TelemetryTest
  DB_URL = "postgres://admin:hunter2@db/x"

  def test_events_with_pii_arrive_anonymized
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector))
    assert client.enabled?

    client.track_agent_usage("alice@example.com", "summarize",
                             { duration_ms: 12, prompt: "secret prompt", nested: { a: 1 } })
    client.track_error("DatabaseError", "alice@example.com could not reach #{DB_URL} from /home/alice/project/app.py",
                       stack_trace: "  File \"/home/alice/project/app.py\", line 3, in main\n    connect(\"#{DB_URL}\")",
                       context: { "retry_count" => 2, "email" => "alice@example.com" })
    client.track_performance("latency", 12.5, tags: { "session_id" => "s-1", "model" => "m" })
    client.track_system_info
    assert client.flush(timeout: 5), "flush should deliver everything to a working collector"

    requests = collector.requests
    refute_empty requests
    requests.each do |request|
      assert_equal "POST", request.method
      assert_equal "/v1/events", request.path
      assert_equal "application/json", request.headers["content-type"]
      assert_equal "mycelium-telemetry/#{MyceliumTelemetry.version}", request.headers["user-agent"]
      assert_equal "1.0", request.json["version"]
      assert_kind_of Float, request.json["timestamp"]
      %w[alice hunter2 secret\ prompt admin].each { |secret| refute_includes request.body, secret }
    end

    events = collector.events.map { |event| event.reject { |key, _| key == "timestamp" } }
    system_info = events.find { |event| event["event_type"] == "system_info" }
    assert_equal [
      { "event_type" => "agent_usage", "agent_id_hash" => expected_hash("alice@example.com"),
        "operation" => "summarize", "metadata" => { "duration_ms" => 12 } },
      { "event_type" => "error", "error_type" => "DatabaseError",
        "error_message" => "<email> could not reach postgres://<user>:<password>@db/x from <user>/project/app.py",
        "stack_trace" => "  File \"<user>/project/app.py\", line 3, in main\n    " \
                         "connect(\"postgres://<user>:<password>@db/x\")",
        "context" => { "retry_count" => 2 } },
      { "event_type" => "performance", "metric_name" => "latency", "value" => 12.5, "unit" => "ms",
        "tags" => { "session_id" => expected_hash("s-1"), "model" => "m" } },
      { "event_type" => "system_info", "platform" => "Linux", "platform_version" => system_info["platform_version"],
        "arch" => RbConfig::CONFIG["host_cpu"], "library_version" => MyceliumTelemetry.version,
        "runtime" => "ruby #{RUBY_VERSION}" }
    ], events
    refute_empty system_info["platform_version"]
    assert collector.events.all? { |event| event["timestamp"].is_a?(Float) }

    stats = client.stats
    assert_equal({ enqueued: 4, sent: 4, dropped: 0, failed: 0, retries: 0 },
                 stats.to_h.slice(:enqueued, :sent, :dropped, :failed, :retries))
    assert_equal requests.size, stats.batches_sent
  ensure
    client&.shutdown
  end

  def test_exceptions_are_tracked_with_class_message_and_backtrace
    collector = start_collector
    MyceliumTelemetry::Client.open(enabled_config(collector)) do |client|
      raise KeyError, "no key for alice@example.com"
    rescue KeyError => e
      client.track_exception(e, context: { status_code: 404 })
    end

    error = collector.events.fetch(0)
    assert_equal "KeyError", error["error_type"]
    assert_equal "no key for <email>", error["error_message"]
    assert_includes error["stack_trace"], "delivery_test.rb:"
    assert_includes error["stack_trace"], "test_exceptions_are_tracked_with_class_message_and_backtrace"
    assert_equal({ "status_code" => 404 }, error["context"])
  end

  def test_open_delivers_and_shuts_down_even_when_the_block_raises
    collector = start_collector
    config = enabled_config(collector, flush_interval_ms: 3_600_000)
    opened = nil
    assert_raises(ZeroDivisionError) do
      MyceliumTelemetry::Client.open(config) do |client|
        opened = client
        client.track_agent_usage("bob", "divide")
        1 / 0
      end
    end

    refute opened.enabled?
    assert_nil opened.track_agent_usage("bob", "again"), "a call after the block does nothing"
    assert_equal [expected_hash("bob")], collector.events.map { |event| event["agent_id_hash"] }
  end

  def test_tracking_from_many_threads_delivers_every_event
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector, batch_size: 10))
    threads = Array.new(4) do |thread_index|
      Thread.new do
        25.times { |i| client.track_performance("step", i, tags: { worker_id: thread_index.to_s }) }
      end
    end
    threads.each(&:join)
    assert client.flush(timeout: 5)

    assert_equal 100, collector.events.size
    assert_equal 100, client.stats.sent
    assert_equal 4, collector.events.map { |event| event["tags"]["worker_id"] }.uniq.size
  ensure
    client&.shutdown
  end

  def test_an_unreachable_collector_never_raises_and_is_counted_as_failed
    closed_port = TCPServer.open("127.0.0.1", 0) { |server| server.addr[1] }
    config = MyceliumTelemetry::Config.new(enabled: true, endpoint: "http://127.0.0.1:#{closed_port}/v1/events",
                                           salt: SALT, retry_attempts: 0, flush_interval_ms: 50)
    client = MyceliumTelemetry::Client.new(config)
    client.track_agent_usage("alice", "op")

    assert client.flush(timeout: 5), "a batch given up on still completes the flush"
    assert_equal 1, client.stats.failed
    assert_equal 0, client.stats.sent
    client.shutdown(timeout: 1)
  end

  def test_a_collector_that_never_answers_makes_flush_return_false
    silent = start_collector(respond: false)
    client = MyceliumTelemetry::Client.new(enabled_config(silent, timeout: 1, retry_attempts: 0))
    client.track_agent_usage("alice", "op")

    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    refute client.flush(timeout: 0.2)
    client.shutdown(timeout: 0.2)
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 3
  end

  def test_flush_lets_other_ruby_threads_run_while_it_waits
    silent = start_collector(respond: false)
    client = MyceliumTelemetry::Client.new(enabled_config(silent, timeout: 1, retry_attempts: 0))
    client.track_agent_usage("alice", "op")

    ticks = 0
    ticker = Thread.new { loop { ticks += 1; sleep 0.01 } }
    refute client.flush(timeout: 0.3)
    ticker.kill
    assert_operator ticks, :>=, 5, "a flush holding the GVL would have stopped the ticker"
  ensure
    client&.shutdown(timeout: 0.2)
  end
end
