'use strict';
// Cost of one trackAgentUsage call from Node, disabled and enabled.
//
// Prints one JSON object per line on stdout (see benches/README.md); progress goes to stderr.
//
// Method: a loop of `calls` calls is timed with process.hrtime.bigint(); its per-call figure is
// the loop time divided by `calls`, and median_ns is the median over the repetitions (after one
// warm-up repetition, which also lets V8 optimize the loop, that is not counted). The metadata
// object is built once, outside the loop. The loop's own cost (an empty loop of the same length)
// is reported as loop_ns and not subtracted.
//
// The enabled client is configured from the environment: TELEMETRY_OUTPUT=file:<path under
// /tmp> is local-only mode, so nothing goes to the network. Between repetitions (not timed) it is
// flushed and the file emptied, and the queue holds a whole repetition, so every event is really
// written and none is displaced.
//
// Usage: node bindings/node/bench.js [--quick]

const fs = require('fs');
const { Client } = require('./index');

const AGENT_ID = 'agent-42';
const OPERATION = 'summarize';
const METADATA = { duration_ms: 87, success: true };
const METHOD =
  'process.hrtime.bigint() around a loop of calls; per-call = loop time / calls; median over ' +
  'repetitions; metadata object built outside the loop; loop_ns (empty loop) not subtracted';

function timedLoop(client, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    client.trackAgentUsage(AGENT_ID, OPERATION, METADATA);
  }
  return Number(process.hrtime.bigint() - start);
}

function emptyLoop(calls) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink ^= i;
  const elapsed = Number(process.hrtime.bigint() - start);
  return sink === -1 ? 0 : elapsed; // the comparison keeps the loop from being removed
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round2 = (value) => Math.round(value * 100) / 100;

async function measure(name, client, calls, repetitions, between = async () => {}) {
  timedLoop(client, calls); // warm-up
  await between();
  const figures = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    figures.push(timedLoop(client, calls) / calls);
    await between();
  }
  const loop = Math.min(emptyLoop(calls), emptyLoop(calls), emptyLoop(calls)) / calls;
  const result = {
    name,
    lang: 'node',
    median_ns: round2(median(figures)),
    min_ns: round2(Math.min(...figures)),
    calls: calls * repetitions,
    repetitions,
    loop_ns: round2(loop),
    method: METHOD,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function enabledClient(outputPath, queueCapacity) {
  delete process.env.DO_NOT_TRACK;
  Object.assign(process.env, {
    TELEMETRY_ENABLED: '1',
    TELEMETRY_OUTPUT: `file:${outputPath}`,
    TELEMETRY_SALT: 'bench-salt',
    TELEMETRY_QUEUE_CAPACITY: String(queueCapacity),
  });
  const client = new Client();
  if (!client.enabled) throw new Error('the client from the environment is not enabled');
  return client;
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.length === 1 && args[0] === '--quick';
  if (args.length && !quick) throw new Error('usage: bench.js [--quick]');
  const scale = quick ? 10 : 1;
  process.stderr.write(`bench.js: Node ${process.version}\n`);

  const disabled = new Client({ enabled: false });
  await measure('node/track_agent_usage/disabled', disabled, 10_000_000 / scale, 7);
  await disabled.shutdown();

  const calls = 50_000 / scale;
  const outputPath = `/tmp/mt-bench-node-${process.pid}.jsonl`;
  const client = enabledClient(outputPath, 2 * calls);
  const drain = async () => {
    if (!(await client.flush(120_000))) throw new Error('flush timed out');
    fs.truncateSync(outputPath, 0);
  };
  try {
    await measure('node/track_agent_usage/enabled_metadata', client, calls, 7, drain);
    const stats = client.stats();
    if (stats.dropped || stats.failed || stats.sent !== stats.enqueued) {
      throw new Error(`events were lost: ${JSON.stringify(stats)}`);
    }
  } finally {
    await client.shutdown();
    fs.rmSync(outputPath, { force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench.js: ${error.stack || error}\n`);
  process.exitCode = 1;
});
