'use strict';

// Whatever depends on the process environment runs in a child process with a clean environment.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { BINDING, REPO_ROOT, SALT, sha256Hex, startCollector, runChild } = require('./support');

const BUILT_LIBRARY = path.join(REPO_ROOT, 'target', 'release', 'libmycelium_telemetry.so');

function envFor(collector) {
  return {
    TELEMETRY_ENABLED: 'true',
    TELEMETRY_ENDPOINT: collector.endpoint,
    TELEMETRY_SALT: SALT,
    TELEMETRY_FLUSH_INTERVAL_MS: '50',
  };
}

test('the global client is configured from the environment and shuts down once', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const { result } = await runChild(
    `
    const telemetry = require(process.env.BINDING_PATH);
    (async () => {
      const client = telemetry.getGlobalClient();
      const same = client === telemetry.getGlobalClient();
      const enabled = client.enabled;
      client.trackAgentUsage('bob@example.com', 'deploy', { success: true, repo: 'bob/private' });
      client.trackSystemInfo();
      const flushed = await client.flush(5000);
      const stats = client.stats();
      await telemetry.shutdownGlobal(2000);
      let trackAfter = 'no error';
      try { client.trackSystemInfo(); } catch (error) { trackAfter = error.name; }
      let flushAfter = 'resolved';
      try { await client.flush(100); } catch (error) { flushAfter = error.name; }
      console.log(JSON.stringify({ same, enabled, flushed, stats, trackAfter, flushAfter, enabledAfter: client.enabled }));
    })();
    `,
    envFor(collector),
  );
  assert.deepEqual(result, {
    same: true,
    enabled: true,
    flushed: true,
    stats: {
      enqueued: 2, sent: 2, dropped: 0, failed: 0, retries: 0, batchesSent: (await collector.requests()).length,
      spooled: 0, replayed: 0, spoolDropped: 0,
    },
    trackAfter: 'no error',
    flushAfter: 'resolved',
    enabledAfter: false,
  });
  const events = (await collector.events());
  const usage = events.find((event) => event.event_type === 'agent_usage');
  assert.equal(usage.agent_id_hash, sha256Hex(`bob@example.com${SALT}`));
  assert.deepEqual(usage.metadata, { success: true });
  const info = events.find((event) => event.event_type === 'system_info');
  assert.equal(info.runtime, `node ${process.versions.node}`);
  assert.ok(!(await collector.requests()).some((request) => request.body.includes('bob')));
});

test('shutdownGlobal before first use leaves a global client whose calls do nothing', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const { result } = await runChild(
    `
    const telemetry = require(process.env.BINDING_PATH);
    (async () => {
      await telemetry.shutdownGlobal(100);
      const client = telemetry.getGlobalClient();
      let trackAfter = 'no error';
      try { client.trackAgentUsage('bob', 'run'); } catch (error) { trackAfter = error.name; }
      console.log(JSON.stringify({ enabled: client.enabled, trackAfter }));
    })();
    `,
    envFor(collector),
  );
  assert.deepEqual(result, { enabled: false, trackAfter: 'no error' });
  assert.equal((await collector.requests()).length, 0);
});

const TRACK_EVERYTHING = `
  const telemetry = require(process.env.BINDING_PATH);
  (async () => {
    const clients = [new telemetry.Client(), new telemetry.Client(telemetry.Config.fromEnv()), telemetry.getGlobalClient()];
    const report = [];
    for (const client of clients) {
      client.trackAgentUsage('alice@example.com', 'run', { duration_ms: 1 });
      client.trackPerformance('latency', 1);
      client.trackError('E', 'alice@example.com');
      client.trackSystemInfo();
      report.push({ enabled: client.enabled, flushed: await client.flush(1000), enqueued: client.stats().enqueued });
    }
    await Promise.all(clients.map((client) => client.shutdown(500)));
    console.log(JSON.stringify(report));
  })();
`;

const NOTHING_COLLECTED = Array(3).fill({ enabled: false, flushed: true, enqueued: 0 });

test('with no TELEMETRY_* variables, every client is disabled and sends nothing', async () => {
  const { result } = await runChild(TRACK_EVERYTHING);
  assert.deepEqual(result, NOTHING_COLLECTED);
});

test('an endpoint alone does not enable telemetry, and DO_NOT_TRACK wins', async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const endpointOnly = await runChild(TRACK_EVERYTHING, { TELEMETRY_ENDPOINT: collector.endpoint, TELEMETRY_FLUSH_INTERVAL_MS: '50' });
  assert.deepEqual(endpointOnly.result, NOTHING_COLLECTED);
  const doNotTrack = await runChild(TRACK_EVERYTHING, { ...envFor(collector), DO_NOT_TRACK: '1' });
  assert.deepEqual(doNotTrack.result, NOTHING_COLLECTED);
  assert.equal((await collector.requests()).length, 0);
});

const LOAD = `
  try {
    const telemetry = require(process.env.BINDING_PATH);
    console.log(JSON.stringify({ loaded: true, version: telemetry.version }));
  } catch (error) {
    console.log(JSON.stringify({ loaded: false, code: error.code, message: error.message }));
  }
`;

test('MYCELIUM_TELEMETRY_LIB names the library file, and a wrong one is reported', async () => {
  const chosen = await runChild(LOAD, { MYCELIUM_TELEMETRY_LIB: BUILT_LIBRARY });
  assert.equal(chosen.result.loaded, true);

  const missing = path.join(os.tmpdir(), 'no-such-dir', 'libmycelium_telemetry.so');
  const wrong = await runChild(LOAD, { MYCELIUM_TELEMETRY_LIB: missing });
  assert.equal(wrong.result.loaded, false);
  assert.equal(wrong.result.code, 'MT_LIBRARY_NOT_FOUND');
  assert.ok(wrong.result.message.includes(`MYCELIUM_TELEMETRY_LIB=${missing}`), wrong.result.message);
});

test('without a build output the system loader is tried, and the error names all three places', async (t) => {
  // A copy of the binding outside the repository has no target/ directory next to it.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-node-lookup-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const copy = path.join(root, 'bindings', 'node');
  fs.mkdirSync(copy, { recursive: true });
  fs.copyFileSync(BINDING, path.join(copy, 'index.js'));
  // The files the package ships beside it (package.json "files").
  fs.copyFileSync(path.join(path.dirname(BINDING), 'consent.js'), path.join(copy, 'consent.js'));
  fs.symlinkSync(path.join(path.dirname(BINDING), 'node_modules'), path.join(copy, 'node_modules'));
  const copiedBinding = path.join(copy, 'index.js');

  const nowhere = await runChild(LOAD, { BINDING_PATH: copiedBinding, LD_LIBRARY_PATH: '' });
  assert.equal(nowhere.result.loaded, false);
  assert.equal(nowhere.result.code, 'MT_LIBRARY_NOT_FOUND');
  for (const place of [
    'MYCELIUM_TELEMETRY_LIB',
    path.join(root, 'target', 'release', 'libmycelium_telemetry.so'),
    path.join(root, 'target', 'debug', 'libmycelium_telemetry.so'),
    'libmycelium_telemetry.so.0',
  ]) {
    assert.ok(nowhere.result.message.includes(place), `error names ${place}:\n${nowhere.result.message}`);
  }

  const viaLoader = await runChild(LOAD, { BINDING_PATH: copiedBinding, LD_LIBRARY_PATH: path.dirname(BUILT_LIBRARY) });
  assert.equal(viaLoader.result.loaded, true);
});
