'use strict';

// The consent functions against a consent file in a temporary folder, never the user's own.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('./support');
const telemetry = require('..');

const { consent, Consent, ConsentSource, Config, Client, TelemetryError } = telemetry;
const contract = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bindings', 'contract.json'), 'utf8'));
const byName = Object.fromEntries(contract.statuses.map((status) => [status.name, status]));

/** Points TELEMETRY_CONSENT_FILE at a fresh temporary file for one test. */
function withConsentFile(t) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-node-consent-'));
  const file = path.join(folder, 'telemetry_consent.json');
  const before = process.env.TELEMETRY_CONSENT_FILE;
  process.env.TELEMETRY_CONSENT_FILE = file;
  t.after(() => {
    if (before === undefined) delete process.env.TELEMETRY_CONSENT_FILE;
    else process.env.TELEMETRY_CONSENT_FILE = before;
    fs.rmSync(folder, { recursive: true, force: true });
  });
  return file;
}

test('set on, then get returns on', async (t) => {
  const file = withConsentFile(t);
  assert.equal(consent.get(), Consent.UNDECIDED);
  await consent.set(Consent.ON);
  assert.equal(consent.get(), 'on');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('per-app and global entries are separate', async (t) => {
  withConsentFile(t);
  await consent.set('local', 'mytool');
  assert.equal(consent.get('mytool'), 'local');
  assert.equal(consent.get(), 'undecided');
  await consent.set('off', null);
  assert.equal(consent.get('mytool'), 'local');
  assert.equal(consent.get(), 'off');
  assert.equal(consent.get('other-tool'), 'undecided');
});

test('the notice is not empty', () => {
  assert.equal(typeof consent.notice, 'string');
  assert.ok(consent.notice.trim().length > 0);
});

test('an invalid level or name raises the contract\'s argument error', async (t) => {
  const file = withConsentFile(t);
  assert.equal(byName.MT_ERR_INVALID_ARGUMENT.bindings.node, 'RangeError');
  await assert.rejects(consent.set('maybe'), RangeError);
  await assert.rejects(consent.set(3), TypeError);
  await assert.rejects(consent.set('on', 'not a name'), RangeError);
  assert.throws(() => consent.get('no/slashes'), RangeError);
  assert.equal(fs.existsSync(file), false);
});

test('an unreadable consent file is an MT_ERR_IO error', (t) => {
  const file = withConsentFile(t);
  assert.equal(byName.MT_ERR_IO.bindings.node, "Error with code 'MT_ERR_IO'");
  fs.writeFileSync(file, 'not json', { mode: 0o600 });
  assert.throws(() => consent.get(), (error) => error instanceof TelemetryError && error.code === 'MT_ERR_IO');
});

test('appName is a Config option, checked by the library', () => {
  assert.doesNotThrow(() => new Config({ appName: 'mytool' }));
  assert.throws(() => new Config({ appName: 'not a name' }), RangeError);
});

test('sources are the contract sources, numbered from 1 in order', () => {
  const numbered = Object.fromEntries(Object.values(ConsentSource).map((name, index) => [name, index + 1]));
  assert.deepEqual(numbered, contract.consent_sources);
  assert.equal(consent.ConsentSource, ConsentSource);
});

/** Sets (or, for undefined, removes) environment variables for the rest of one test. */
function withEnv(t, variables) {
  for (const [name, value] of Object.entries(variables)) {
    const before = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    t.after(() => {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    });
  }
}

/** explain() says `level` because of `source`, and a client from the same config agrees. */
async function explained(config, level, source) {
  const explanation = consent.explain(config);
  assert.deepEqual({ level: explanation.level, source: explanation.source }, { level, source });
  assert.match(explanation.reason, /\(rule [1-5]\)$/);
  const client = new Client(config ?? Config.fromEnv());
  try {
    assert.equal(client.enabled, level !== 'off');
  } finally {
    await client.shutdown(1000);
  }
  return explanation;
}

test('explain names the rule that decides, row by row, as the client decides', async (t) => {
  withConsentFile(t);
  withEnv(t, { DO_NOT_TRACK: undefined, TELEMETRY_ENABLED: undefined, TELEMETRY_APP: undefined });
  // A closed loopback port: a client that does start never reaches a collector.
  const options = { appName: 'mytool', endpoint: 'http://127.0.0.1:9/v1/events' };
  await explained(undefined, 'off', ConsentSource.DEFAULT); // 5
  await explained(new Config(options), 'off', 'default'); // 5
  const host = new Config({ ...options, enabled: true });
  await explained(host, 'on', 'host'); // 4
  await consent.set('local');
  await explained(host, 'local', 'global_choice'); // 3, global
  await consent.set('off', 'mytool');
  const off = await explained({ ...options, enabled: true }, 'off', 'app_choice'); // 3, options work too
  assert.equal(off.reason, 'the choice recorded for this application (rule 3)');
  process.env.TELEMETRY_ENABLED = '1';
  await explained(host, 'on', 'telemetry_enabled'); // 2
  process.env.DO_NOT_TRACK = '1';
  await explained(host, 'off', 'do_not_track'); // 1
  delete process.env.DO_NOT_TRACK;
  delete process.env.TELEMETRY_ENABLED;
  // Nothing is the environment alone, where TELEMETRY_APP names the application.
  process.env.TELEMETRY_APP = 'mytool';
  await explained(null, 'off', 'app_choice');
});

test('explain reports an unreadable choice as off without throwing', (t) => {
  const file = withConsentFile(t);
  fs.writeFileSync(file, 'not json', { mode: 0o600 });
  const explanation = consent.explain({ enabled: true });
  assert.equal(explanation.level, 'off');
  assert.equal(explanation.source, ConsentSource.UNREADABLE_CHOICE);
  assert.match(explanation.reason, /cannot be read/);
});

test('explain checks its config like new Config', () => {
  assert.throws(() => consent.explain({ appName: 'not a name' }), RangeError);
  assert.throws(() => consent.explain('mytool'), TypeError);
});
