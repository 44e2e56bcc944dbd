'use strict';

// The user's recorded choice (mt_consent_get, mt_consent_set, mt_consent_notice) and why a client
// collects or not (mt_consent_explain, mt_consent_source_message), so that a tool can offer
// `mytool telemetry on|off|status`. index.js builds it with the loaded library, its error helpers
// and its config accessor; this file only knows the consent functions.

/** The four levels, by the names a command line takes; the numbers are the C enum mt_consent. */
const Consent = Object.freeze({ UNDECIDED: 'undecided', OFF: 'off', LOCAL: 'local', ON: 'on' });
const TO_C = Object.freeze({ undecided: 0, off: 1, local: 2, on: 3 });
const FROM_C = Object.freeze(['undecided', 'off', 'local', 'on']);
/** Which rule decided, first to last; the numbers (from 1) are the C enum mt_consent_source. */
const ConsentSource = Object.freeze({
  DO_NOT_TRACK: 'do_not_track',
  TELEMETRY_ENABLED: 'telemetry_enabled',
  APP_CHOICE: 'app_choice',
  GLOBAL_CHOICE: 'global_choice',
  UNREADABLE_CHOICE: 'unreadable_choice',
  HOST: 'host',
  DEFAULT: 'default',
});
const SOURCES_FROM_C = Object.freeze([undefined, ...Object.values(ConsentSource)]);

/**
 * @param lib the koffi library
 * @param helpers.check throws the contract's error for a status (MT_ERR_IO: a TelemetryError
 *   with code 'MT_ERR_IO')
 * @param helpers.optionalString checks an optional string argument (TypeError)
 * @param helpers.withNativeConfig runs a function with the native mt_config of a Config or of
 *   options for one (TypeError/RangeError as new Config), or NULL for undefined/null
 */
function createConsent(lib, { check, optionalString, withNativeConfig }) {
  const consentGet = lib.func('int mt_consent_get(const char *app_name, _Out_ int *out)');
  const consentSet = lib.func('int mt_consent_set(const char *app_name, int level)');
  const consentNotice = lib.func('const char *mt_consent_notice(void)');
  const consentExplain = lib.func(
    'int mt_consent_explain(const mt_config *config, _Out_ int *level_out, _Out_ int *source_out)',
  );
  const consentSourceMessage = lib.func('const char *mt_consent_source_message(int source)');

  function level(value) {
    if (typeof value !== 'string') {
      throw new TypeError(`level must be one of ${FROM_C.join(', ')}, got ${value === null ? 'null' : typeof value}`);
    }
    const number = TO_C[value.trim().toLowerCase()];
    if (number === undefined) {
      throw new RangeError(`level must be one of ${FROM_C.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return number;
  }

  return Object.freeze({
    Consent,
    ConsentSource,
    /** The short standard notice to show before asking the user for a choice. */
    notice: consentNotice(),

    /**
     * The level recorded for `app` (omitted or null: the global default): 'undecided' means
     * nothing is recorded under that name. Reads a small file; synchronous.
     */
    get(app) {
      const name = optionalString('app', app);
      const out = [0];
      check(consentGet(name, out), `consent.get(${JSON.stringify(name)})`);
      return FROM_C[out[0]] ?? 'undecided';
    },

    /**
     * Records `level` ('undecided', 'off', 'local' or 'on') for `app` (omitted or null: the
     * global default), decided now. Resolves when it is recorded. Going from on to off asks the
     * collector, once, to delete what it received, which may wait for the network (at most 5
     * seconds in all): that runs off the event loop. Rejects with RangeError for an unknown level or a
     * malformed name, and with a TelemetryError (code 'MT_ERR_IO') when the file cannot be written.
     */
    async set(level_, app) {
      const number = level(level_);
      const name = optionalString('app', app);
      const status = await new Promise((resolve, reject) => {
        consentSet.async(name, number, (error, result) => (error ? reject(error) : resolve(result)));
      });
      check(status, `consent.set(${JSON.stringify(level_)}, ${JSON.stringify(name)})`);
    },

    /**
     * What a client made from `config` (a Config, its options, or nothing: the environment, as
     * `Config.fromEnv()`) would do now, and which rule decided: `{ level, source, reason }` with
     * `level` 'off', 'local' or 'on', `source` a ConsentSource value and `reason` the rule in
     * words, as `mycelium-telemetry status` prints it. The decision the client itself makes.
     * Reads the environment and the consent file, synchronously; an unreadable file is
     * `source: 'unreadable_choice'` (off), not an error. Null only after an internal error,
     * which is warned about.
     */
    explain(config) {
      const level = [0];
      const source = [0];
      const status = withNativeConfig(config, (pointer) => consentExplain(pointer, level, source));
      check(status, 'consent.explain()');
      const sourceName = SOURCES_FROM_C[source[0]];
      if (status !== 0 || sourceName === undefined) return null;
      return Object.freeze({
        level: FROM_C[level[0]],
        source: sourceName,
        reason: consentSourceMessage(source[0]),
      });
    },
  });
}

module.exports = { createConsent, Consent, ConsentSource };
