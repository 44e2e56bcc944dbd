# frozen_string_literal: true

require_relative "test_helper"

class AnonymizerTest < TelemetryTest
  def test_hash_identifier_is_sha256_of_identifier_then_salt
    assert_equal Digest::SHA256.hexdigest("alice@example.comtest-salt-4f1c"),
                 MyceliumTelemetry.hash_identifier("test-salt-4f1c", "alice@example.com")
    refute_equal MyceliumTelemetry.hash_identifier("a", "x"), MyceliumTelemetry.hash_identifier("b", "x")
  end

  def test_paths_lose_their_user
    assert_equal "<user>/project/app.py", MyceliumTelemetry.anonymize_path("/home/alice/project/app.py")
    assert_equal "<user>/Documents/code.py", MyceliumTelemetry.anonymize_path("C:\\Users\\alice\\Documents\\code.py")
    # Other paths keep their last three components; system folders such as /var/lib stay whole.
    assert_equal "team/app/main.py", MyceliumTelemetry.anonymize_path("/opt/acme/team/app/main.py")
    assert_equal "/var/lib/data/cache/file.txt", MyceliumTelemetry.anonymize_path("/var/lib/data/cache/file.txt")
  end

  def test_messages_lose_emails_paths_and_credentials
    assert_equal "<email> failed on postgres://<user>:<password>@db/x in <user>/project/app.py",
                 MyceliumTelemetry.anonymize_message(
                   "alice@example.com failed on postgres://admin:hunter2@db/x in /home/alice/project/app.py"
                 )
  end

  def test_stack_traces_keep_files_lines_and_functions
    trace = "/home/alice/project/app.rb:3:in `connect'\n/home/alice/project/app.rb:9:in `main'"
    assert_equal "<user>/project/app.rb:3:in `connect'\n<user>/project/app.rb:9:in `main'",
                 MyceliumTelemetry.anonymize_stack_trace(trace)
  end

  def test_results_are_utf8_strings
    result = MyceliumTelemetry.anonymize_message("café at /home/zoë/notes.txt")
    assert_equal Encoding::UTF_8, result.encoding
    assert_equal "café at <user>/notes.txt", result
  end

  def test_bad_arguments_raise
    assert_raises(TypeError) { MyceliumTelemetry.anonymize_path(nil) }
    assert_raises(TypeError) { MyceliumTelemetry.hash_identifier(nil, "x") }
    assert_raises(ArgumentError) { MyceliumTelemetry.anonymize_message("\xff\xfe".b) }
    assert_raises(ArgumentError) { MyceliumTelemetry.anonymize_stack_trace("a\0b") }
  end

  def test_version_matches_the_crate
    crate_version = File.read(CARGO_TOML)[/^version\s*=\s*"([^"]+)"/, 1]
    assert_equal crate_version, MyceliumTelemetry.version
    assert_equal crate_version, MyceliumTelemetry::VERSION
  end
end
