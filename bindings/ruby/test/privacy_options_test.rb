# frozen_string_literal: true

require_relative "test_helper"

# Typed metadata keys and error detail levels, checked on what the loopback collector receives.
class PrivacyOptionsTest < TelemetryTest
  TRACE = "/home/alice/app/models/order.rb:10:in 'save': bad input from alice@example.com (ArgumentError)\n" \
          "\tfrom /home/alice/app/bin/run.rb:3:in '<main>'"

  def test_typed_keys_keep_right_typed_values_and_drop_the_rest
    collector = start_reference_collector
    fields = { output_count: :non_negative_integer, "streamed" => :boolean, model: :any }
    client = MyceliumTelemetry::Client.new(enabled_config(collector, metadata_fields: fields))
    client.track_agent_usage("a", "right", { output_count: 7, streamed: true, model: "m by alice@example.com",
                                             status_code: 201 })
    client.track_agent_usage("a", "wrong", { output_count: "7", streamed: 1, duration_ms: "41 ms for alice",
                                             status_code: 42 })
    client.track_error("E", "m", context: { status_code: 503, success: "yes" })
    assert client.flush(timeout: 10)
    client.shutdown
    right, wrong, error = collector.events
    assert_equal({ "output_count" => 7, "streamed" => true, "model" => "m by <email>", "status_code" => 201 },
                 right["metadata"])
    refute wrong.key?("metadata"), wrong.inspect
    assert_equal({ "status_code" => 503 }, error["context"])
  end

  def test_each_error_detail_level_changes_what_arrives
    expected = {
      full: ["bad input from <email>", "<user>/app/models/order.rb:10:in 'save'"],
      frames: ["", "order.rb:10 in save\nrun.rb:3 in <main>"],
      type: ["", nil]
    }
    expected.each do |detail, (message, trace)|
      collector = start_reference_collector
      client = MyceliumTelemetry::Client.new(enabled_config(collector, error_detail: detail))
      client.track_error("ArgumentError", "bad input from alice@example.com",
                         stack_trace: TRACE, context: { retry_count: 1 })
      assert client.flush(timeout: 10)
      client.shutdown
      event = collector.events.first
      assert_equal "ArgumentError", event["error_type"]
      assert_equal message, event["error_message"], detail
      assert_equal({ "retry_count" => 1 }, event["context"])
      case detail
      when :full then assert_includes event["stack_trace"], trace
      when :frames then assert_equal trace, event["stack_trace"]
      else refute event.key?("stack_trace"), event.inspect
      end
      refute_includes event.to_s, "alice"
    end
  end

  def test_bad_privacy_options_raise
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(error_detail: :minimal) }
    assert_raises(TypeError) { MyceliumTelemetry::Config.new(error_detail: 2) }
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(metadata_fields: { x: :string }) }
    assert_raises(TypeError) { MyceliumTelemetry::Config.new(metadata_fields: [[:x, :any]]) }
    error = assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(metadata_fields: { api_token: :boolean }) }
    assert_match(/api_token/, error.message)
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(metadata_fields: { status_code: :boolean }) }
    MyceliumTelemetry::Config.new(metadata_fields: { status_code: :http_status_code, duration_ms: "any" },
                                  error_detail: "frames")
  end
  def test_protocol_otlp_sends_otlp_logs
    collector = start_collector
    config = enabled_config(collector, endpoint: collector.url("/v1/logs"), protocol: :otlp, app_name: "ruby-otlp",
                                       flush_interval_ms: 60_000)
    client = MyceliumTelemetry::Client.new(config)
    client.track_error("ArgumentError", "bad input from alice@example.com")
    client.track_system_info
    assert client.flush(timeout: 10)
    client.shutdown
    (request,) = collector.requests
    assert_equal "/v1/logs", request.path
    resource_logs = request.json.fetch("resourceLogs").first
    resource = resource_logs["resource"]["attributes"].to_h { |a| [a["key"], a["value"]] }
    assert_equal({ "stringValue" => "ruby-otlp" }, resource["service.name"])
    assert_equal({ "stringValue" => "ruby" }, resource["telemetry.sdk.language"])
    records = resource_logs["scopeLogs"].first["logRecords"]
    assert_equal %w[mycelium.error mycelium.system_info], records.map { |r| r["eventName"] }
    assert_equal 17, records.first["severityNumber"]
    refute_includes request.body, "alice"
  end

  def test_protocol_accepts_only_its_words
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(protocol: :zipkin) }
  end
end
