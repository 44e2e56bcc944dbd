'use strict';

/**
 * Node binding for mycelium-telemetry: privacy-first, opt-in usage telemetry.
 *
 * A thin layer over the library's C ABI (include/mycelium_telemetry.h), loaded with koffi.
 * Telemetry stays off unless the environment or a Config turns it on; a disabled client
 * returns from every track call after one flag check.
 *
 * @module mycelium-telemetry
 */

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');

const { createConsent } = require('./consent');

/** The C ABI's status codes, as carried by the `status` property of errors from this module. */
const Status = Object.freeze({
  OK: 0,
  ERR_NULL_ARGUMENT: 1,
  ERR_INVALID_UTF8: 2,
  ERR_INVALID_JSON: 3,
  ERR_INVALID_ARGUMENT: 4,
  ERR_INVALID_CONFIG_VALUE: 10,
  ERR_SHUT_DOWN: 20,
  ERR_TIMEOUT: 21,
  ERR_IO: 30,
  ERR_INTERNAL: 99,
});

const STATUS_CODES = new Map(Object.entries(Status).map(([name, value]) => [value, `MT_${name}`]));

const DEFAULT_TIMEOUT_MS = 5000;
const UINT32_MAX = 0xffffffff;

// ---------------------------------------------------------------------------------------------
// Finding and loading the native library

const LIBRARY_ENV = 'MYCELIUM_TELEMETRY_LIB';
const REPO_ROOT = path.resolve(__dirname, '..', '..');

function platformFileNames() {
  switch (process.platform) {
    case 'darwin':
      return { built: 'libmycelium_telemetry.dylib', system: ['libmycelium_telemetry.0.dylib', 'libmycelium_telemetry.dylib'] };
    case 'win32':
      return { built: 'mycelium_telemetry.dll', system: ['mycelium_telemetry.dll'] };
    default:
      return { built: 'libmycelium_telemetry.so', system: ['libmycelium_telemetry.so.0', 'libmycelium_telemetry.so'] };
  }
}

/** The project's build outputs, in the order they are tried. */
function buildOutputs() {
  return ['release', 'debug'].map((profile) => path.join(REPO_ROOT, 'target', profile, platformFileNames().built));
}

/**
 * The copy an npm package made by packaging/build.sh carries for this platform: the library the
 * package was built and tested with, so it comes before any other place.
 */
function bundledLibrary() {
  return path.join(__dirname, 'native', `${process.platform}-${process.arch}`, platformFileNames().system[0]);
}

/**
 * Loads the library from, in order: the file `MYCELIUM_TELEMETRY_LIB` names; the copy bundled in
 * the package; the project's build output (`target/release`, then `target/debug`); the dynamic
 * loader's usual places.
 */
function loadLibrary() {
  const explicit = process.env[LIBRARY_ENV];
  if (explicit) {
    // A path the user chose on purpose must not be silently replaced by another library.
    try {
      return koffi.load(explicit);
    } catch (error) {
      throw libraryError(`${LIBRARY_ENV}=${explicit} could not be loaded: ${error.message}`);
    }
  }
  const names = platformFileNames();
  const tried = [`${LIBRARY_ENV}: not set`];
  for (const candidate of [bundledLibrary(), ...buildOutputs()]) {
    if (!fs.existsSync(candidate)) {
      tried.push(`${candidate}: no such file`);
      continue;
    }
    try {
      return koffi.load(candidate);
    } catch (error) {
      tried.push(`${candidate}: ${error.message}`);
    }
  }
  for (const name of names.system) {
    try {
      return koffi.load(name);
    } catch (error) {
      tried.push(`${name} via the system's dynamic loader: ${error.message}`);
    }
  }
  throw libraryError(
    'cannot find the native library. Tried, in order:\n' +
      tried.map((line) => `  - ${line}`).join('\n') +
      `\nSet ${LIBRARY_ENV} to the library file, run \`cargo build --release\` in the project, ` +
      'or install the library where the dynamic loader looks (e.g. /usr/local/lib).',
  );
}

function libraryError(message) {
  const error = new Error(`mycelium-telemetry: ${message}`);
  error.code = 'MT_LIBRARY_NOT_FOUND';
  return error;
}

const lib = loadLibrary();

koffi.opaque('mt_config');
koffi.opaque('mt_client');
koffi.struct('mt_stats', {
  enqueued: 'uint64_t',
  sent: 'uint64_t',
  dropped: 'uint64_t',
  failed: 'uint64_t',
  retries: 'uint64_t',
  batches_sent: 'uint64_t',
});

koffi.proto('void mt_log_callback(int level, const char *message, uintptr_t user_data)');

const mt_string_free = lib.func('void mt_string_free(void *text)');
// Koffi calls the disposer exactly once per returned string, right after copying it into a JS
// string, so the library's allocation never outlives the call.
koffi.disposable('mt_owned_str', 'str', mt_string_free);

const native = {
  config_new: lib.func('mt_config *mt_config_new(void)'),
  config_from_env: lib.func('mt_config *mt_config_from_env(void)'),
  config_free: lib.func('void mt_config_free(mt_config *config)'),
  config_set_enabled: lib.func('int mt_config_set_enabled(mt_config *config, bool enabled)'),
  config_set_endpoint: lib.func('int mt_config_set_endpoint(mt_config *config, const char *url)'),
  config_set_timeout_secs: lib.func('int mt_config_set_timeout_secs(mt_config *config, uint32_t secs)'),
  config_set_batch_size: lib.func('int mt_config_set_batch_size(mt_config *config, uint32_t size)'),
  config_set_retry_attempts: lib.func('int mt_config_set_retry_attempts(mt_config *config, uint32_t attempts)'),
  config_set_retry_backoff: lib.func('int mt_config_set_retry_backoff(mt_config *config, double factor)'),
  config_set_app_name: lib.func('int mt_config_set_app_name(mt_config *config, const char *name)'),
  config_set_salt: lib.func('int mt_config_set_salt(mt_config *config, const char *salt)'),
  config_set_salt_file: lib.func('int mt_config_set_salt_file(mt_config *config, const char *path)'),
  config_set_flush_interval_ms: lib.func('int mt_config_set_flush_interval_ms(mt_config *config, uint32_t millis)'),
  config_set_queue_capacity: lib.func('int mt_config_set_queue_capacity(mt_config *config, uint32_t capacity)'),
  config_set_output_file: lib.func('int mt_config_set_output_file(mt_config *config, const char *path)'),
  config_set_ca_file: lib.func('int mt_config_set_ca_file(mt_config *config, const char *path)'),
  config_set_token: lib.func('int mt_config_set_token(mt_config *config, const char *token)'),
  config_set_spool_max_bytes: lib.func('int mt_config_set_spool_max_bytes(mt_config *config, uint32_t bytes)'),
  config_set_spool_max_age_days: lib.func('int mt_config_set_spool_max_age_days(mt_config *config, uint32_t days)'),
  config_set_debug: lib.func('int mt_config_set_debug(mt_config *config, bool debug)'),
  config_allow_metadata_field: lib.func('int mt_config_allow_metadata_field(mt_config *config, const char *key, int value_type)'),
  config_set_error_detail: lib.func('int mt_config_set_error_detail(mt_config *config, int detail)'),
  config_set_protocol: lib.func('int mt_config_set_protocol(mt_config *config, int protocol)'),
  // user_data carries a number (see logCallbackNumber), so it is declared as one.
  config_set_log_callback: lib.func('int mt_config_set_log_callback(mt_config *config, mt_log_callback *callback, uintptr_t user_data)'),
  client_new: lib.func('mt_client *mt_client_new(const mt_config *config)'),
  client_is_enabled: lib.func('bool mt_client_is_enabled(const mt_client *client)'),
  client_stats: lib.func('int mt_client_stats(const mt_client *client, _Out_ mt_stats *out)'),
  client_counter: lib.func('int mt_client_counter(const mt_client *client, int counter, _Out_ uint64_t *out)'),
  track_agent_usage: lib.func('int mt_track_agent_usage(mt_client *client, const char *agent_id, const char *operation, const char *metadata_json)'),
  track_performance: lib.func('int mt_track_performance(mt_client *client, const char *metric_name, double value, const char *unit, const char *tags_json)'),
  track_error: lib.func('int mt_track_error(mt_client *client, const char *error_type, const char *error_message, const char *stack_trace, const char *context_json)'),
  track_system_info: lib.func('int mt_track_system_info(mt_client *client)'),
  flush: lib.func('int mt_flush(mt_client *client, uint32_t timeout_ms)'),
  client_close: lib.func('int mt_client_close(mt_client *client, uint32_t timeout_ms)'),
  client_free_nowait: lib.func('void mt_client_free_nowait(mt_client *client, uint32_t timeout_ms)'),
  global: lib.func('mt_client *mt_global(void)'),
  global_shutdown: lib.func('int mt_global_shutdown(uint32_t timeout_ms)'),
  hash_identifier: lib.func('mt_owned_str mt_hash_identifier(const char *salt, const char *identifier)'),
  anonymize_path: lib.func('mt_owned_str mt_anonymize_path(const char *path)'),
  anonymize_message: lib.func('mt_owned_str mt_anonymize_message(const char *message)'),
  anonymize_stack_trace: lib.func('mt_owned_str mt_anonymize_stack_trace(const char *trace)'),
  set_runtime: lib.func('int mt_set_runtime(const char *runtime)'),
  version: lib.func('const char *mt_version(void)'),
  status_message: lib.func('const char *mt_status_message(int status)'),
};

native.set_runtime(`node ${process.versions.node}`);

/** The native library's version, `MAJOR.MINOR.PATCH`. */
const version = native.version();

// ---------------------------------------------------------------------------------------------
// Errors

/** Base class of the errors this module defines itself; `status` is the C status code. */
class TelemetryError extends Error {
  constructor(message, status) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = STATUS_CODES.get(status) ?? 'MT_ERR_UNKNOWN';
  }
}

/**
 * The error for MT_ERR_SHUT_DOWN. Calls after `shutdown()` no longer throw it (they do nothing,
 * as in every binding: see bindings/contract.json); kept so that code naming it still loads.
 */
class ShutDownError extends TelemetryError {
  constructor(message = 'the telemetry client was shut down') {
    super(message, Status.ERR_SHUT_DOWN);
  }
}

function withStatus(error, status) {
  error.status = status;
  error.code = STATUS_CODES.get(status);
  return error;
}

// ---------------------------------------------------------------------------------------------
// The log callback

const LOG_LEVELS = Object.freeze({ 1: 'error', 2: 'warn', 3: 'info', 4: 'debug' });
/** Number → the JS function a Config registered. Entries stay: the sender may log late. */
const logCallbacks = new Map();
let logTrampoline = null;

/**
 * The library calls back from its sender thread. One koffi-registered trampoline, created on
 * first use and never unregistered (the sender thread may log after a client is gone), finds
 * the JS function by number; koffi relays a call from another thread to this thread's event
 * loop. An exception in the host's function must not reach the library: it is dropped.
 */
function logCallbackNumber(fn) {
  logTrampoline ??= koffi.register((level, message, number) => {
    const callback = logCallbacks.get(Number(number));
    if (!callback) return;
    try {
      callback(LOG_LEVELS[level] ?? 'debug', message);
    } catch {
      // The host's logger failed; telemetry must not fail with it.
    }
  }, koffi.pointer('mt_log_callback'));
  const number = logCallbacks.size + 1;
  logCallbacks.set(number, fn);
  return number;
}

function requireFunction(name, value) {
  if (typeof value !== 'function') {
    throw new TypeError(`${name} must be a function (level, message), got ${describe(value)}`);
  }
  return value;
}

function setLogCallback(pointer, fn) {
  const number = logCallbackNumber(fn);
  return native.config_set_log_callback(pointer, logTrampoline, number);
}

/** Turns a non-OK status from a call the caller could have got wrong into a JS error. */
function statusError(status, what) {
  const message = `${what}: ${native.status_message(status)}`;
  switch (status) {
    case Status.ERR_NULL_ARGUMENT:
    case Status.ERR_INVALID_UTF8:
    case Status.ERR_INVALID_JSON:
      return withStatus(new TypeError(message), status);
    case Status.ERR_INVALID_ARGUMENT:
    case Status.ERR_INVALID_CONFIG_VALUE:
      return withStatus(new RangeError(message), status);
    case Status.ERR_SHUT_DOWN:
      return new ShutDownError();
    default:
      return new TelemetryError(message, status);
  }
}

/**
 * Library bugs (MT_ERR_INTERNAL) and koffi failures are not the caller's doing, so they become
 * a process warning instead of an exception in the host.
 */
function warnInternal(what, detail) {
  process.emitWarning(`${what}: ${detail}`, { type: 'MyceliumTelemetryWarning', code: 'MT_ERR_INTERNAL' });
}

function check(status, what) {
  if (status === Status.OK) return;
  if (status === Status.ERR_INTERNAL) {
    warnInternal(what, native.status_message(status));
    return;
  }
  throw statusError(status, what);
}

// ---------------------------------------------------------------------------------------------
// Argument checks, done in JS so that mistakes get a message naming the argument

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function requireString(name, value) {
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  }
  // C would silently cut the string at the first NUL.
  if (value.includes('\0')) {
    throw new TypeError(`${name} must not contain NUL characters`);
  }
  return value;
}

function optionalString(name, value) {
  return value === undefined || value === null ? null : requireString(name, value);
}

function requireUint32(name, value) {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new RangeError(`${name} must be a whole number from 0 to ${UINT32_MAX}, got ${value}`);
  }
  return value;
}

function requireNumber(name, value) {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  }
  return value;
}

function requireBoolean(name, value) {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/** The type names `metadataFields` accepts, with the numbers of C's mt_value_type. */
const VALUE_TYPES = Object.freeze({
  any: 0,
  boolean: 1,
  nonNegativeInteger: 2,
  nonNegativeNumber: 3,
  httpStatusCode: 4,
});

/** The levels `errorDetail` accepts, with the numbers of C's mt_error_detail. */
const ERROR_DETAILS = Object.freeze({ full: 0, frames: 1, type: 2 });

/** The protocols `protocol` accepts, with the numbers of C's mt_protocol. */
const PROTOCOLS = Object.freeze({ mycelium: 0, otlp: 1 });

function requireChoice(choices, name, value) {
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  }
  if (!Object.hasOwn(choices, value)) {
    throw new RangeError(`${name} must be one of ${Object.keys(choices).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return choices[value];
}

/** `{key: 'boolean', ...}` or a Map of the same as [key, C type number] pairs. */
function requireFields(name, value) {
  if (value instanceof Map) value = Object.fromEntries(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be a plain object or Map of key to value type, got ${describe(value)}`);
  }
  return Object.entries(value).map(([key, type]) => [
    requireString(`${name} key`, key),
    requireChoice(VALUE_TYPES, `${name}.${key}`, type),
  ]);
}

/** Adds each typed key; the first refusal's status, or OK. */
function allowMetadataFields(pointer, fields) {
  for (const [key, type] of fields) {
    const status = native.config_allow_metadata_field(pointer, key, type);
    if (status !== Status.OK) return status;
  }
  return Status.OK;
}

/** A plain object or Map as a JSON object string; null/undefined mean "none". */
function jsonObject(name, value) {
  if (value === undefined || value === null) return null;
  if (value instanceof Map) value = Object.fromEntries(value);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be a plain object or Map, got ${describe(value)}`);
  }
  let text;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${name} cannot be serialized to JSON: ${error.message}`, { cause: error });
  }
  if (typeof text !== 'string' || !text.startsWith('{')) {
    throw new TypeError(`${name} must serialize to a JSON object`);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Config

/** Option name → how it is checked in JS and which C setter applies it. */
const CONFIG_SETTERS = {
  enabled: [requireBoolean, native.config_set_enabled],
  endpoint: [requireString, native.config_set_endpoint],
  timeoutSecs: [requireUint32, native.config_set_timeout_secs],
  batchSize: [requireUint32, native.config_set_batch_size],
  retryAttempts: [requireUint32, native.config_set_retry_attempts],
  retryBackoff: [requireNumber, native.config_set_retry_backoff],
  appName: [requireString, native.config_set_app_name],
  salt: [requireString, native.config_set_salt],
  saltFile: [requireString, native.config_set_salt_file],
  flushIntervalMs: [requireUint32, native.config_set_flush_interval_ms],
  queueCapacity: [requireUint32, native.config_set_queue_capacity],
  outputFile: [requireString, native.config_set_output_file],
  caFile: [requireString, native.config_set_ca_file],
  token: [requireString, native.config_set_token],
  spoolMaxBytes: [requireUint32, native.config_set_spool_max_bytes],
  spoolMaxAgeDays: [requireUint32, native.config_set_spool_max_age_days],
  debug: [requireBoolean, native.config_set_debug],
  metadataFields: [requireFields, allowMetadataFields],
  errorDetail: [(name, value) => requireChoice(ERROR_DETAILS, name, value), native.config_set_error_detail],
  protocol: [(name, value) => requireChoice(PROTOCOLS, name, value), native.config_set_protocol],
  logCallback: [requireFunction, setLogCallback],
};

const configRegistry = new FinalizationRegistry((pointer) => native.config_free(pointer));
const FROM_ENV = Symbol('fromEnv');
let configPointer;

/**
 * Settings for a Client. Each option is checked by the library when the Config is built:
 * a wrong type throws TypeError, an out-of-range value (MT_ERR_INVALID_CONFIG_VALUE) throws
 * RangeError. The native config is freed when the Config is garbage-collected.
 */
class Config {
  #pointer;

  static {
    configPointer = (config) => config.#pointer;
  }

  /**
   * Every default, telemetry disabled, then `options` applied.
   * @param {import('./index').ConfigOptions} [options]
   */
  constructor(options = {}, source = undefined) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`options must be an object, got ${describe(options)}`);
    }
    const pointer = source === FROM_ENV ? native.config_from_env() : native.config_new();
    if (!pointer) throw new Error('mycelium-telemetry: out of memory creating a config');
    try {
      for (const [name, value] of Object.entries(options)) {
        if (value === undefined) continue;
        const setter = CONFIG_SETTERS[name];
        if (!setter) {
          throw new TypeError(`unknown config option "${name}"; known: ${Object.keys(CONFIG_SETTERS).join(', ')}`);
        }
        const [validate, apply] = setter;
        // The salt and the token are secrets and must not end up in an error message or a log.
        const shown = name === 'salt' || name === 'token' ? name : `${name} = ${JSON.stringify(value)}`;
        check(apply(pointer, validate(name, value)), `config option ${shown}`);
      }
    } catch (error) {
      native.config_free(pointer);
      throw error;
    }
    this.#pointer = pointer;
    configRegistry.register(this, pointer);
  }

  /**
   * Reads TELEMETRY_ENABLED, DO_NOT_TRACK and the other TELEMETRY_* variables now, then applies
   * `overrides`. An invalid variable disables telemetry (the library prints one warning).
   * @param {import('./index').ConfigOptions} [overrides]
   */
  static fromEnv(overrides = {}) {
    return new Config(overrides, FROM_ENV);
  }
}

// ---------------------------------------------------------------------------------------------
// Client

// A collected client is freed without blocking the event loop: nothing can be using it then,
// since a client stays reachable while one of its calls runs on a worker. Its sender sends what
// is still queued (within the default timeout) on its own.
const clientRegistry = new FinalizationRegistry((pointer) => native.client_free_nowait(pointer, DEFAULT_TIMEOUT_MS));
/** Client → how many of its native calls are running on koffi's workers (see #onWorker). */
const clientsOnWorkers = new Map();
const GLOBAL = Symbol('global');
let globalClient = null;
let globalShutdown = null;

/** Runs a native function on koffi's worker pool so the event loop keeps turning. */
function callOnWorker(fn, ...args) {
  return new Promise((resolve, reject) => {
    fn.async(...args, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A telemetry client. Track calls only queue the event (the library sends from its own thread);
 * `flush()` and `shutdown()` wait on a worker thread and return Promises.
 *
 * `shutdown()` only closes the native client, which calls still running on workers survive; it
 * is freed once the Client is garbage-collected.
 */
class Client {
  #handle;
  #isGlobal;
  /** Enabled and not shut down: the one flag the track calls check before doing anything. */
  #collecting;
  #closed;
  #shutdownPromise = null;
  /** Resolves to whether the close delivered everything queued in time. */
  #closing = null;

  /**
   * @param {Config | import('./index').ConfigOptions} [config] a Config, the options for one, or
   *   nothing to read the environment as `Config.fromEnv()` does.
   */
  constructor(config = undefined) {
    if (config === GLOBAL) {
      this.#isGlobal = true;
      this.#handle = native.global();
      this.#closed = globalShutdown !== null;
    } else {
      if (config !== undefined && config !== null && !(config instanceof Config)) {
        config = new Config(config);
      }
      this.#isGlobal = false;
      this.#handle = native.client_new(config ? configPointer(config) : null);
      this.#closed = false;
    }
    if (!this.#handle) throw new Error('mycelium-telemetry: out of memory creating a client');
    this.#collecting = !this.#closed && native.client_is_enabled(this.#handle);
    if (!this.#isGlobal) clientRegistry.register(this, this.#handle, this);
  }

  /** True while the client is collecting: telemetry enabled and not shut down. */
  get enabled() {
    return this.#collecting;
  }

  /**
   * Records that an agent ran an operation. `agentId` is hashed with the salt; of `metadata`
   * only allowlisted keys with scalar values leave (duration_ms, success, retry_count,
   * cache_hit, result_count, status_code).
   * @param {string} agentId
   * @param {string} operation
   * @param {object | Map<string, unknown>} [metadata]
   */
  trackAgentUsage(agentId, operation, metadata = undefined) {
    if (!this.#collecting) return this.#notCollecting();
    const status = native.track_agent_usage(
      this.#handle,
      requireString('agentId', agentId),
      requireString('operation', operation),
      jsonObject('metadata', metadata),
    );
    this.#check(status, 'trackAgentUsage');
  }

  /**
   * Records a measurement. Tags whose key ends in `_id`, or is `user` or `agent`, are hashed.
   * @param {string} metricName
   * @param {number} value must be finite (NaN and ±Infinity throw RangeError)
   * @param {string} [unit] defaults to "ms"
   * @param {object | Map<string, unknown>} [tags]
   */
  trackPerformance(metricName, value, unit = undefined, tags = undefined) {
    if (!this.#collecting) return this.#notCollecting();
    requireNumber('value', value);
    if (!Number.isFinite(value)) throw withStatus(new RangeError(`value must be finite, got ${value}`), Status.ERR_INVALID_ARGUMENT);
    const status = native.track_performance(
      this.#handle,
      requireString('metricName', metricName),
      value,
      optionalString('unit', unit),
      jsonObject('tags', tags),
    );
    this.#check(status, 'trackPerformance');
  }

  /**
   * Records an error; the message and stack trace are scrubbed of home paths, URL credentials
   * and emails before they leave, and `context` is filtered like metadata.
   *
   * Either `trackError(errorType, errorMessage, stackTrace?, context?)` or
   * `trackError(error, context?)` with an Error, whose name, message and stack are used.
   */
  trackError(errorTypeOrError, errorMessage = undefined, stackTrace = undefined, context = undefined) {
    if (!this.#collecting) return this.#notCollecting();
    let errorType = errorTypeOrError;
    if (errorTypeOrError instanceof Error) {
      context = errorMessage;
      errorType = String(errorTypeOrError.name || 'Error');
      errorMessage = String(errorTypeOrError.message ?? '');
      stackTrace = typeof errorTypeOrError.stack === 'string' ? errorTypeOrError.stack : undefined;
    }
    const status = native.track_error(
      this.#handle,
      requireString('errorType', errorType),
      requireString('errorMessage', errorMessage),
      optionalString('stackTrace', stackTrace),
      jsonObject('context', context),
    );
    this.#check(status, 'trackError');
  }

  /** Records the platform, its version, the CPU architecture, the library version and Node's. */
  trackSystemInfo() {
    if (!this.#collecting) return this.#notCollecting();
    this.#check(native.track_system_info(this.#handle), 'trackSystemInfo');
  }

  /**
   * Waits, on a worker thread, until everything tracked before this call is sent or given up.
   * Resolves `true` when done, `false` if `timeoutMs` passed first. Network trouble never
   * rejects; it only shows in `stats()`. After (or during) `shutdown()` it resolves as the
   * shutdown's delivery went, and never rejects for it.
   * @param {number} [timeoutMs=5000]
   * @returns {Promise<boolean>}
   */
  async flush(timeoutMs = DEFAULT_TIMEOUT_MS) {
    requireUint32('timeoutMs', timeoutMs);
    // After shutdown nothing is left to wait for once the close is done: resolve as it went.
    if (this.#closed) return this.#closing ?? true;
    if (!this.#collecting) return true;
    let status;
    try {
      status = await this.#onWorker(native.flush, timeoutMs);
    } catch (error) {
      warnInternal('flush', error.message);
      return false;
    }
    if (status === Status.OK) return true;
    if (status === Status.ERR_TIMEOUT) return false;
    if (status === Status.ERR_SHUT_DOWN) {
      // The close that overtook this flush sends what it would have waited for; the global
      // client shut down by other code has nothing left to wait for.
      this.#check(status, 'flush');
      return this.#closing ?? true;
    }
    warnInternal('flush', native.status_message(status));
    return false;
  }

  /**
   * Counters since the client was created; after `shutdown()`, the final ones. Plain numbers
   * (exact up to 2^53).
   * @returns {import('./index').Stats}
   */
  stats() {
    const out = {};
    check(native.client_stats(this.#handle, out), 'stats');
    // Counters beyond mt_stats, one at a time (mt_counter numbers).
    const counter = (number) => {
      const value = [0];
      check(native.client_counter(this.#handle, number, value), 'stats');
      return Number(value[0]);
    };
    return {
      enqueued: Number(out.enqueued),
      sent: Number(out.sent),
      dropped: Number(out.dropped),
      failed: Number(out.failed),
      retries: Number(out.retries),
      batchesSent: Number(out.batches_sent),
      spooled: counter(7),
      replayed: counter(8),
      spoolDropped: counter(9),
    };
  }

  /**
   * Sends what is queued and stops the sender, on a worker thread, within about `timeoutMs`.
   * `shutdown(0)` never touches the network: what is still queued goes to the offline spool (for
   * a client with an `appName` whose choice is on) and the next run sends it; use it at the end
   * of a short-lived command so that it exits at once.
   * From the moment it is called, track calls do nothing (never throw); calls already running are
   * not waited for and end safely. Calling it again returns the same Promise. Never rejects for
   * network trouble.
   * @param {number} [timeoutMs=5000]
   * @returns {Promise<void>}
   */
  shutdown(timeoutMs = DEFAULT_TIMEOUT_MS) {
    if (this.#shutdownPromise) return this.#shutdownPromise;
    try {
      requireUint32('timeoutMs', timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#closed = true;
    this.#collecting = false;
    // On the global client mt_client_close is mt_global_shutdown.
    this.#closing = this.#onWorker(native.client_close, timeoutMs).then(
      (status) => status === Status.OK,
      (error) => {
        warnInternal('shutdown', error.message);
        return false;
      },
    );
    if (this.#isGlobal) globalShutdown ??= this.#closing;
    this.#shutdownPromise = this.#closing.then(() => undefined);
    return this.#shutdownPromise;
  }

  /**
   * Runs a native call taking this client's handle on a worker, keeping the Client reachable
   * meanwhile so that the registry cannot free the handle under the call.
   */
  async #onWorker(fn, ...args) {
    clientsOnWorkers.set(this, (clientsOnWorkers.get(this) ?? 0) + 1);
    try {
      return await callOnWorker(fn, this.#handle, ...args);
    } finally {
      const running = clientsOnWorkers.get(this) - 1;
      if (running === 0) clientsOnWorkers.delete(this);
      else clientsOnWorkers.set(this, running);
    }
  }

  /** Disabled, or shut down: either way the call does nothing (the contract's after_shutdown). */
  #notCollecting() {}

  #check(status, what) {
    if (status === Status.ERR_SHUT_DOWN) {
      // Shut down by another call racing this one (or, for the global client, by other code
      // in the process): like any call after shutdown, it does nothing.
      this.#closed = true;
      this.#collecting = false;
      return;
    }
    check(status, what);
  }
}

function shutdownGlobalNative(timeoutMs) {
  globalShutdown ??= callOnWorker(native.global_shutdown, timeoutMs).then(
    () => undefined,
    (error) => warnInternal('shutdownGlobal', error.message),
  );
  return globalShutdown;
}

/**
 * The process-wide client, configured from the environment on first use. Always the same object.
 * @returns {Client}
 */
function getGlobalClient() {
  globalClient ??= new Client(GLOBAL);
  return globalClient;
}

/**
 * Shuts the process-wide client down (sends what is queued within `timeoutMs`). Later calls on
 * it do nothing; calling this again returns the same Promise. If the global client was
 * never used, none is created.
 * @param {number} [timeoutMs=5000]
 * @returns {Promise<void>}
 */
function shutdownGlobal(timeoutMs = DEFAULT_TIMEOUT_MS) {
  if (globalClient) return globalClient.shutdown(timeoutMs);
  try {
    requireUint32('timeoutMs', timeoutMs);
  } catch (error) {
    return Promise.reject(error);
  }
  return shutdownGlobalNative(timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Anonymizer

/** Lowercase hex SHA-256 of `identifier` followed directly by `salt` (64 characters). */
function hashIdentifier(salt, identifier) {
  return native.hash_identifier(requireString('salt', salt), requireString('identifier', identifier));
}

/** Removes the user from a path: `/home/alice/x/y.py` → `<user>/x/y.py`. */
function anonymizePath(filePath) {
  return native.anonymize_path(requireString('path', filePath));
}

/** Scrubs free text of home paths, URL credentials and email addresses. */
function anonymizeMessage(message) {
  return native.anonymize_message(requireString('message', message));
}

/** Scrubs a stack trace like an error event's; file names, lines and functions survive. */
function anonymizeStackTrace(trace) {
  return native.anonymize_stack_trace(requireString('trace', trace));
}

// ---------------------------------------------------------------------------------------------
// The user's recorded choice (consent.js)

/** Runs `use` with the native config of `config` (a Config, or options for one), or NULL. */
function withNativeConfig(config, use) {
  if (config === undefined || config === null) return use(null);
  const built = config instanceof Config ? config : new Config(config);
  // Synchronous: a FinalizationRegistry callback (which frees the pointer) cannot run meanwhile.
  return use(configPointer(built));
}

const consent = createConsent(lib, { check, optionalString, withNativeConfig });

module.exports = {
  consent,
  Consent: consent.Consent,
  ConsentSource: consent.ConsentSource,
  Config,
  Client,
  TelemetryError,
  ShutDownError,
  Status,
  getGlobalClient,
  shutdownGlobal,
  hashIdentifier,
  anonymizePath,
  anonymizeMessage,
  anonymizeStackTrace,
  version,
  /** For this package's tests (they check it against bindings/contract.json); not an API. */
  _contract: { statusError, check, buildOutputs, bundledLibrary, platformFileNames, LIBRARY_ENV, REPO_ROOT },
};
