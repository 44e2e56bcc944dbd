# Run with GEM_HOME holding only the gem (and Debian's ruby-ffi): one event of each type, from TELEMETRY_*.
require "mycelium_telemetry"

library = MyceliumTelemetry::Native::LIBRARY
raise "not the gem's library: #{library}" unless library == MyceliumTelemetry::Native::BUNDLED

MyceliumTelemetry::Client.open do |telemetry|
  raise "the client is not enabled" unless telemetry.enabled?

  telemetry.track_agent_usage("agent-7", "clean-install-ruby", { duration_ms: 41 })
  telemetry.track_performance("latency", 12.5)
  begin
    File.read("/home/alice/missing.txt")
  rescue SystemCallError => e
    telemetry.track_exception(e)
  end
  telemetry.track_system_info
end
puts MyceliumTelemetry.version
