# frozen_string_literal: true

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))

require "minitest/autorun"
require "digest"
require "fileutils"
require "json"
require "open3"
require "rbconfig"
require "tmpdir"
require "mycelium_telemetry"
require_relative "support/collector"
require_relative "support/reference_collector"

# Base of the binding's tests: collectors and temporary homes are cleaned up after each test.
class TelemetryTest < Minitest::Test
  SALT = "test-salt-4f1c"
  LIB_DIR = File.expand_path("../lib", __dir__)
  CARGO_TOML = File.expand_path("../../../Cargo.toml", __dir__)

  def expected_hash(identifier)
    Digest::SHA256.hexdigest(identifier + SALT)
  end

  def start_collector(**options)
    collector = Collector.new(**options)
    @collectors = (@collectors || []) << collector
    collector
  end

  # The reference collector, for tests that only check what arrived.
  def start_reference_collector
    collector = ReferenceCollector.new
    @collectors = (@collectors || []) << collector
    collector
  end

  def enabled_config(collector, **overrides)
    MyceliumTelemetry::Config.new(enabled: true, endpoint: collector.url, salt: SALT,
                                  flush_interval_ms: 50, **overrides)
  end

  # Runs +script+ in a fresh Ruby with the binding loaded, no TELEMETRY_* or DO_NOT_TRACK
  # variable inherited (only those in +env+), and a throwaway HOME so nothing touches the real
  # one. Returns [stdout, stderr, status, home].
  def run_ruby(script, env = {})
    home = Dir.mktmpdir("mt-home-")
    @homes = (@homes || []) << home
    inherited = ENV.to_h.reject { |name, _| name.start_with?("TELEMETRY_") || name == "DO_NOT_TRACK" }
    full_env = inherited.merge("HOME" => home, "XDG_CONFIG_HOME" => File.join(home, ".config")).merge(env)
    stdout, stderr, status = Open3.capture3(full_env, RbConfig.ruby, "-I", LIB_DIR, "-rmycelium_telemetry",
                                            "-e", script, unsetenv_others: true)
    [stdout, stderr, status, home]
  end

  def after_teardown
    (@collectors || []).each(&:close)
    (@homes || []).each { |home| FileUtils.remove_entry(home) }
    super
  end
end
