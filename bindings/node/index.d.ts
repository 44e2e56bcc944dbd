// Type declarations for the mycelium-telemetry Node binding (index.js).

/** Options of a {@link Config}; each is checked by the native library when the Config is built. */
/** A level the library logs at, as passed to `logCallback`. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface ConfigOptions {
  /**
   * Receives the library's warnings instead of stderr. Called on the JS thread (koffi relays the
   * library's sender thread to the event loop); an exception it throws is dropped. Messages
   * never hold the salt or unscrubbed data.
   */
  logCallback?: (level: LogLevel, message: string) => void;
  /** Turns telemetry on or off (default off). Overrides TELEMETRY_ENABLED. */
  enabled?: boolean;
  /** Collector URL. No scheme means https://; http:// only for loopback hosts. */
  endpoint?: string;
  /** Request timeout in whole seconds, 1 to 30 (default 5). */
  timeoutSecs?: number;
  /** Events per full batch, 1 to 1000 (default 100). */
  batchSize?: number;
  /** Retries of a failed batch, 0 to 10 (default 3). */
  retryAttempts?: number;
  /** Factor between successive retry delays, 1.0 to 10.0 (default 2.0). */
  retryBackoff?: number;
  /** Salt identifiers are hashed with, instead of the per-installation salt file. Never sent. */
  salt?: string;
  /** Where the per-installation salt is kept. */
  saltFile?: string;
  /** This application's name (1 to 64 of A-Z a-z 0-9 - _ ., like TELEMETRY_APP): the choice
   *  recorded for it with consent.set applies, else the global one. */
  appName?: string;
  /** Longest a partial batch waits before it is sent, 10 to 3600000 ms (default 5000). */
  flushIntervalMs?: number;
  /** Events the queue holds, 1 to 1000000 (default 8192); when full the oldest is dropped. */
  queueCapacity?: number;
  /**
   * Local-only mode: each batch is appended to this file as one JSON line, exactly as it would
   * have been sent, and no socket is ever opened. Created with mode 0600.
   */
  outputFile?: string;
  /** A PEM file of CA certificates trusted besides the bundled roots (read when the Config is built). */
  caFile?: string;
  /**
   * A private collector's ingest token, sent as `Authorization: Bearer <token>` to the endpoint
   * only (1 to 4096 visible ASCII characters). Never logged, never written to a file.
   */
  token?: string;
  /** The most the offline spool of this application keeps, 0 to 1073741824 bytes (default 5 MiB); 0 turns it off. */
  spoolMaxBytes?: number;
  /** How long a spooled batch is kept, 0 to 365 days (default 7); 0 turns the spool off. */
  spoolMaxAgeDays?: number;
  /** Prints each outgoing batch, exactly as sent, on stderr. */
  debug?: boolean;
  /**
   * Keys that may leave in metadata and error context beyond the built-in allowlist, each with
   * the type its values must have; a value of another type is dropped. Built-in keys keep their
   * own types; secret-looking keys are refused (RangeError). At most 32.
   */
  metadataFields?: Record<string, ValueType> | Map<string, ValueType>;
  /** How much of each error leaves (like TELEMETRY_ERROR_DETAIL); default 'full'. */
  errorDetail?: ErrorDetail;
  /**
   * What batches are sent as (like TELEMETRY_PROTOCOL); default 'mycelium' (wire format 1.0).
   * 'otlp' sends OTLP/HTTP JSON logs to an OpenTelemetry Collector: pass its logs URL as
   * `endpoint` (left at the default, http://localhost:4318/v1/logs).
   */
  protocol?: Protocol;
}

/**
 * The type an allowlisted key accepts. 'any': any scalar, strings scrubbed; 'nonNegativeInteger'
 * accepts 3 and 3.0; 'httpStatusCode' a whole number from 100 to 599.
 */
export type ValueType = 'any' | 'boolean' | 'nonNegativeInteger' | 'nonNegativeNumber' | 'httpStatusCode';

/**
 * 'full': type, scrubbed message and trace. 'frames': type and `file:line in function` per frame,
 * message sent as "". 'type': the error type only.
 */
export type ErrorDetail = 'full' | 'frames' | 'type';

/** 'mycelium': wire format 1.0. 'otlp': OTLP/HTTP JSON logs (docs/opentelemetry.md). */
export type Protocol = 'mycelium' | 'otlp';

/** Client settings. Wrong types throw TypeError; out-of-range values throw RangeError. */
export class Config {
  /** Every default (telemetry disabled), then `options`. */
  constructor(options?: ConfigOptions);
  /** Reads TELEMETRY_* and DO_NOT_TRACK now, then applies `overrides`. */
  static fromEnv(overrides?: ConfigOptions): Config;
}

/** Metadata, tags or context: a plain object or Map that serializes to a JSON object. */
export type Fields = Record<string, unknown> | Map<string, unknown>;

/** Counters since the client was created, as plain numbers. */
export interface Stats {
  /** Events accepted by track calls. */
  enqueued: number;
  /** Events the collector accepted. */
  sent: number;
  /** Events displaced from a full queue. */
  dropped: number;
  /** Events given up on (refused, out of retries, out of shutdown time). */
  failed: number;
  /** Repeated delivery attempts. */
  retries: number;
  /** Batches the collector accepted. */
  batchesSent: number;
  /** Events kept in the offline spool for a later run. */
  spooled: number;
  /** Events sent from the spool (kept by an earlier run or another process of the app). */
  replayed: number;
  /** Events the spool let go of unsent (its bounds, unreadable files, refused, not writable). */
  spoolDropped: number;
}

export class Client {
  /** A Config, the options for one, or nothing to configure from the environment. */
  constructor(config?: Config | ConfigOptions | null);
  /** True while the client is collecting: enabled and not shut down. */
  readonly enabled: boolean;
  trackAgentUsage(agentId: string, operation: string, metadata?: Fields | null): void;
  /** `value` must be finite; `unit` defaults to "ms". */
  trackPerformance(metricName: string, value: number, unit?: string | null, tags?: Fields | null): void;
  trackError(errorType: string, errorMessage: string, stackTrace?: string | null, context?: Fields | null): void;
  /** Uses the error's name, message and stack. */
  trackError(error: Error, context?: Fields | null): void;
  trackSystemInfo(): void;
  /** Resolves true when everything tracked before is sent or given up, false on timeout. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** The counters; after shutdown(), the final ones. */
  stats(): Stats;
  /** Sends what is queued and stops the client, without waiting for calls in progress. Idempotent. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Errors this module defines; `status` is the C ABI status, `code` its name. */
export class TelemetryError extends Error {
  readonly status: number;
  readonly code: string;
}

/** A client was used after shutdown. */
export class ShutDownError extends TelemetryError {}

export const Status: Readonly<{
  OK: 0;
  ERR_NULL_ARGUMENT: 1;
  ERR_INVALID_UTF8: 2;
  ERR_INVALID_JSON: 3;
  ERR_INVALID_ARGUMENT: 4;
  ERR_INVALID_CONFIG_VALUE: 10;
  ERR_SHUT_DOWN: 20;
  ERR_TIMEOUT: 21;
  ERR_IO: 30;
  ERR_INTERNAL: 99;
}>;

/** The process-wide client, configured from the environment on first use. */
export function getGlobalClient(): Client;
/** Shuts the process-wide client down; later calls on it do nothing. */
export function shutdownGlobal(timeoutMs?: number): Promise<void>;

/** Lowercase hex SHA-256 of `identifier` followed by `salt`. */
export function hashIdentifier(salt: string, identifier: string): string;
/** `/home/alice/x/y.py` → `<user>/x/y.py`. */
export function anonymizePath(path: string): string;
/** Scrubs home paths, URL credentials and email addresses. */
export function anonymizeMessage(message: string): string;
/** Scrubs a stack trace; file names, line numbers and functions survive. */
export function anonymizeStackTrace(trace: string): string;

/** The native library's version, MAJOR.MINOR.PATCH. */
export const version: string;

/** A level of consent, as a command line names it. */
export type ConsentLevel = 'undecided' | 'off' | 'local' | 'on';
export const Consent: Readonly<{ UNDECIDED: 'undecided'; OFF: 'off'; LOCAL: 'local'; ON: 'on' }>;

/** Which rule of the order decided, first to last (C mt_consent_source). */
export type ConsentSourceName =
  | 'do_not_track' | 'telemetry_enabled' | 'app_choice' | 'global_choice'
  | 'unreadable_choice' | 'host' | 'default';
export const ConsentSource: Readonly<{
  DO_NOT_TRACK: 'do_not_track'; TELEMETRY_ENABLED: 'telemetry_enabled'; APP_CHOICE: 'app_choice';
  GLOBAL_CHOICE: 'global_choice'; UNREADABLE_CHOICE: 'unreadable_choice'; HOST: 'host';
  DEFAULT: 'default';
}>;

/** What a client made from a config does now, and why. */
export interface ConsentExplanation {
  readonly level: 'off' | 'local' | 'on';
  readonly source: ConsentSourceName;
  /** The rule in words, as `mycelium-telemetry status` prints it. */
  readonly reason: string;
}

/** The user's recorded choice, per application with a global default (app omitted or null). */
export const consent: Readonly<{
  Consent: typeof Consent;
  ConsentSource: typeof ConsentSource;
  /** The short standard notice to show before asking for a choice. */
  notice: string;
  /** The level recorded for `app`; 'undecided' when nothing is. Throws TelemetryError (code
   *  'MT_ERR_IO') when the consent file cannot be read, RangeError for a malformed name. */
  get(app?: string | null): ConsentLevel;
  /** Records `level` for `app`, decided now; rejects with RangeError for an unknown level or
   *  name, TelemetryError (code 'MT_ERR_IO') when the file cannot be written. */
  set(level: ConsentLevel, app?: string | null): Promise<void>;
  /** What a client made from `config` (omitted: the environment) does now and which rule
   *  decided; null only after an internal error (warned). */
  explain(config?: Config | ConfigOptions | null): ConsentExplanation | null;
}>;
