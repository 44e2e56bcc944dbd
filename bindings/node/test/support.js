'use strict';

// Shared by the test files: a real HTTP collector on 127.0.0.1 and a child-process runner.

const fs = require('node:fs');
const readline = require('node:readline');
const crypto = require('node:crypto');
const path = require('node:path');
const { execFile, spawn } = require('node:child_process');

const BINDING = path.resolve(__dirname, '..', 'index.js');
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SALT = 'node-test-salt';

function sha256Hex(text) {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

const FAULT_COLLECTOR =
  process.env.MYCELIUM_FAULT_COLLECTOR || path.join(REPO_ROOT, 'target', 'fault_collector', 'release', 'fault_collector');

/**
 * Starts the repository's one test collector (tests/tools/fault_collector) as a program: a real
 * HTTP server on 127.0.0.1 that records each request and answers 200, after `delayMs` if given,
 * or as `script` says (fault_collector REPLYs: '503', 'hang', 'close', ...). `requests()` and
 * `events()` ask it for what it recorded; `command(line)` sends any other command.
 */
async function startCollector({ delayMs = 0, script = [] } = {}) {
  if (!fs.existsSync(FAULT_COLLECTOR)) {
    throw new Error(
      `${FAULT_COLLECTOR} is missing: build it with build_fault_collector from .ci/lib.sh (test.sh does) ` +
        'or name it in MYCELIUM_FAULT_COLLECTOR',
    );
  }
  const defaultReply = delayMs > 0 ? `delay:${delayMs}:200` : '200';
  const child = spawn(FAULT_COLLECTOR, ['--default', defaultReply, ...script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then((code) => waiting.splice(0).forEach((entry) => entry.reject(new Error(`fault_collector exited (${code})`))));
  const nextLine = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));

  const ready = await nextLine();
  // Answers come back in the order commands were sent, one line each.
  const command = async (line) => {
    const answer = nextLine();
    child.stdin.write(`${line}\n`);
    const result = await answer;
    if (result.error) throw new Error(`fault_collector: ${result.error}`);
    return result;
  };
  const requests = async () =>
    (await command('requests')).requests.map((request) => ({ ...request, url: request.path }));
  return {
    endpoint: ready.url,
    command,
    requests,
    /** Every event of every complete batch received so far. */
    events: async () =>
      (await requests()).filter((request) => request.complete).flatMap((request) => JSON.parse(request.body).events),
    close: async () => {
      if (child.exitCode === null) {
        child.stdin.end('quit\n');
        await exited;
      }
    },
  };
}

const REFERENCE_COLLECTOR =
  process.env.MYCELIUM_REFERENCE_COLLECTOR ||
  path.join(REPO_ROOT, 'target', 'reference_collector', 'debug', 'mycelium-collector');

/**
 * Starts the reference collector (collector/, mycelium-collector) with in-memory SQLite and
 * --print-stored, for tests that only check what arrived: `events()` and `bodies()` are what it
 * stored, read from the JSON line it prints for each batch before answering. It does not record
 * requests (headers, hangs): fault tests use startCollector.
 */
async function startReferenceCollector() {
  if (!fs.existsSync(REFERENCE_COLLECTOR)) {
    throw new Error(
      `${REFERENCE_COLLECTOR} is missing: build it with build_reference_collector from .ci/lib.sh (test.sh does) ` +
        'or name it in MYCELIUM_REFERENCE_COLLECTOR',
    );
  }
  // No rate limits: a test may send many batches at once from one address.
  const args = ['--listen', '127.0.0.1:0', '--storage', 'sqlite::memory:', '--print-stored'];
  const child = spawn(REFERENCE_COLLECTOR, [...args, '--rate-per-address', '0', '--rate-per-token', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const stored = [];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const listening = new Promise((resolve, reject) => {
    exited.then((code) => reject(new Error(`mycelium-collector exited (${code})`)));
    lines.on('line', (line) => {
      const address = /listening on (http:\/\/\S+)/.exec(line);
      if (address) resolve(address[1]);
      else stored.push(JSON.parse(line));
    });
  });
  const origin = await listening;
  // A flushed batch is already in the pipe; a few turns of the event loop let readline see it.
  const settle = async () => {
    for (let turn = 0; turn < 3; turn++) await new Promise(setImmediate);
  };
  const bodies = async () => {
    await settle();
    return [...stored];
  };
  return {
    endpoint: `${origin}/v1/events`,
    bodies,
    /** Every event of every batch stored so far. */
    events: async () => (await bodies()).flatMap((batch) => batch.events),
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
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

module.exports = { BINDING, REPO_ROOT, SALT, sha256Hex, startCollector, startReferenceCollector, enabledOptions, runChild };
