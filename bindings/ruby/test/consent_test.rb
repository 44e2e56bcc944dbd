# frozen_string_literal: true

require_relative "test_helper"

# The consent functions against a consent file in a temporary folder, never the user's own.
class ConsentTest < TelemetryTest
  Consent = MyceliumTelemetry::Consent
  CONTRACT = JSON.parse(File.read(File.expand_path("../../contract.json", __dir__)))
  STATUSES = CONTRACT.fetch("statuses").to_h { |status| [status.fetch("name"), status] }

  def setup
    @folder = Dir.mktmpdir("mt-ruby-consent-")
    @file = File.join(@folder, "telemetry_consent.json")
    @previous = ENV.fetch("TELEMETRY_CONSENT_FILE", nil)
    ENV["TELEMETRY_CONSENT_FILE"] = @file
  end

  def teardown
    ENV["TELEMETRY_CONSENT_FILE"] = @previous
    FileUtils.rm_rf(@folder)
    super
  end

  def test_set_on_then_get_returns_on
    assert_equal :undecided, Consent.get
    Consent.set(:on)
    assert_equal :on, Consent.get
    assert_equal 0o600, File.stat(@file).mode & 0o777
  end

  def test_per_app_and_global_entries_are_separate
    Consent.set("local", app: "mytool")
    Consent.set(:off)
    assert_equal :local, Consent.get(app: "mytool")
    assert_equal :off, Consent.get
    assert_equal :undecided, Consent.get(app: "other-tool")
  end

  def test_the_notice_is_not_empty
    refute_empty Consent::NOTICE.strip
  end

  def test_an_invalid_level_or_name_raises_the_contract_s_argument_error
    assert_equal "ArgumentError", STATUSES.fetch("MT_ERR_INVALID_ARGUMENT").fetch("bindings").fetch("ruby")
    assert_raises(ArgumentError) { Consent.set(:maybe) }
    assert_raises(TypeError) { Consent.set(3) }
    assert_raises(ArgumentError) { Consent.set(:on, app: "not a name") }
    assert_raises(ArgumentError) { Consent.get(app: "no/slashes") }
    refute File.exist?(@file), "a refused call wrote the file"
  end

  def test_an_unreadable_consent_file_raises_the_contract_s_io_error
    assert_equal "IOError", STATUSES.fetch("MT_ERR_IO").fetch("bindings").fetch("ruby")
    File.write(@file, "not json", perm: 0o600)
    assert_raises(IOError) { Consent.get }
  end

  def test_sources_are_the_contract_sources
    numbered = Consent::SOURCES.each_with_index.to_h { |source, index| [source.to_s, index + 1] }
    assert_equal CONTRACT.fetch("consent_sources"), numbered
  end

  # Sets (nil: removes) environment variables for the rest of the test.
  def with_env(variables)
    @restore_env ||= {}
    variables.each do |name, value|
      @restore_env[name] = ENV.fetch(name, nil) unless @restore_env.key?(name)
      ENV[name] = value
    end
  end

  # explain says +level+ because of +source+, and a client from the same config agrees.
  def assert_explained(config, level, source)
    explanation = Consent.explain(config)
    assert_equal [level, source], [explanation.level, explanation.source]
    assert_match(/\(rule [1-5]\)\z/, explanation.reason)
    client = MyceliumTelemetry::Client.new(config)
    begin
      assert_equal level != :off, client.enabled?
    ensure
      client.shutdown(timeout: 1.0)
    end
    explanation
  end

  def test_explain_names_the_rule_that_decides_row_by_row
    with_env("DO_NOT_TRACK" => nil, "TELEMETRY_ENABLED" => nil, "TELEMETRY_APP" => nil)
    # A closed loopback port: a client that does start never reaches a collector.
    options = { app_name: "mytool", endpoint: "http://127.0.0.1:9/v1/events" }
    assert_explained(nil, :off, :default) # 5
    assert_explained(MyceliumTelemetry::Config.new(**options), :off, :default) # 5
    host = MyceliumTelemetry::Config.new(**options, enabled: true)
    assert_explained(host, :on, :host) # 4
    Consent.set(:local)
    assert_explained(host, :local, :global_choice) # 3, global
    Consent.set(:off, app: "mytool")
    off = assert_explained(host, :off, :app_choice) # 3, the app's own
    assert_equal "the choice recorded for this application (rule 3)", off.reason
    with_env("TELEMETRY_ENABLED" => "1")
    assert_explained(host, :on, :telemetry_enabled) # 2
    with_env("DO_NOT_TRACK" => "1")
    assert_explained(host, :off, :do_not_track) # 1
    with_env("DO_NOT_TRACK" => nil, "TELEMETRY_ENABLED" => nil, "TELEMETRY_APP" => "mytool")
    # nil is the environment alone, where TELEMETRY_APP names the application.
    assert_explained(nil, :off, :app_choice)
  ensure
    (@restore_env || {}).each { |name, value| ENV[name] = value }
  end

  def test_explain_reports_an_unreadable_choice_as_off_without_raising
    File.write(@file, "not json", perm: 0o600)
    explanation = Consent.explain(MyceliumTelemetry::Config.new(enabled: true))
    assert_equal %i[off unreadable_choice], [explanation.level, explanation.source]
    assert_match(/cannot be read/, explanation.reason)
    assert_raises(TypeError) { Consent.explain("mytool") }
  end

  def test_app_name_is_a_config_keyword_checked_by_the_library
    MyceliumTelemetry::Config.new(app_name: "mytool")
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(app_name: "not a name") }
  end
end
