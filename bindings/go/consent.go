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
// and may wait for the network (up to 5 seconds). An unknown level or a malformed name is
// ErrInvalidArgument (nothing changes); a consent file that cannot be written is ErrIO.
func ConsentSet(level Consent, app string) error {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add("ConsentSet", "app", app, true); err != nil {
		return err
	}
	return statusError("ConsentSet", C.mt_consent_set(args[0], C.int(level)))
}
