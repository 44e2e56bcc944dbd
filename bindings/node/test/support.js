'use strict';

// Shared by the test files: a real HTTP collector on 127.0.0.1 and a child-process runner.

const http = require('node:http');
const crypto = require('node:crypto');
const path = require('node:path');
const { execFile } = require('node:child_process');

const BINDING = path.resolve(__dirname, '..', 'index.js');
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SALT = 'node-test-salt';

function sha256Hex(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Starts a collector that records each POST (path, headers, body) and answers 200, after
 * `delayMs` if given.
 */
async function startCollector({ delayMs = 0 } = {}) {
  const requests = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      setTimeout(() => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{"ok":true}');
      }, delayMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    requests,
    endpoint: `http://127.0.0.1:${port}/v1/events`,
    /** Every event of every batch received so far. */
    events: () => requests.flatMap((request) => JSON.parse(request.body).events),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** Options for a client that sends to `endpoint` at once, with the test salt. */
function enabledOptions(endpoint, extra = {}) {
  return { enabled: true, endpoint, salt: SALT, flushIntervalMs: 50, ...extra };
}

/**
 * Runs `script` in a fresh Node process (without blocking this one's event loop, which may be
 * serving the collector) with an environment free of telemetry settings plus `env`.
 * Resolves with the JSON the script printed last.
 */
function runChild(script, env = {}) {
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('TELEMETRY_') && name !== 'DO_NOT_TRACK' && name !== 'MYCELIUM_TELEMETRY_LIB',
    ),
  );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env: { ...cleanEnv, BINDING_PATH: BINDING, ...env }, timeout: 20000 },
      (error, stdout, stderr) => {
        if (error) {
          error.message += `\nstdout:\n${stdout}\nstderr:\n${stderr}`;
          reject(error);
          return;
        }
        const lines = stdout.trim().split('\n');
        resolve({ result: JSON.parse(lines[lines.length - 1]), stderr });
      },
    );
  });
}

module.exports = { BINDING, REPO_ROOT, SALT, sha256Hex, startCollector, enabledOptions, runChild };
