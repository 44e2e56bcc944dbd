'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');

const telemetry = require('..');
const { Client, Config, ShutDownError, TelemetryError, Status } = telemetry;
const { REPO_ROOT, SALT, sha256Hex, startCollector, enabledOptions } = require('./support');

const CARGO_VERSION = /^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(REPO_ROOT, 'Cargo.toml'), 'utf8'))[1];

function withoutTimestamp({ timestamp, ...rest }) {
  assert.equal(typeof timestamp, 'number');
  assert.ok(Math.abs(timestamp - Date.now() / 1000) < 60, `timestamp ${timestamp} is about now`);
  return rest;
}

test('events with PII reach a real collector anonymized', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const client = new Client(new Config(enabledOptions(collector.endpoint, { flushIntervalMs: 60000 })));
  assert.equal(client.enabled, true);

  client.trackAgentUsage('alice@example.com', 'summarize', {
    duration_ms: 12,
    prompt: 'secret prompt',
    nested: { a: 1 },
  });
  client.trackError(
    'TypeError',
    'cannot open /home/alice/project/app.py for alice@example.com via postgres://admin:hunter2@db/x',
    'TypeError: boom\n    at load (/home/alice/project/app.py:10:5)\n    at connect (postgres://admin:hunter2@db/x)',
    { status_code: 500, user_email: 'alice@example.com' },
  );
  client.trackPerformance('latency', 42.5, undefined, { session_id: 's-1', model: 'm' });
  client.trackSystemInfo();

  assert.equal(await client.flush(5000), true);

  assert.ok((await collector.requests()).length >= 1);
  for (const request of (await collector.requests())) {
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/v1/events');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], `mycelium-telemetry/${CARGO_VERSION}`);
    const batch = JSON.parse(request.body);
    assert.equal(batch.version, '1.0');
    assert.equal(typeof batch.timestamp, 'number');
    for (const secret of ['alice', 'hunter2', 'secret prompt', 'nested']) {
      assert.ok(!request.body.includes(secret), `"${secret}" must not leave the machine: ${request.body}`);
    }
  }

  const byType = Object.fromEntries((await collector.events()).map((event) => [event.event_type, withoutTimestamp(event)]));
  assert.deepEqual(Object.keys(byType).sort(), ['agent_usage', 'error', 'performance', 'system_info']);
  assert.deepEqual(byType.agent_usage, {
    event_type: 'agent_usage',
    agent_id_hash: sha256Hex(`alice@example.com${SALT}`),
    operation: 'summarize',
    metadata: { duration_ms: 12 },
  });
  assert.deepEqual(byType.error, {
    event_type: 'error',
    error_type: 'TypeError',
    error_message: 'cannot open <user>/project/app.py for <email> via postgres://<user>:<password>@db/x',
    stack_trace:
      'TypeError: boom\n    at load (<user>/project/app.py:10:5)\n    at connect (postgres://<user>:<password>@db/x)',
    context: { status_code: 500 },
  });
  assert.deepEqual(byType.performance, {
    event_type: 'performance',
    metric_name: 'latency',
    value: 42.5,
    unit: 'ms',
    tags: { session_id: sha256Hex(`s-1${SALT}`), model: 'm' },
  });
  assert.deepEqual(byType.system_info, {
    event_type: 'system_info',
    platform: 'Linux',
    platform_version: os.release(),
    arch: os.machine(),
    library_version: CARGO_VERSION,
    runtime: `node ${process.versions.node}`,
  });

  assert.deepEqual(client.stats(), { enqueued: 4, sent: 4, dropped: 0, failed: 0, retries: 0, batchesSent: (await collector.requests()).length, spooled: 0, replayed: 0, spoolDropped: 0 });
  await client.shutdown(2000);
});

test('trackError accepts an Error object and Map context', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const client = new Client(enabledOptions(collector.endpoint));
  const error = new RangeError('quota of alice@example.com exceeded');
  client.trackError(error, new Map([['retry_count', 2], ['token', 'abc']]));
  assert.equal(await client.flush(5000), true);
  await client.shutdown(2000);

  const [event] = (await collector.events());
  assert.equal(event.error_type, 'RangeError');
  assert.equal(event.error_message, 'quota of <email> exceeded');
  assert.match(event.stack_trace, /^RangeError: quota of <email> exceeded\n\s+at /);
  assert.deepEqual(event.context, { retry_count: 2 });
});

test('caller mistakes throw TypeError or RangeError and queue nothing', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);

  const configMistakes = [
    [{ timeoutSecs: 0 }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ batchSize: 1001 }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ retryBackoff: Number.NaN }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ endpoint: 'http://collector.example.com/v1' }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ endpoint: 'https://user:pw@collector.example.com/' }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ salt: '' }, RangeError, Status.ERR_INVALID_CONFIG_VALUE],
    [{ flushIntervalMs: -1 }, RangeError, undefined],
    [{ queueCapacity: 1.5 }, RangeError, undefined],
    [{ batchSize: '10' }, TypeError, undefined],
    [{ enabled: 'yes' }, TypeError, undefined],
    [{ enable: true }, TypeError, undefined],
  ];
  for (const [options, ErrorType, status] of configMistakes) {
    assert.throws(() => new Config(options), (error) => {
      assert.ok(error instanceof ErrorType, `${JSON.stringify(options)} gave ${error}`);
      assert.equal(error.status, status);
      return true;
    });
  }
  assert.throws(() => new Config({ salt: '' }), (error) => !error.message.includes('salt =') && /salt/.test(error.message));

  const client = new Client(enabledOptions(collector.endpoint));
  const circular = {};
  circular.self = circular;
  assert.throws(() => client.trackPerformance('latency', Number.NaN), RangeError);
  assert.throws(() => client.trackPerformance('latency', Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => client.trackPerformance('latency', '12'), TypeError);
  assert.throws(() => client.trackAgentUsage('agent', 'run', { count: 10n }), TypeError);
  assert.throws(() => client.trackAgentUsage('agent', 'run', circular), TypeError);
  assert.throws(() => client.trackAgentUsage('agent', 'run', [1, 2]), TypeError);
  assert.throws(() => client.trackAgentUsage('agent', 'run', 'duration_ms=1'), TypeError);
  assert.throws(() => client.trackAgentUsage('agent', 'run', { toJSON: () => 'not an object' }), TypeError);
  assert.throws(() => client.trackAgentUsage(42, 'run'), TypeError);
  assert.throws(() => client.trackAgentUsage('agent\0hidden', 'run'), TypeError);
  assert.throws(() => client.trackError('E', undefined), TypeError);
  assert.throws(() => client.trackPerformance('latency', 1, 'ms', [1]), TypeError);
  await assert.rejects(client.flush(-5), RangeError);
  await assert.rejects(client.flush('soon'), TypeError);

  assert.equal(client.stats().enqueued, 0);
  assert.equal(await client.flush(2000), true);
  await client.shutdown(2000);
  assert.equal((await collector.requests()).length, 0);
});

test('after shutdown, calls do nothing (never throw) and stats are final', async (t) => {
  const collector = await startCollector({ delayMs: 300 });
  t.after(collector.close);
  const client = new Client(enabledOptions(collector.endpoint, { flushIntervalMs: 60000 }));
  client.trackAgentUsage('agent-1', 'run');

  // A flush under way when shutdown() is called ends with the shutdown's delivery, whichever of
  // the two reaches the native client first.
  const flushing = client.flush(5000);
  const closing = client.shutdown(5000);
  assert.equal(client.enabled, false);
  assert.equal(client.trackAgentUsage('agent-1', 'run'), undefined);
  assert.equal(client.shutdown(1), closing, 'a second shutdown returns the first one');
  assert.equal(await flushing, true);
  await closing;
  // Read from the closed native client, after its final delivery.
  const final = { enqueued: 1, sent: 1, dropped: 0, failed: 0, retries: 0, batchesSent: 1, spooled: 0, replayed: 0, spoolDropped: 0 };
  assert.deepEqual(client.stats(), final);

  for (const call of [
    () => client.trackAgentUsage('agent-1', 'run'),
    () => client.trackPerformance('latency', 1),
    () => client.trackError('E', 'message'),
    () => client.trackSystemInfo(),
  ]) {
    assert.equal(call(), undefined);
  }
  assert.equal(await client.flush(100), true, 'nothing is pending after shutdown');
  await client.shutdown(100);
  assert.deepEqual(client.stats(), final, 'calls after shutdown are not counted');
  assert.equal((await collector.events()).length, 1);

  const disabled = new Client(new Config());
  await disabled.shutdown(100);
  assert.equal(disabled.trackSystemInfo(), undefined);
});

test('flush waits on a worker thread: timers keep running while the collector is slow', async (t) => {
  const collector = await startCollector({ delayMs: 600 });
  t.after(collector.close);
  const client = new Client(enabledOptions(collector.endpoint, { flushIntervalMs: 60000 }));
  client.trackSystemInfo();

  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = Date.now();
  const flushed = await client.flush(5000);
  clearInterval(timer);

  assert.equal(flushed, true);
  assert.ok(Date.now() - started >= 500, 'the flush really waited for the collector');
  assert.ok(ticks >= 10, `the event loop ran timers during the flush (${ticks} ticks)`);
  await client.shutdown(2000);
});

test('a flush timeout resolves false, and network failures never throw', async (t) => {
  const slow = await startCollector({ delayMs: 1500 });
  t.after(slow.close);
  const client = new Client(enabledOptions(slow.endpoint, { timeoutSecs: 1, retryAttempts: 0 }));
  client.trackSystemInfo();
  assert.equal(await client.flush(100), false);
  const started = Date.now();
  await client.shutdown(200);
  assert.ok(Date.now() - started < 2000, 'shutdown returned within its timeout even though the collector hangs');

  // Nothing listens on a port just released by a closed server.
  const gone = await startCollector();
  await gone.close();
  const unreachable = new Client(enabledOptions(gone.endpoint, { retryAttempts: 0 }));
  unreachable.trackAgentUsage('agent-1', 'run');
  assert.equal(await unreachable.flush(5000), true);
  assert.deepEqual(
    { enqueued: unreachable.stats().enqueued, sent: unreachable.stats().sent, failed: unreachable.stats().failed },
    { enqueued: 1, sent: 0, failed: 1 },
  );
  await unreachable.shutdown(1000);
});

test('a disabled client returns before serializing anything', async () => {
  const client = new Client(new Config({ enabled: false, salt: SALT }));
  assert.equal(client.enabled, false);
  let serialized = false;
  const metadata = {
    toJSON() {
      serialized = true;
      return {};
    },
  };
  client.trackAgentUsage('alice@example.com', 'run', metadata);
  client.trackPerformance('latency', Number.NaN, undefined, metadata);
  client.trackError('E', 'message', undefined, metadata);
  client.trackSystemInfo();
  assert.equal(serialized, false);
  assert.deepEqual(client.stats(), { enqueued: 0, sent: 0, dropped: 0, failed: 0, retries: 0, batchesSent: 0, spooled: 0, replayed: 0, spoolDropped: 0 });
  assert.equal(await client.flush(100), true);
  await client.shutdown(100);
});

test('Config.fromEnv applies overrides on top of the environment', () => {
  assert.throws(() => Config.fromEnv({ batchSize: 0 }), RangeError);
  assert.ok(Config.fromEnv({ salt: SALT }) instanceof Config);
  assert.throws(() => new Client(42), TypeError);
});
