'use strict';

// This binding against bindings/contract.json: statuses handled as the contract says, every
// option present, the library searched for in the contract's order, and the log callback.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('./support');
const telemetry = require('..');

const { Client, Config, Status } = telemetry;
const contract = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bindings', 'contract.json'), 'utf8'));
const byName = Object.fromEntries(contract.statuses.map((status) => [status.name, status]));

test('the Status numbers are the contract\'s', () => {
  const fromContract = Object.fromEntries(contract.statuses.map((status) => [status.name.replace(/^MT_/, ''), status.value]));
  assert.deepEqual({ ...Status }, fromContract);
});

for (const status of contract.statuses.filter((entry) => entry.policy === 'caller_mistake')) {
  test(`${status.name} raises ${status.bindings.node}`, () => {
    const error = telemetry._contract.statusError(status.value, 'call');
    assert.equal(error.constructor.name, status.bindings.node);
    assert.equal(error.status, status.value);
    assert.ok(error.message.includes(status.message));
  });
}

test('MT_ERR_INTERNAL is a process warning, never an exception', async () => {
  const internal = byName.MT_ERR_INTERNAL;
  assert.equal(internal.policy, 'internal');
  const warned = new Promise((resolve) => process.once('warning', resolve));
  assert.equal(telemetry._contract.check(internal.value, 'call'), undefined);
  const warning = await warned;
  assert.equal(warning.name, 'MyceliumTelemetryWarning');
  assert.ok(warning.message.includes(internal.message));
});

test('after shutdown every call is silent, as the contract says', async () => {
  assert.equal(byName.MT_ERR_SHUT_DOWN.bindings.node, 'silent');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-contract-'));
  const client = new Client({ enabled: true, outputFile: path.join(dir, 'out.jsonl') });
  await client.shutdown(2000);
  assert.equal(client.trackAgentUsage('agent', 'run'), undefined);
  assert.equal(await client.flush(100), true);
  assert.equal(client.stats().enqueued, 0);
  // The status itself, from a call that raced a shutdown, is not an error either.
  assert.equal(telemetry._contract.statusError(byName.MT_ERR_SHUT_DOWN.value, 'x').name, 'ShutDownError');
});

test('every option of the contract is a Config option', () => {
  for (const option of contract.options) {
    const name = option.names.node;
    // An unknown option throws "unknown config option"; a known one with a wrong type throws
    // a TypeError naming the option instead.
    assert.throws(() => new Config({ [name]: Symbol('wrong type') }), (error) => {
      assert.ok(!error.message.includes('unknown config option'), `${name}: ${error.message}`);
      return true;
    });
  }
});

test('numeric options take the contract range', () => {
  for (const option of contract.options.filter((entry) => 'min' in entry)) {
    const name = option.names.node;
    const step = option.type === 'double' ? 0.001 : 1;
    new Config({ [name]: option.min });
    new Config({ [name]: option.max });
    assert.throws(() => new Config({ [name]: option.max + step }), RangeError, name);
    if (option.min - step >= 0) assert.throws(() => new Config({ [name]: option.min - step }), RangeError, name);
  }
});

test('the library is searched for in the contract order', () => {
  const { library } = contract;
  const internals = telemetry._contract;
  assert.ok(library.applies_to.includes('node'));
  assert.equal(internals.LIBRARY_ENV, library.env_var);
  const places = internals.buildOutputs().map((file) => path.relative(internals.REPO_ROOT, path.dirname(file)));
  assert.deepEqual(places, library.search_order.filter((place) => place.startsWith('target/')));
  if (process.platform === 'linux') {
    assert.deepEqual(internals.platformFileNames().system, library.system_names.linux);
    assert.equal(internals.platformFileNames().built, library.build_file.linux);
    if (process.arch === 'x64') assert.equal(path.relative(path.dirname(require.resolve('..')), internals.bundledLibrary()), library.bundled.node);
  }
});

test('logCallback receives the library messages on the JS thread', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-contract-'));
  const received = [];
  let failingCalls = 0;
  const client = new Client({
    enabled: true,
    outputFile: path.join(dir, 'out.jsonl'),
    debug: true,
    flushIntervalMs: 60000,
    logCallback: (level, message) => received.push({ level, message }),
  });
  // A second client whose callback throws: the exception must go nowhere.
  const failing = new Client({
    enabled: true,
    outputFile: path.join(dir, 'failing.jsonl'),
    debug: true,
    logCallback: () => {
      failingCalls += 1;
      throw new Error('callback bug');
    },
  });
  client.trackAgentUsage('agent', 'summarize');
  failing.trackAgentUsage('agent', 'summarize');
  assert.equal(await client.flush(10000), true);
  assert.equal(await failing.flush(10000), true);
  for (let waited = 0; (received.length === 0 || failingCalls === 0) && waited < 100; waited += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client.shutdown(2000);
  await failing.shutdown(2000);
  assert.ok(failingCalls >= 1);
  assert.ok(received.length >= 1);
  assert.equal(received[0].level, 'debug');
  assert.ok(received[0].message.replace(/\s/g, '').includes('"operation":"summarize"'), received[0].message);
});

test('logCallback must be a function', () => {
  assert.throws(() => new Config({ logCallback: 'console.log' }), TypeError);
});

test('strings follow the contract', () => {
  const rules = contract.strings;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-contract-'));
  const client = new Client({ enabled: true, outputFile: path.join(dir, 'out.jsonl'), flushIntervalMs: 60000 });
  assert.throws(() => client.trackAgentUsage('agent\0hidden', 'run'), (error) => {
    assert.equal(error.constructor.name, rules.nul_byte.bindings.node);
    return true;
  });
  assert.equal(client.stats().enqueued, 0);
  // What the contract says happens to a lone surrogate.
  assert.ok(rules.invalid_utf8.bindings.node.includes('U+FFFD'));
  assert.equal(telemetry.hashIdentifier('s', 'a\uD800'), telemetry.hashIdentifier('s', 'a\uFFFD'));
  return client.shutdown(1000);
});
