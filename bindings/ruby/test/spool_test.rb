# frozen_string_literal: true

require_relative "test_helper"

# shutdown(timeout: 0) and the offline spool, through the binding: a process exits at once while
# the collector is down, and the next run sends what it left, each batch once.
class SpoolTest < TelemetryTest
  SCRIPT = <<~RUBY
    config = MyceliumTelemetry::Config.new(enabled: true, endpoint: ENV.fetch("ENDPOINT"), salt: "#{SALT}",
                                           app_name: "rbspool", spool_max_bytes: 1_000_000, spool_max_age_days: 7)
    client = MyceliumTelemetry::Client.new(config)
    if ENV.fetch("MODE") == "track"
      10.times { |index| client.track_agent_usage("agent", "op-\#{index}") }
      client.shutdown(timeout: 0)
    else
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 15
      sleep 0.02 while client.stats.replayed < 10 && Process.clock_gettime(Process::CLOCK_MONOTONIC) < deadline
      client.shutdown
    end
    puts JSON.generate(client.stats.to_h)
  RUBY

  def test_shutdown_zero_spools_and_the_next_run_sends_each_batch_once
    collector = start_collector
    collector.command("stop")
    state = Dir.mktmpdir("mt-rb-spool-")
    env = { "ENDPOINT" => collector.url, "XDG_STATE_HOME" => state }
    stdout, stderr, status, = run_ruby(SCRIPT, env.merge("MODE" => "track"))
    assert status.success?, stderr
    first = JSON.parse(stdout.lines.last)
    assert_equal [10, 0, 0], first.values_at("spooled", "sent", "failed")
    assert_equal 1, Dir.glob(File.join(state, "mycelium", "telemetry", "spool", "rbspool", "*.json")).size
    collector.command("restart")
    stdout, stderr, status, = run_ruby(SCRIPT, env.merge("MODE" => "replay"))
    assert status.success?, stderr
    assert_equal 10, JSON.parse(stdout.lines.last)["replayed"]
    assert_equal [{ "accepted" => 1, "events" => 10 }], collector.command("batches")["batches"].values
  ensure
    FileUtils.remove_entry(state) if state
  end

  def test_the_spool_bounds_are_checked_by_the_library
    MyceliumTelemetry::Config.new(spool_max_bytes: 0, spool_max_age_days: 0) # 0 turns the spool off
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(spool_max_bytes: 1_073_741_825) }
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(spool_max_age_days: 366) }
  end
end
