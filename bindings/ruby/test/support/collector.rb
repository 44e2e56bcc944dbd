# frozen_string_literal: true

require "socket"
require "json"

# A real HTTP/1.1 server on 127.0.0.1 that records every request and answers 200 (or, with
# respond: false, accepts connections and never answers). Run this file directly to get a
# collector that prints what it receives.
class Collector
  Request = Struct.new(:method, :path, :headers, :body, keyword_init: true) do
    def json
      JSON.parse(body)
    end
  end

  attr_reader :port

  def initialize(respond: true, port: 0)
    @server = TCPServer.new("127.0.0.1", port)
    @port = @server.addr[1]
    @respond = respond
    @requests = []
    @lock = Mutex.new
    @arrived = ConditionVariable.new
    @held = []
    @thread = Thread.new { serve }
  end

  def url(path = "/v1/events")
    "http://127.0.0.1:#{@port}#{path}"
  end

  def requests
    @lock.synchronize { @requests.dup }
  end

  # Every event of every batch received so far.
  def events
    requests.flat_map { |request| request.json.fetch("events") }
  end

  # Waits until at least +count+ requests arrived; returns whether they did in time.
  def wait_for_requests(count, timeout: 5)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    @lock.synchronize do
      while @requests.size < count
        remaining = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
        return false if remaining <= 0

        @arrived.wait(@lock, remaining)
      end
      true
    end
  end

  def close
    @server.close
    @thread.join(2)
    @held.each(&:close)
  end

  private

  def serve
    loop do
      socket = @server.accept
      if @respond
        handle(socket)
      else
        @held << socket
      end
    end
  rescue IOError, Errno::EBADF
    # The listening socket was closed: the collector is done.
  end

  def handle(socket)
    request = read_request(socket)
    @lock.synchronize do
      @requests << request
      @arrived.broadcast
    end
    socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
  rescue IOError, SystemCallError
    # A client that hangs up mid-request is the client's problem, not the collector's.
  ensure
    socket.close
  end

  def read_request(socket)
    method, path, = socket.gets("\r\n").split(" ")
    headers = {}
    while (line = socket.gets("\r\n")) && line != "\r\n"
      name, value = line.split(":", 2)
      headers[name.strip.downcase] = value.strip
    end
    body = socket.read(Integer(headers.fetch("content-length", "0"))) || ""
    Request.new(method: method, path: path, headers: headers, body: body.force_encoding(Encoding::UTF_8))
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
