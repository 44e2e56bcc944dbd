'use strict';

// shutdown(0) and the offline spool, through the binding: a process exits at once while the
// collector is down, and the next run sends what it left, each batch once.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Config } = require('..');
const { SALT, startCollector, runChild } = require('./support');

const SCRIPT = `
  const { Client } = require(process.env.BINDING_PATH);
  (async () => {
    const client = new Client({ enabled: true, endpoint: process.env.ENDPOINT, salt: ${JSON.stringify(SALT)},
                                appName: 'nodespool', spoolMaxBytes: 1000000, spoolMaxAgeDays: 7 });
    if (process.env.MODE === 'track') {
      for (let index = 0; index < 10; index++) client.trackAgentUsage('agent', 'op-' + index);
      await client.shutdown(0);
    } else {
      const deadline = Date.now() + 15000;
      while (client.stats().replayed < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await client.shutdown();
    }
    console.log(JSON.stringify(client.stats()));
  })();
`;

test('shutdown(0) spools what is queued and the next run sends each batch once', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-node-spool-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const collector = await startCollector();
  t.after(collector.close);
  await collector.command('stop');
  const env = { HOME: home, XDG_STATE_HOME: path.join(home, 'state'), XDG_CONFIG_HOME: path.join(home, 'config'), ENDPOINT: collector.endpoint };
  const first = (await runChild(SCRIPT, { ...env, MODE: 'track' })).result;
  assert.deepEqual([first.spooled, first.sent, first.failed], [10, 0, 0]);
  const spool = path.join(home, 'state', 'mycelium', 'telemetry', 'spool', 'nodespool');
  assert.equal(fs.readdirSync(spool).filter((name) => name.endsWith('.json')).length, 1);
  await collector.command('restart');
  const second = (await runChild(SCRIPT, { ...env, MODE: 'replay' })).result;
  assert.equal(second.replayed, 10);
  const { batches } = await collector.command('batches');
  assert.deepEqual(Object.values(batches), [{ accepted: 1, events: 10 }]);
});

test('the spool bounds are checked by the library', () => {
  new Config({ spoolMaxBytes: 0, spoolMaxAgeDays: 0 }); // 0 turns the spool off
  assert.throws(() => new Config({ spoolMaxBytes: 1073741825 }), RangeError);
  assert.throws(() => new Config({ spoolMaxAgeDays: 366 }), RangeError);
});
