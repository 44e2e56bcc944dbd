# frozen_string_literal: true

# Tracks a few events with the settings from the environment and reports what was delivered.
# Telemetry stays off (and this sends nothing) unless TELEMETRY_ENABLED=1; see ../README.md.
require_relative "../lib/mycelium_telemetry"

MyceliumTelemetry::Client.open do |telemetry|
  puts "telemetry enabled: #{telemetry.enabled?}"
  telemetry.track_system_info
  telemetry.track_agent_usage("alice@example.com", "summarize", { duration_ms: 42, success: true })
  telemetry.track_performance("summarize.latency", 42.0, tags: { model: "small", session_id: "s-1" })
  begin
    File.read("/home/alice/missing.txt")
  rescue SystemCallError => e
    telemetry.track_exception(e)
  end
  delivered = telemetry.flush(timeout: 5)
  puts "flushed: #{delivered}, #{telemetry.stats.to_h}"
end
