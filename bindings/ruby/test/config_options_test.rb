# frozen_string_literal: true

require_relative "test_helper"
require "openssl"
require "pathname"

# The config options beyond where events go: local-only output, a private CA, debug output.
class ConfigOptionsTest < TelemetryTest
  DB_URL = "postgres://admin:hunter2@db/x"

  def test_output_file_writes_each_batch_as_a_json_line_and_sends_nothing
    collector = start_collector
    output = File.join(Dir.mktmpdir("mt-output-"), "batches.jsonl")
    # The collector is the endpoint too: local-only mode must not reach it.
    client = MyceliumTelemetry::Client.new(enabled_config(collector, output_file: output, flush_interval_ms: 60_000))
    client.track_agent_usage("alice@example.com", "summarize", { duration_ms: 12, prompt: "secret prompt" })
    client.track_error("DatabaseError", "alice@example.com could not reach #{DB_URL}",
                       context: { "email" => "alice@example.com" })
    assert client.flush(timeout: 10), "the first batch: both events"
    client.track_performance("latency", 12.5, tags: { session_id: "s-1" })
    assert client.flush(timeout: 10), "the second batch: one event"
    client.shutdown

    lines = File.readlines(output, chomp: true)
    batches = lines.map { |line| JSON.parse(line) }
    assert_equal [2, 1], batches.map { |batch| batch["events"].size }
    assert(batches.all? { |batch| batch["version"] == "1.0" })
    events = batches.flat_map { |batch| batch["events"] }.map { |event| event.reject { |key, _| key == "timestamp" } }
    assert_equal [
      { "event_type" => "agent_usage", "agent_id_hash" => expected_hash("alice@example.com"),
        "operation" => "summarize", "metadata" => { "duration_ms" => 12 } },
      { "event_type" => "error", "error_type" => "DatabaseError",
        "error_message" => "<email> could not reach postgres://<user>:<password>@db/x" },
      { "event_type" => "performance", "metric_name" => "latency", "value" => 12.5, "unit" => "ms",
        "tags" => { "session_id" => expected_hash("s-1") } }
    ], events
    ["alice", "hunter2", "secret prompt", SALT].each { |secret| refute_includes lines.join("\n"), secret }
    assert_equal 0o600, File.stat(output).mode & 0o777
    assert_equal({ enqueued: 3, sent: 3, dropped: 0, failed: 0, retries: 0, batches_sent: 2, spooled: 0, replayed: 0, spool_dropped: 0 }, client.stats.to_h)
    sleep 0.2 # anything sent would have arrived by now
    assert_empty collector.requests
  ensure
    FileUtils.remove_entry(File.dirname(output)) if output
  end

  def test_a_token_is_sent_as_a_bearer_header_and_never_shown
    collector = start_collector
    client = MyceliumTelemetry::Client.new(enabled_config(collector, token: "ingest-7Hq.x"))
    client.track_agent_usage("alice@example.com", "summarize")
    assert client.flush(timeout: 10)
    client.shutdown
    request = collector.requests.fetch(0)
    assert_equal "Bearer ingest-7Hq.x", request.headers["authorization"]
    refute_includes request.body, "ingest-7Hq.x"
    ["", "has space", "line\nbreak"].each do |bad|
      error = assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(token: bad) }
      assert_match(/token/, error.message)
      refute_includes error.message, bad unless bad.empty?
    end
  end

  def test_output_file_takes_a_pathname_and_refuses_an_empty_one
    MyceliumTelemetry::Config.new(output_file: Pathname.new(Dir.tmpdir).join("mt-never-written.jsonl"))
    error = assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(output_file: "") }
    assert_match(/output_file/, error.message)
    assert_raises(TypeError) { MyceliumTelemetry::Config.new(output_file: 42) }
  end

  def test_a_ca_file_must_hold_a_certificate
    Dir.mktmpdir("mt-ca-") do |dir|
      ca_file = File.join(dir, "ca.pem")
      File.write(ca_file, self_signed_ca.to_pem)
      client = MyceliumTelemetry::Client.new(
        MyceliumTelemetry::Config.new(enabled: true, endpoint: "https://telemetry.example.com/v1/events",
                                      salt: SALT, ca_file: ca_file)
      )
      assert client.enabled?
      client.shutdown(timeout: 0)

      junk = File.join(dir, "junk.pem")
      File.write(junk, "not a certificate")
      error = assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(ca_file: junk) }
      assert_match(/ca_file/, error.message)
      assert_raises(ArgumentError) { MyceliumTelemetry::Config.new(ca_file: File.join(dir, "missing.pem")) }
    end
  end

  def test_debug_prints_each_outgoing_batch_to_stderr
    script = <<~RUBY
      output = ARGV.fetch(0)
      config = MyceliumTelemetry::Config.new(enabled: true, salt: #{SALT.inspect}, output_file: output,
                                             debug: ENV["WITH_DEBUG"] == "1")
      MyceliumTelemetry::Client.open(config) do |client|
        client.track_agent_usage("alice@example.com", "summarize")
        client.flush(timeout: 10) or abort "flush timed out"
      end
    RUBY
    Dir.mktmpdir("mt-debug-") do |dir|
      output = File.join(dir, "batches.jsonl")
      _, stderr, status, = run_ruby("ARGV.replace([#{output.inspect}])\n#{script}", "WITH_DEBUG" => "1")
      assert status.success?, stderr
      debug_lines = stderr.lines.grep(/outgoing batch/)
      assert_equal 1, debug_lines.size, stderr
      # The batch exactly as written (and as it would have been sent).
      assert debug_lines.first.strip.end_with?(File.read(output).strip)
      assert_includes debug_lines.first, expected_hash("alice@example.com")

      _, stderr, status, = run_ruby("ARGV.replace([#{output.inspect}])\n#{script}", "WITH_DEBUG" => "0")
      assert status.success?, stderr
      refute_match(/outgoing batch/, stderr)
    end
  end

  private

  def self_signed_ca
    key = OpenSSL::PKey::EC.generate("prime256v1")
    certificate = OpenSSL::X509::Certificate.new
    certificate.version = 2
    certificate.serial = 1
    certificate.subject = certificate.issuer = OpenSSL::X509::Name.parse("/CN=mt ruby test CA")
    certificate.public_key = key
    certificate.not_before = Time.now - 60
    certificate.not_after = Time.now + 86_400
    extensions = OpenSSL::X509::ExtensionFactory.new(certificate, certificate)
    certificate.add_extension(extensions.create_extension("basicConstraints", "CA:TRUE", true))
    certificate.add_extension(extensions.create_extension("keyUsage", "keyCertSign", true))
    certificate.sign(key, OpenSSL::Digest.new("SHA256"))
    certificate
  end
end
