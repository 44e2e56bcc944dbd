# frozen_string_literal: true

require_relative "test_helper"

# This binding against bindings/contract.json: statuses handled as the contract says, every option
# present, the library searched for in the contract's order, and the log callback.
class ContractTest < TelemetryTest
  CONTRACT = JSON.parse(File.read(File.expand_path("../../contract.json", __dir__)))
  STATUSES = CONTRACT.fetch("statuses").to_h { |status| [status.fetch("name"), status] }
  Native = MyceliumTelemetry::Native

  def test_status_numbers_and_messages_are_the_contract_s
    CONTRACT.fetch("statuses").each do |status|
      assert_equal status.fetch("value"), Native.const_get(status.fetch("name").delete_prefix("MT_"))
      assert_equal status.fetch("message"), Native.mt_status_message(status.fetch("value"))
    end
  end

  def test_caller_mistakes_raise_the_contract_s_error
    CONTRACT.fetch("statuses").select { |status| status.fetch("policy") == "caller_mistake" }.each do |status|
      error = assert_raises(StandardError) { Native.check!(status.fetch("value"), "call") }
      assert_equal status.fetch("bindings").fetch("ruby"), error.class.name, status.fetch("name")
      assert_includes error.message, status.fetch("message")
    end
  end

  def test_io_failures_raise_the_contract_s_io_error
    CONTRACT.fetch("statuses").select { |status| status.fetch("policy") == "io" }.each do |status|
      error = assert_raises(StandardError) { Native.check!(status.fetch("value"), "call") }
      assert_equal status.fetch("bindings").fetch("ruby"), error.class.name, status.fetch("name")
      assert_includes error.message, status.fetch("message")
    end
  end

  def test_shut_down_is_silent_and_internal_is_a_warning
    assert_equal "silent", STATUSES.fetch("MT_ERR_SHUT_DOWN").fetch("bindings").fetch("ruby")
    assert_nil Native.check!(STATUSES.fetch("MT_ERR_SHUT_DOWN").fetch("value"), "call")
    internal = STATUSES.fetch("MT_ERR_INTERNAL")
    _, stderr = capture_io { assert_nil Native.check!(internal.fetch("value"), "call") }
    assert_includes stderr, internal.fetch("message")
  end

  def test_every_option_of_the_contract_is_a_config_keyword
    keywords = MyceliumTelemetry::Config.instance_method(:update).parameters.map { |_, name| name.to_s }
    CONTRACT.fetch("options").each do |option|
      assert_includes keywords, option.fetch("names").fetch("ruby")
    end
  end

  def test_numeric_options_take_the_contract_range
    CONTRACT.fetch("options").select { |option| option.key?("min") }.each do |option|
      name = option.fetch("names").fetch("ruby").to_sym
      step = option.fetch("type") == "double" ? 0.001 : 1
      MyceliumTelemetry::Config.new(name => option.fetch("min"))
      MyceliumTelemetry::Config.new(name => option.fetch("max"))
      assert_raises(ArgumentError, name) { MyceliumTelemetry::Config.new(name => option.fetch("max") + step) }
      next if (option.fetch("min") - step).negative?

      assert_raises(ArgumentError, name) { MyceliumTelemetry::Config.new(name => option.fetch("min") - step) }
    end
  end

  def test_the_library_is_searched_for_in_the_contract_order
    library = CONTRACT.fetch("library")
    assert_includes library.fetch("applies_to"), "ruby"
    assert_equal library.fetch("env_var"), Native::LIBRARY_ENV
    places = Native::BUILD_OUTPUTS.map { |path| File.dirname(path).delete_prefix("#{Native::REPO_ROOT}/") }
    assert_equal library.fetch("search_order").grep(%r{\Atarget/}), places
    assert_equal library.fetch("system_names").fetch("linux"), Native::SYSTEM_NAMES
    gem_root = File.expand_path("../..", Native::BUNDLED.delete_suffix("/native/libmycelium_telemetry.so.0"))
    assert_equal library.fetch("bundled").fetch("ruby"), Native::BUNDLED.delete_prefix("#{gem_root}/")
  end

  def test_log_callback_receives_the_library_messages_and_its_exceptions_go_nowhere
    Dir.mktmpdir("mt-contract-") do |dir|
      received = Queue.new
      config = MyceliumTelemetry::Config.new(enabled: true, output_file: File.join(dir, "out.jsonl"), debug: true,
                                             log_callback: ->(level, message) { received << [level, message] })
      failing = MyceliumTelemetry::Config.new(enabled: true, output_file: File.join(dir, "failing.jsonl"),
                                              debug: true, log_callback: ->(*) { raise "callback bug" })
      _, stderr = capture_subprocess_io do
        [config, failing].each do |each_config|
          MyceliumTelemetry::Client.open(each_config) do |client|
            client.track_agent_usage("agent", "summarize")
            assert client.flush(timeout: 10)
          end
        end
      end
      level, message = received.pop(timeout: 10)
      assert_equal :debug, level
      assert_includes message.delete(" "), '"operation":"summarize"'
      assert_equal Encoding::UTF_8, message.encoding
      refute_includes stderr, "callback bug"
    end
  end

  def test_strings_follow_the_contract
    rules = CONTRACT.fetch("strings")
    Dir.mktmpdir("mt-contract-") do |dir|
      MyceliumTelemetry::Client.open(MyceliumTelemetry::Config.new(enabled: true, output_file: File.join(dir, "o.jsonl"))) do |client|
        nul = assert_raises(StandardError) { client.track_agent_usage("agent\0hidden", "run") }
        assert_equal rules.fetch("nul_byte").fetch("bindings").fetch("ruby"), nul.class.name
        bad = assert_raises(StandardError) { client.track_agent_usage("agent \xff".b, "run") }
        assert_equal rules.fetch("invalid_utf8").fetch("bindings").fetch("ruby"), bad.class.name
        assert_equal 0, client.stats.enqueued
      end
    end
  end

  def test_log_callback_must_be_callable
    assert_raises(TypeError) { MyceliumTelemetry::Config.new(log_callback: "puts") }
  end
end
