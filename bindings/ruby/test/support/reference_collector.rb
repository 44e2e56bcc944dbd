# frozen_string_literal: true

require "json"
require "open3"

# The reference collector (collector/, the program mycelium-collector) with in-memory SQLite and
# --print-stored, for tests that only check what arrived: each batch it stored is one JSON line
# on its standard output, printed before it answers, so after a flush it is already there. It
# does not record requests (headers, hangs): fault tests use Collector.
class ReferenceCollector
  PROGRAM = ENV.fetch("MYCELIUM_REFERENCE_COLLECTOR") do
    File.expand_path("../../../../target/reference_collector/debug/mycelium-collector", __dir__)
  end

  attr_reader :url

  def initialize
    unless File.executable?(PROGRAM)
      raise "#{PROGRAM} is missing: build it with build_reference_collector from .ci/lib.sh (test.sh does) " \
            "or name it in MYCELIUM_REFERENCE_COLLECTOR"
    end
    # No rate limits: a test may send many batches at once from one address.
    arguments = ["--listen", "127.0.0.1:0", "--storage", "sqlite::memory:", "--print-stored",
                 "--rate-per-address", "0", "--rate-per-token", "0"]
    @input, @output, @process = Open3.popen2(PROGRAM, *arguments, err: File::NULL)
    @input.close
    first = @output.gets or raise "mycelium-collector did not start"
    origin = first[%r{http://\S+}] or raise "mycelium-collector did not say where it listens: #{first}"
    @url = "#{origin}/v1/events"
    @batches = []
    @pending = +""
  end

  # The batches stored so far, as it printed them.
  def batches
    read_printed
    @batches.dup
  end

  # Every event of every batch stored so far.
  def events
    batches.flat_map { |batch| batch.fetch("events") }
  end

  def close
    return if @output.closed?

    Process.kill("TERM", @process.pid)
    @process.join(10)
    @output.close
  end

  private

  def read_printed
    loop do
      @pending << @output.read_nonblock(1 << 16)
      while (line = @pending.slice!(/\A[^\n]*\n/))
        @batches << JSON.parse(line.force_encoding(Encoding::UTF_8))
      end
    end
  rescue IO::WaitReadable, EOFError
    nil
  end
end
