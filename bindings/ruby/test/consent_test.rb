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

  def test_app_name_is_a_config_keyword_checked_by_the_library
    MyceliumTelemetry::Config.new(app_name: "mytool")
    assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(app_name: "not a name") }
  end
end
