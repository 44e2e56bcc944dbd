'use strict';

// The consent functions against a consent file in a temporary folder, never the user's own.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('./support');
const telemetry = require('..');

const { consent, Consent, Config, TelemetryError } = telemetry;
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
