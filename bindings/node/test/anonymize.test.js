'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const telemetry = require('..');
const { REPO_ROOT, sha256Hex } = require('./support');

test('hashIdentifier is sha256(identifier + salt)', () => {
  assert.equal(telemetry.hashIdentifier('pepper', 'alice@example.com'), sha256Hex('alice@example.compepper'));
  assert.equal(telemetry.hashIdentifier('salt', 'ünïcødé'), sha256Hex('ünïcødésalt'));
  assert.notEqual(telemetry.hashIdentifier('a', 'id'), telemetry.hashIdentifier('b', 'id'));
  assert.throws(() => telemetry.hashIdentifier('salt', undefined), TypeError);
  assert.throws(() => telemetry.hashIdentifier(null, 'id'), TypeError);
});

test('anonymizePath removes the user', () => {
  assert.equal(telemetry.anonymizePath('/home/alice/project/app.py'), '<user>/project/app.py');
  assert.equal(telemetry.anonymizePath('C:\\Users\\alice\\Documents\\code.py'), '<user>/Documents/code.py');
  assert.equal(telemetry.anonymizePath('/opt/company/team/app/main.py'), 'team/app/main.py');
  assert.throws(() => telemetry.anonymizePath(7), TypeError);
});

test('anonymizeMessage scrubs paths, emails and URL credentials', () => {
  assert.equal(
    telemetry.anonymizeMessage('alice@example.com failed reading /home/alice/notes.txt from postgres://admin:hunter2@db/x'),
    '<email> failed reading <user>/notes.txt from postgres://<user>:<password>@db/x',
  );
  assert.equal(telemetry.anonymizeMessage('nothing to hide'), 'nothing to hide');
});

test('anonymizeStackTrace keeps frames but not the user', () => {
  const trace = 'Error: boom\n    at main (/home/alice/project/app.js:3:9)\n    at node:internal/main:1:1';
  assert.equal(
    telemetry.anonymizeStackTrace(trace),
    'Error: boom\n    at main (<user>/project/app.js:3:9)\n    at node:internal/main:1:1',
  );
});

test('version is the crate version', () => {
  const cargo = fs.readFileSync(path.join(REPO_ROOT, 'Cargo.toml'), 'utf8');
  assert.equal(telemetry.version, /^version\s*=\s*"([^"]+)"/m.exec(cargo)[1]);
});
