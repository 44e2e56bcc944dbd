package telemetry

// #include <stdlib.h>
// #include "mycelium_telemetry.h"
import "C"

import (
	"fmt"
	"strings"
)

// Consent is a level of the user's recorded choice; the numbers are the C enum mt_consent.
type Consent int

const (
	// ConsentUndecided: nothing recorded; the next rule decides, and undecided never uploads.
	ConsentUndecided Consent = C.MT_CONSENT_UNDECIDED
	// ConsentOff: nothing is collected.
	ConsentOff Consent = C.MT_CONSENT_OFF
	// ConsentLocal: events are recorded on this machine only, never uploaded.
	ConsentLocal Consent = C.MT_CONSENT_LOCAL
	// ConsentOn: events are sent.
	ConsentOn Consent = C.MT_CONSENT_ON
)

var consentNames = [...]string{"undecided", "off", "local", "on"}

// String is the level's name as a command line takes it: undecided, off, local or on.
func (level Consent) String() string {
	if level >= 0 && int(level) < len(consentNames) {
		return consentNames[level]
	}
	return fmt.Sprintf("Consent(%d)", int(level))
}

// ParseConsent reads a level by name (as String writes it), for a `telemetry on|off` command.
func ParseConsent(name string) (Consent, error) {
	for number, known := range consentNames {
		if strings.EqualFold(strings.TrimSpace(name), known) {
			return Consent(number), nil
		}
	}
	return ConsentUndecided, fmt.Errorf("telemetry: consent level %q is not one of %s: %w",
		name, strings.Join(consentNames[:], ", "), ErrInvalidArgument)
}

// ConsentNotice is the short standard notice to show before asking the user for a choice.
func ConsentNotice() string {
	return C.GoString(C.mt_consent_notice())
}

// ConsentGet returns the level recorded for app ("" for the global default); ConsentUndecided
// means nothing is recorded under that name. A malformed name is ErrInvalidArgument; a consent
// file that cannot be read is ErrIO.
func ConsentGet(app string) (Consent, error) {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add("ConsentGet", "app", app, true); err != nil {
		return ConsentUndecided, err
	}
	var level C.enum_mt_consent
	if err := statusError("ConsentGet", C.mt_consent_get(args[0], &level)); err != nil {
		return ConsentUndecided, err
	}
	return Consent(level), nil
}

// ConsentSet records level for app ("" for the global default), decided now; ConsentUndecided
// forgets the entry. Going from on to off asks the collector, once, to delete what it received,
// and may wait for the network (at most 5 seconds in all). An unknown level or a malformed name is
// ErrInvalidArgument (nothing changes); a consent file that cannot be written is ErrIO.
func ConsentSet(level Consent, app string) error {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add("ConsentSet", "app", app, true); err != nil {
		return err
	}
	return statusError("ConsentSet", C.mt_consent_set(args[0], C.int(level)))
}

// ConsentSource is which rule of the order decided (ConsentExplain); the numbers are the C enum
// mt_consent_source, in the order the rules are tried.
type ConsentSource int

const (
	// ConsentSourceDoNotTrack: rule 1, DO_NOT_TRACK is set: off.
	ConsentSourceDoNotTrack ConsentSource = C.MT_CONSENT_SOURCE_DO_NOT_TRACK
	// ConsentSourceTelemetryEnabled: rule 2, TELEMETRY_ENABLED is set, for this process.
	ConsentSourceTelemetryEnabled ConsentSource = C.MT_CONSENT_SOURCE_TELEMETRY_ENABLED
	// ConsentSourceAppChoice: rule 3, the choice recorded for the config's application.
	ConsentSourceAppChoice ConsentSource = C.MT_CONSENT_SOURCE_APP_CHOICE
	// ConsentSourceGlobalChoice: rule 3, the global choice (no entry for the application).
	ConsentSourceGlobalChoice ConsentSource = C.MT_CONSENT_SOURCE_GLOBAL_CHOICE
	// ConsentSourceUnreadableChoice: rule 3, the consent file cannot be read: off until it can.
	ConsentSourceUnreadableChoice ConsentSource = C.MT_CONSENT_SOURCE_UNREADABLE_CHOICE
	// ConsentSourceHost: rule 4, Config.Enabled with nothing recorded.
	ConsentSourceHost ConsentSource = C.MT_CONSENT_SOURCE_HOST
	// ConsentSourceDefault: rule 5, nothing decided: off.
	ConsentSourceDefault ConsentSource = C.MT_CONSENT_SOURCE_DEFAULT
)

var consentSourceNames = [...]string{"", "do_not_track", "telemetry_enabled", "app_choice",
	"global_choice", "unreadable_choice", "host", "default"}

// String is the source's name in bindings/contract.json, such as "app_choice".
func (source ConsentSource) String() string {
	if source > 0 && int(source) < len(consentSourceNames) {
		return consentSourceNames[source]
	}
	return fmt.Sprintf("ConsentSource(%d)", int(source))
}

// ConsentExplanation is what a client made from a config does now, and why.
type ConsentExplanation struct {
	// Level is ConsentOff, ConsentLocal or ConsentOn; never ConsentUndecided.
	Level Consent
	// Source is the rule that decided.
	Source ConsentSource
	// Reason is the rule in words, as `mycelium-telemetry status` prints it.
	Reason string
}

// ConsentExplain says what a client made from cfg (nil: the environment, as ConfigFromEnv)
// would do now, and which rule decided: the decision NewClient itself makes. It reads the
// environment and the consent file and never touches the network; an unreadable consent file is
// ConsentSourceUnreadableChoice (off), not an error (ConsentGet says why). A Config the library
// refuses is the same error NewClient returns.
func ConsentExplain(cfg *Config) (ConsentExplanation, error) {
	var config *C.struct_mt_config
	if cfg != nil {
		built, err := cfg.newCConfig(0)
		if err != nil {
			return ConsentExplanation{}, err
		}
		defer C.mt_config_free(built)
		config = built
	}
	var level C.enum_mt_consent
	var source C.enum_mt_consent_source
	if err := statusError("ConsentExplain", C.mt_consent_explain(config, &level, &source)); err != nil {
		return ConsentExplanation{}, err
	}
	return ConsentExplanation{
		Level:  Consent(level),
		Source: ConsentSource(source),
		Reason: C.GoString(C.mt_consent_source_message(C.int(source))),
	}, nil
}
