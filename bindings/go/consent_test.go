package telemetry_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

// withConsentFile points TELEMETRY_CONSENT_FILE at a fresh temporary file, never the user's own.
func withConsentFile(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "telemetry_consent.json")
	t.Setenv("TELEMETRY_CONSENT_FILE", file)
	return file
}

func TestConsentSetOnThenGetReturnsOn(t *testing.T) {
	file := withConsentFile(t)
	if level, err := telemetry.ConsentGet(""); err != nil || level != telemetry.ConsentUndecided {
		t.Fatalf("before: %v, %v; want undecided", level, err)
	}
	if err := telemetry.ConsentSet(telemetry.ConsentOn, ""); err != nil {
		t.Fatal(err)
	}
	if level, err := telemetry.ConsentGet(""); err != nil || level != telemetry.ConsentOn {
		t.Fatalf("after: %v, %v; want on", level, err)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("consent file: %v, %v; want mode 0600", info, err)
	}
}

func TestConsentPerAppAndGlobalEntriesAreSeparate(t *testing.T) {
	withConsentFile(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(telemetry.ConsentSet(telemetry.ConsentLocal, "mytool"))
	must(telemetry.ConsentSet(telemetry.ConsentOff, ""))
	for app, want := range map[string]telemetry.Consent{
		"mytool": telemetry.ConsentLocal, "": telemetry.ConsentOff, "other-tool": telemetry.ConsentUndecided,
	} {
		if level, err := telemetry.ConsentGet(app); err != nil || level != want {
			t.Errorf("%q: %v, %v; want %v", app, level, err, want)
		}
	}
}

func TestConsentNoticeIsNotEmpty(t *testing.T) {
	if strings.TrimSpace(telemetry.ConsentNotice()) == "" {
		t.Fatal("empty notice")
	}
}

func TestConsentInvalidLevelsAndNamesAreErrInvalidArgument(t *testing.T) {
	file := withConsentFile(t)
	if err := telemetry.ConsentSet(telemetry.Consent(7), ""); !errors.Is(err, telemetry.ErrInvalidArgument) {
		t.Errorf("level 7: %v", err)
	}
	if _, err := telemetry.ParseConsent("maybe"); !errors.Is(err, telemetry.ErrInvalidArgument) {
		t.Errorf("ParseConsent(maybe): %v", err)
	}
	if level, err := telemetry.ParseConsent("ON"); err != nil || level != telemetry.ConsentOn {
		t.Errorf("ParseConsent(ON): %v, %v", level, err)
	}
	if _, err := telemetry.ConsentGet("not a name"); !errors.Is(err, telemetry.ErrInvalidArgument) {
		t.Errorf("name with spaces: %v", err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused call wrote the file: %v", err)
	}
}

func TestConsentUnreadableFileIsErrIO(t *testing.T) {
	file := withConsentFile(t)
	if err := os.WriteFile(file, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := telemetry.ConsentGet(""); !errors.Is(err, telemetry.ErrIO) {
		t.Fatalf("malformed file: %v, want ErrIO", err)
	}
}

func TestAppNameIsAConfigField(t *testing.T) {
	if _, err := telemetry.NewClient(&telemetry.Config{AppName: "not a name"}); !errors.Is(err, telemetry.ErrInvalidConfig) {
		t.Fatalf("AppName with spaces: %v, want ErrInvalidConfig", err)
	}
}
