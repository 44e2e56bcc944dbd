# frozen_string_literal: true

require_relative "test_helper"

# What depends on the process: its environment, the global client and how the library is found.
# Each case runs in a fresh Ruby so that none inherits the test runner's state.
class ProcessTest < TelemetryTest
  def test_nothing_is_sent_and_nothing_written_when_no_variable_is_set
    collector = start_collector
    script = <<~RUBY
      client = MyceliumTelemetry::Client.new
      poison = Object.new
      def poison.to_json(*) = raise("metadata was serialized")
      client.track_agent_usage("alice@example.com", "op", { duration_ms: poison })
      client.track_agent_usage(nil, nil)
      client.track_performance("latency", 1.0)
      client.track_error("E", "alice@example.com")
      client.track_system_info
      global = MyceliumTelemetry.global
      global.track_agent_usage("alice@example.com", "op")
      puts JSON.generate(enabled: client.enabled?, global_enabled: global.enabled?,
                         flushed: client.flush(timeout: 1) && global.flush(timeout: 1),
                         stats: client.stats.to_h, global_stats: global.stats.to_h)
      client.shutdown
      MyceliumTelemetry.shutdown_global
    RUBY
    stdout, stderr, status, home = run_ruby(script)
    assert status.success?, stderr

    result = JSON.parse(stdout)
    refute result["enabled"]
    refute result["global_enabled"]
    assert result["flushed"]
    zero = { "enqueued" => 0, "sent" => 0, "dropped" => 0, "failed" => 0, "retries" => 0, "batches_sent" => 0,
             "spooled" => 0, "replayed" => 0, "spool_dropped" => 0 }
    assert_equal zero, result["stats"]
    assert_equal zero, result["global_stats"]
    assert_empty Dir.children(home), "a disabled client must not create a salt file"
    # Even pointed at the collector, telemetry stays off until TELEMETRY_ENABLED says yes...
    _, stderr, status, = run_ruby(script, "TELEMETRY_ENDPOINT" => collector.url, "TELEMETRY_SALT" => SALT)
    assert status.success?, stderr
    # ...and DO_NOT_TRACK overrides it.
    _, stderr, status, = run_ruby(script, "TELEMETRY_ENABLED" => "1", "DO_NOT_TRACK" => "1",
                                          "TELEMETRY_ENDPOINT" => collector.url, "TELEMETRY_SALT" => SALT)
    assert status.success?, stderr
    sleep 0.2 # long past the default flush of an enabled client, had one been started
    assert_empty collector.requests
  end

  def test_client_from_environment_sends_to_the_configured_endpoint
    collector = start_collector
    script = <<~RUBY
      client = MyceliumTelemetry::Client.new(MyceliumTelemetry::Config.from_env(flush_interval_ms: 60_000))
      client.track_agent_usage("carol", "env", { result_count: 3 })
      puts client.flush(timeout: 5)
      client.shutdown
    RUBY
    stdout, stderr, status, = run_ruby(script, "TELEMETRY_ENABLED" => "yes", "TELEMETRY_ENDPOINT" => collector.url,
                                               "TELEMETRY_SALT" => SALT)
    assert status.success?, stderr
    assert_equal "true", stdout.strip
    assert_equal [{ "agent_id_hash" => expected_hash("carol"), "metadata" => { "result_count" => 3 } }],
                 collector.events.map { |event| event.slice("agent_id_hash", "metadata") }
  end

  def test_a_collected_client_is_freed_without_waiting_and_still_delivers_its_queue
    collector = start_collector
    script = <<~RUBY
      # Referenced only from a finished thread's stack, so that GC can collect it.
      Thread.new do
        client = MyceliumTelemetry::Client.new(MyceliumTelemetry::Config.from_env)
        client.track_agent_usage("frank", "collected")
        nil
      end.join
      3.times { GC.start(full_mark: true, immediate_sweep: true) }
      puts MyceliumTelemetry::Client::UNFREED.empty? ? "freed" : "not collected"
      $stdout.flush
      # The at-exit close has nothing left to do: the sender delivers on its own meanwhile.
      sleep 0.05 until File.exist?(ENV.fetch("MT_DONE_FILE"))
    RUBY
    Dir.mktmpdir("mt-done-") do |dir|
      done = File.join(dir, "done")
      runner = Thread.new do
        run_ruby(script, "TELEMETRY_ENABLED" => "on", "TELEMETRY_ENDPOINT" => collector.url,
                         "TELEMETRY_SALT" => SALT, "TELEMETRY_FLUSH_INTERVAL_MS" => "3600000", "MT_DONE_FILE" => done)
      end
      arrived = collector.wait_for_requests(1, timeout: 10)
      File.write(done, "")
      stdout, stderr, status, = runner.value
      assert status.success?, stderr
      assert_equal "freed", stdout.strip
      assert arrived, "the collected client's queue was delivered while the process still ran"
      assert_equal [expected_hash("frank")], collector.events.map { |event| event["agent_id_hash"] }
    end
  end

  def test_a_client_never_shut_down_delivers_its_queue_when_ruby_exits
    collector = start_collector
    script = <<~RUBY
      client = MyceliumTelemetry::Client.new(MyceliumTelemetry::Config.from_env)
      client.track_agent_usage("erin", "forgotten")
    RUBY
    _, stderr, status, = run_ruby(script, "TELEMETRY_ENABLED" => "on", "TELEMETRY_ENDPOINT" => collector.url,
                                          "TELEMETRY_SALT" => SALT, "TELEMETRY_FLUSH_INTERVAL_MS" => "3600000")
    assert status.success?, stderr
    assert_equal [expected_hash("erin")], collector.events.map { |event| event["agent_id_hash"] }
  end

  def test_global_client_is_shared_and_shut_down_once
    collector = start_collector
    script = <<~RUBY
      global = MyceliumTelemetry.global
      raise "not the same client" unless MyceliumTelemetry.global.equal?(global)
      raise "global client disabled" unless global.enabled?
      global.track_agent_usage("dave@example.com", "global-op", { cache_hit: true, token: "secret prompt" })
      global.track_system_info
      MyceliumTelemetry.shutdown_global(timeout: 5)
      MyceliumTelemetry.shutdown_global(timeout: 5)
      begin
        global.track_agent_usage("dave", "after")
        puts "no error"
      rescue MyceliumTelemetry::ShutDownError
        puts "shut down"
      end
      puts global.enabled?
      puts JSON.generate(global.stats.to_h)
    RUBY
    stdout, stderr, status, = run_ruby(script, "TELEMETRY_ENABLED" => "true", "TELEMETRY_ENDPOINT" => collector.url,
                                               "TELEMETRY_SALT" => SALT, "TELEMETRY_FLUSH_INTERVAL_MS" => "60000")
    assert status.success?, stderr

    outcome, enabled, stats = stdout.lines.map(&:strip)
    assert_equal "no error", outcome, "a call after shutdown does nothing"
    assert_equal "false", enabled
    assert_equal 2, JSON.parse(stats)["sent"], "shutdown_global delivers what was queued"
    usage, system_info = collector.events
    assert_equal expected_hash("dave@example.com"), usage["agent_id_hash"]
    assert_equal({ "cache_hit" => true }, usage["metadata"])
    assert_equal "ruby #{RUBY_VERSION}", system_info["runtime"]
    refute_includes collector.requests.map(&:body).join, "secret prompt"
  end

  def test_global_shut_down_before_first_use_is_already_shut_down
    script = <<~RUBY
      MyceliumTelemetry.shutdown_global(timeout: 1)
      MyceliumTelemetry.global.track_system_info
    RUBY
    _, stderr, status, = run_ruby(script + "\nputs MyceliumTelemetry.global.enabled?",
                                  "TELEMETRY_ENABLED" => "1", "TELEMETRY_SALT" => SALT)
    assert status.success?, stderr
    refute_includes stderr, "ShutDownError"
  end

  def test_library_named_by_environment_variable_is_loaded
    Dir.mktmpdir("mt-lib-") do |dir|
      copy = File.join(dir, "libcustom_name.so")
      FileUtils.cp(MyceliumTelemetry::Native::LIBRARY, copy)
      stdout, stderr, status, = run_ruby("puts MyceliumTelemetry::Native::LIBRARY", "MYCELIUM_TELEMETRY_LIB" => copy)
      assert status.success?, stderr
      assert_equal copy, stdout.strip

      _, stderr, status, = run_ruby("", "MYCELIUM_TELEMETRY_LIB" => File.join(dir, "missing.so"))
      refute status.success?
      assert_includes stderr, "MYCELIUM_TELEMETRY_LIB=#{File.join(dir, 'missing.so')} could not be loaded"
    end
  end

  def test_outside_the_repository_the_loader_path_is_used_and_failure_names_every_place
    Dir.mktmpdir("mt-gem-") do |dir|
      # A copy of the binding far from any build output, as an installed gem would be.
      FileUtils.cp_r(LIB_DIR, File.join(dir, "gem"))
      loader_dir = File.join(dir, "system")
      FileUtils.mkdir(loader_dir)
      FileUtils.cp(MyceliumTelemetry::Native::LIBRARY, File.join(loader_dir, "libmycelium_telemetry.so.0"))
      command = [RbConfig.ruby, "-I", File.join(dir, "gem"), "-rmycelium_telemetry", "-e",
                 "puts MyceliumTelemetry::Native::LIBRARY, MyceliumTelemetry.version"]
      clean_env = ENV.to_h.except("MYCELIUM_TELEMETRY_LIB", "LD_LIBRARY_PATH")

      stdout, stderr, status = Open3.capture3(clean_env.merge("LD_LIBRARY_PATH" => loader_dir), *command,
                                              unsetenv_others: true)
      assert status.success?, stderr
      assert_equal ["libmycelium_telemetry.so.0", MyceliumTelemetry.version], stdout.lines.map(&:strip)

      _, stderr, status = Open3.capture3(clean_env, *command, unsetenv_others: true)
      refute status.success?
      assert_includes stderr, "MyceliumTelemetry::LibraryNotFoundError"
      %w[MYCELIUM_TELEMETRY_LIB target/release/libmycelium_telemetry.so target/debug/libmycelium_telemetry.so
         libmycelium_telemetry.so.0].each { |place| assert_includes stderr, place }
    end
  end
end
