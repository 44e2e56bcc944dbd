'use strict';

// The binding's anonymizer gives exactly what the C ABI gave for the shared vectors.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const telemetry = require('..');

const VECTORS_FILE = path.resolve(__dirname, '..', '..', '..', 'tests', 'privacy', 'vectors.json');

test('anonymizer matches the shared vectors', () => {
  const { salt, vectors } = JSON.parse(fs.readFileSync(VECTORS_FILE, 'utf8'));
  const functions = {
    hash_identifier: (input) => telemetry.hashIdentifier(salt, input),
    anonymize_path: telemetry.anonymizePath,
    anonymize_message: telemetry.anonymizeMessage,
    anonymize_stack_trace: telemetry.anonymizeStackTrace,
  };
  // An empty file would make every check below vacuous.
  assert.ok(vectors.length > 0, `${VECTORS_FILE} has no vectors`);

  const mismatches = [];
  for (const vector of vectors) {
    for (const [name, fn] of Object.entries(functions)) {
      const actual = fn(vector.input);
      if (actual !== vector[name]) {
        mismatches.push(
          `${name}(${util.inspect(vector.input)}):\n` +
            `  expected ${util.inspect(vector[name])}\n  actual   ${util.inspect(actual)}`,
        );
      }
    }
  }
  assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.join('\n')}`);
});
