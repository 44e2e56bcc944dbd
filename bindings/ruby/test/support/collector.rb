# frozen_string_literal: true

require "json"
require "open3"

# The repository's one test collector (tests/tools/fault_collector), started as a program: a real
# HTTP/1.1 server on 127.0.0.1 that records every request and answers 200 (with respond: false,
# reads each request and never answers; with script:, as those fault_collector REPLYs say). This
# class only starts it and asks what it recorded. Run this file directly to get a collector that
# prints what it receives.
class Collector
  PROGRAM = ENV.fetch("MYCELIUM_FAULT_COLLECTOR") do
    File.expand_path("../../../../target/fault_collector/release/fault_collector", __dir__)
  end

  Request = Struct.new(:method, :path, :headers, :body, keyword_init: true) do
    def json
      JSON.parse(body)
    end
  end

  attr_reader :port

  def initialize(respond: true, port: 0, script: [])
    unless File.executable?(PROGRAM)
      raise "#{PROGRAM} is missing: build it with build_fault_collector from .ci/lib.sh (test.sh does) " \
            "or name it in MYCELIUM_FAULT_COLLECTOR"
    end
    arguments = ["--port", port.to_s, "--default", respond ? "200" : "hang", *script]
    @input, @output, @process = Open3.popen2(PROGRAM, *arguments)
    @lock = Mutex.new
    @port = read_line.fetch("port")
  end

  def url(path = "/v1/events")
    "http://127.0.0.1:#{@port}#{path}"
  end

  # The requests answered so far (a request left hanging is not one).
  def requests
    command("requests").fetch("requests").reject { |raw| raw["answer"].nil? }.map do |raw|
      Request.new(method: raw["method"], path: raw["path"], headers: raw["headers"],
                  body: raw["body"].dup.force_encoding(Encoding::UTF_8))
    end
  end

  # Every event of every batch received so far.
  def events
    requests.flat_map { |request| request.json.fetch("events") }
  end

  # Waits until at least +count+ requests arrived; returns whether they did in time.
  def wait_for_requests(count, timeout: 5)
    command("wait #{count} #{(timeout * 1000).round}").fetch("ok")
  end

  # Sends one fault_collector command; returns its answer.
  def command(line)
    @lock.synchronize do
      @input.puts(line)
      @input.flush
      answer = read_line
      raise "fault_collector: #{answer['error']}" if answer.key?("error")

      answer
    end
  end

  def close
    return if @input.closed?

    @input.puts("quit")
    @input.close
    @process.join(10)
    @output.close
  end

  private

  def read_line
    line = @output.gets
    raise "fault_collector exited (#{@process.value})" if line.nil?

    JSON.parse(line)
  end
end

if $PROGRAM_NAME == __FILE__
  collector = Collector.new(port: Integer(ARGV.fetch(0, "8765")))
  puts "collecting on #{collector.url} (Ctrl-C to stop)"
  seen = 0
  loop do
    collector.wait_for_requests(seen + 1, timeout: 3600)
    collector.requests.drop(seen).each { |request| puts JSON.pretty_generate(request.json) }
    seen = collector.requests.size
  rescue Interrupt
    break
  end
end
