# frozen_string_literal: true

# Cost of one track_agent_usage call from Ruby, disabled and enabled.
#
# Prints one JSON object per line on stdout (see benches/README.md); progress goes to stderr.
#
# Method: a loop of +calls+ calls is timed with Process.clock_gettime(CLOCK_MONOTONIC,
# :nanosecond); its per-call figure is the loop time divided by +calls+, and median_ns is the
# median over the repetitions (after one warm-up repetition that is not counted). The metadata
# Hash is built once, outside the loop. The loop's own cost (an empty loop of the same length) is
# reported as loop_ns and not subtracted.
#
# The enabled client is configured from the environment: TELEMETRY_OUTPUT=file:<path under /tmp>
# is local-only mode, so nothing goes to the network. Between repetitions (not timed) it is
# flushed and the file emptied, and the queue holds a whole repetition, so every event is really
# written and none is displaced.
#
# Usage: ruby bindings/ruby/bench.rb [--quick]

$LOAD_PATH.unshift(File.join(__dir__, "lib"))
require "json"
require "mycelium_telemetry"

AGENT_ID = "agent-42"
OPERATION = "summarize"
METADATA = { duration_ms: 87, success: true }.freeze
REPETITIONS = 7
METHOD = "clock_gettime(CLOCK_MONOTONIC) around a loop of calls; per-call = loop time / calls; " \
         "median over repetitions; metadata Hash built outside the loop; loop_ns (empty loop) not subtracted"

def now_ns
  Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
end

# while rather than Integer#times: a block call per iteration would cost as much as a disabled
# track call.
def timed_loop(client, calls)
  start = now_ns
  i = 0
  while i < calls
    client.track_agent_usage(AGENT_ID, OPERATION, METADATA)
    i += 1
  end
  now_ns - start
end

def empty_loop(calls)
  start = now_ns
  i = 0
  i += 1 while i < calls
  now_ns - start
end

def measure(name, client, calls, between: -> {})
  timed_loop(client, calls) # warm-up
  between.call
  figures = Array.new(REPETITIONS) do
    figure = timed_loop(client, calls).fdiv(calls)
    between.call
    figure
  end.sort
  loop_ns = Array.new(3) { empty_loop(calls) }.min.fdiv(calls)
  puts JSON.generate(
    name: name, lang: "ruby", median_ns: figures[figures.size / 2].round(2), min_ns: figures.first.round(2),
    calls: calls * REPETITIONS, repetitions: REPETITIONS, loop_ns: loop_ns.round(2), method: METHOD
  )
  $stdout.flush
end

def enabled_client(output_path, queue_capacity)
  ENV.delete("DO_NOT_TRACK")
  ENV.update(
    "TELEMETRY_ENABLED" => "1",
    "TELEMETRY_OUTPUT" => "file:#{output_path}",
    "TELEMETRY_SALT" => "bench-salt",
    "TELEMETRY_QUEUE_CAPACITY" => queue_capacity.to_s
  )
  client = MyceliumTelemetry::Client.new
  abort "bench.rb: the client from the environment is not enabled" unless client.enabled?
  client
end

quick = ARGV == ["--quick"]
abort "usage: bench.rb [--quick]" unless ARGV.empty? || quick
scale = quick ? 10 : 1
warn "bench.rb: #{RUBY_DESCRIPTION}"

disabled = MyceliumTelemetry::Client.new(MyceliumTelemetry::Config.new(enabled: false))
measure("ruby/track_agent_usage/disabled", disabled, 2_000_000 / scale)
disabled.shutdown

calls = 20_000 / scale
output_path = "/tmp/mt-bench-ruby-#{Process.pid}.jsonl"
client = enabled_client(output_path, 2 * calls)
drain = lambda do
  abort "bench.rb: flush timed out" unless client.flush(timeout: 120)
  File.truncate(output_path, 0)
end
begin
  measure("ruby/track_agent_usage/enabled_metadata", client, calls, between: drain)
  stats = client.stats
  abort "bench.rb: events were lost: #{stats}" if stats.dropped.positive? || stats.failed.positive? || stats.sent != stats.enqueued
ensure
  client.shutdown
  File.delete(output_path) if File.exist?(output_path)
end
