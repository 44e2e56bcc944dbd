'use strict';

// The config options beyond where events go (local-only output, a private CA, debug output), and
// what happens to a client that is garbage-collected while its calls are still running.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { Client, Config } = require('..');
const { SALT, sha256Hex, startCollector, enabledOptions, runChild } = require('./support');

function withoutTimestamp({ timestamp, ...rest }) {
  assert.equal(typeof timestamp, 'number');
  return rest;
}

function temporaryDirectory(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('outputFile writes each batch as one JSON line and sends nothing', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const output = path.join(temporaryDirectory(t), 'batches.jsonl');
  // The collector is the endpoint too: local-only mode must not reach it.
  const client = new Client(enabledOptions(collector.endpoint, { outputFile: output, flushIntervalMs: 60000 }));

  client.trackAgentUsage('alice@example.com', 'summarize', { duration_ms: 12, prompt: 'secret prompt' });
  client.trackError('DatabaseError', 'alice@example.com could not reach postgres://admin:hunter2@db/x', undefined, {
    email: 'alice@example.com',
  });
  assert.equal(await client.flush(10000), true); // the first batch: both events
  client.trackPerformance('latency', 12.5, undefined, { session_id: 's-1' });
  assert.equal(await client.flush(10000), true); // the second: one event
  await client.shutdown(2000);

  const text = fs.readFileSync(output, 'utf8');
  const batches = text.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(
    batches.map((batch) => batch.events.length),
    [2, 1],
  );
  assert.ok(batches.every((batch) => batch.version === '1.0'));
  assert.deepEqual(batches.flatMap((batch) => batch.events).map(withoutTimestamp), [
    {
      event_type: 'agent_usage',
      agent_id_hash: sha256Hex(`alice@example.com${SALT}`),
      operation: 'summarize',
      metadata: { duration_ms: 12 },
    },
    {
      event_type: 'error',
      error_type: 'DatabaseError',
      error_message: '<email> could not reach postgres://<user>:<password>@db/x',
    },
    {
      event_type: 'performance',
      metric_name: 'latency',
      value: 12.5,
      unit: 'ms',
      tags: { session_id: sha256Hex(`s-1${SALT}`) },
    },
  ]);
  for (const secret of ['alice', 'hunter2', 'secret prompt', SALT]) {
    assert.ok(!text.includes(secret), `"${secret}" is in the output file`);
  }
  assert.equal(fs.statSync(output).mode & 0o777, 0o600);
  assert.deepEqual(client.stats(), { enqueued: 3, sent: 3, dropped: 0, failed: 0, retries: 0, batchesSent: 2, spooled: 0, replayed: 0, spoolDropped: 0 });
  await new Promise((resolve) => setTimeout(resolve, 200)); // anything sent would have arrived
  assert.equal((await collector.requests()).length, 0);

  assert.throws(() => new Config({ outputFile: '' }), RangeError);
  assert.throws(() => new Config({ outputFile: 42 }), TypeError);
});

test('caFile must hold a certificate', (t) => {
  const dir = temporaryDirectory(t);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
      '-out', 'ca.pem', '-days', '2', '-subj', '/CN=mt node test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'],
    { cwd: dir, stdio: 'ignore' },
  );
  const client = new Client({
    enabled: true,
    endpoint: 'https://telemetry.example.com/v1/events',
    salt: SALT,
    caFile: path.join(dir, 'ca.pem'),
  });
  assert.equal(client.enabled, true);
  client.shutdown(0);

  fs.writeFileSync(path.join(dir, 'junk.pem'), 'not a certificate');
  for (const caFile of [path.join(dir, 'junk.pem'), path.join(dir, 'missing.pem')]) {
    assert.throws(
      () => new Config({ caFile }),
      (error) => error instanceof RangeError && error.code === 'MT_ERR_INVALID_CONFIG_VALUE' && /caFile/.test(error.message),
    );
  }
});

test('debug prints each outgoing batch to stderr', async (t) => {
  const dir = temporaryDirectory(t);
  for (const debug of [true, false]) {
    const output = path.join(dir, `batches-${debug}.jsonl`);
    const { result, stderr } = await runChild(
      `
      const { Client } = require(process.env.BINDING_PATH);
      (async () => {
        const client = new Client({ enabled: true, salt: ${JSON.stringify(SALT)},
                                    outputFile: ${JSON.stringify(output)}, debug: ${debug} });
        client.trackAgentUsage('alice@example.com', 'summarize');
        const flushed = await client.flush(10000);
        await client.shutdown(2000);
        console.log(JSON.stringify({ flushed }));
      })();
      `,
    );
    assert.equal(result.flushed, true);
    const debugLines = stderr.split('\n').filter((line) => line.includes('outgoing batch'));
    if (debug) {
      assert.equal(debugLines.length, 1, stderr);
      // The batch exactly as written (and as it would have been sent).
      assert.ok(debugLines[0].endsWith(fs.readFileSync(output, 'utf8').trim()), stderr);
      assert.ok(debugLines[0].includes(sha256Hex(`alice@example.com${SALT}`)));
    } else {
      assert.deepEqual(debugLines, [], stderr);
    }
  }
});

test('a client collected while its flush and shutdown still run is freed only after them', async (t) => {
  const collector = await startCollector({ delayMs: 400 });
  t.after(collector.close);
  const { result } = await runChild(
    `
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    const { Client } = require(process.env.BINDING_PATH);
    (async () => {
      let client = new Client({ enabled: true, endpoint: ${JSON.stringify(collector.endpoint)},
                                salt: ${JSON.stringify(SALT)}, flushIntervalMs: 60000 });
      client.trackAgentUsage('agent-1', 'collected');
      const flushing = client.flush(5000);
      client.shutdown(5000); // its Promise, like the client, is dropped
      client = null;
      for (let round = 0; round < 10; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(JSON.stringify({ flushed: await flushing }));
    })();
    `,
  );
  assert.equal(result.flushed, true);
  assert.deepEqual(
    (await collector.events()).map((event) => event.operation),
    ['collected'],
  );
});

test('a client collected without shutdown() sends its queue from the library thread', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  await runChild(
    `
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    const { Client } = require(process.env.BINDING_PATH);
    (async () => {
      (() => {
        const client = new Client({ enabled: true, endpoint: ${JSON.stringify(collector.endpoint)},
                                    salt: ${JSON.stringify(SALT)}, flushIntervalMs: 60000 });
        client.trackAgentUsage('agent-1', 'forgotten');
      })();
      for (let round = 0; round < 10; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(JSON.stringify({ done: true }));
    })();
    `,
  );
  // The finalizer only asked the sender to deliver; it does so on its own thread.
  assert.equal((await collector.command('wait 1 5000')).ok, true, 'the collected client sent its queue');
  assert.deepEqual(
    (await collector.events()).map((event) => event.operation),
    ['forgotten'],
  );
});

test('token is sent as a bearer header, never in the body, and a malformed one is refused', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const client = new Client(enabledOptions(collector.endpoint, { token: 'ingest-7Hq.x' }));
  client.trackAgentUsage('alice@example.com', 'summarize');
  assert.equal(await client.flush(10000), true);
  await client.shutdown(2000);
  const [request] = await collector.requests();
  assert.equal(request.headers.authorization, 'Bearer ingest-7Hq.x');
  assert.ok(!request.body.includes('ingest-7Hq.x'));
  for (const bad of ['', 'has space', 'line\nbreak']) {
    assert.throws(
      () => new Config({ token: bad }),
      (error) => error instanceof RangeError && error.code === 'MT_ERR_INVALID_CONFIG_VALUE' && /token/.test(error.message),
    );
  }
});
