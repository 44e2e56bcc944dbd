'use strict';

// The user's recorded choice (mt_consent_get, mt_consent_set, mt_consent_notice), so that a tool
// can offer `mytool telemetry on|off|status`. index.js builds it with the loaded library and its
// error helpers; this file only knows the consent functions.

/** The four levels, by the names a command line takes; the numbers are the C enum mt_consent. */
const Consent = Object.freeze({ UNDECIDED: 'undecided', OFF: 'off', LOCAL: 'local', ON: 'on' });
const TO_C = Object.freeze({ undecided: 0, off: 1, local: 2, on: 3 });
const FROM_C = Object.freeze(['undecided', 'off', 'local', 'on']);

/**
 * @param lib the koffi library
 * @param helpers.check throws the contract's error for a status (MT_ERR_IO: a TelemetryError
 *   with code 'MT_ERR_IO')
 * @param helpers.optionalString checks an optional string argument (TypeError)
 */
function createConsent(lib, { check, optionalString }) {
  const consentGet = lib.func('int mt_consent_get(const char *app_name, _Out_ int *out)');
  const consentSet = lib.func('int mt_consent_set(const char *app_name, int level)');
  const consentNotice = lib.func('const char *mt_consent_notice(void)');

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
     * collector, once, to delete what it received, which may wait for the network (up to 5
     * seconds): that runs off the event loop. Rejects with RangeError for an unknown level or a
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
  });
}

module.exports = { createConsent, Consent };
