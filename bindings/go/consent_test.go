package telemetry_test

import (
	"encoding/json"
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

func TestConsentSourcesAreTheContractSources(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var contract struct {
		ConsentSources map[string]int `json:"consent_sources"`
	}
	if err := json.Unmarshal(text, &contract); err != nil {
		t.Fatal(err)
	}
	sources := []telemetry.ConsentSource{
		telemetry.ConsentSourceDoNotTrack, telemetry.ConsentSourceTelemetryEnabled,
		telemetry.ConsentSourceAppChoice, telemetry.ConsentSourceGlobalChoice,
		telemetry.ConsentSourceUnreadableChoice, telemetry.ConsentSourceHost,
		telemetry.ConsentSourceDefault,
	}
	if len(sources) != len(contract.ConsentSources) {
		t.Fatalf("%d sources, contract has %d", len(sources), len(contract.ConsentSources))
	}
	for _, source := range sources {
		if number, ok := contract.ConsentSources[source.String()]; !ok || number != int(source) {
			t.Errorf("%v = %d; contract: %d (%v)", source, int(source), number, ok)
		}
	}
}

// unsetenv removes a variable for the rest of the test, restoring it after.
func unsetenv(t *testing.T, name string) {
	t.Setenv(name, "")
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}

// explained checks that ConsentExplain(cfg) says level because of source, and that a client
// made from cfg agrees.
func explained(t *testing.T, cfg *telemetry.Config, level telemetry.Consent, source telemetry.ConsentSource) telemetry.ConsentExplanation {
	t.Helper()
	explanation, err := telemetry.ConsentExplain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if explanation.Level != level || explanation.Source != source {
		t.Fatalf("explained %v because of %v; want %v because of %v", explanation.Level, explanation.Source, level, source)
	}
	if !strings.Contains(explanation.Reason, "(rule ") {
		t.Errorf("reason %q", explanation.Reason)
	}
	client, err := telemetry.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if client.Enabled() != (level != telemetry.ConsentOff) {
		t.Errorf("a client from the same config is enabled: %v, explained %v", client.Enabled(), level)
	}
	return explanation
}

func TestConsentExplainNamesTheRuleThatDecidesRowByRow(t *testing.T) {
	withConsentFile(t)
	for _, name := range []string{"DO_NOT_TRACK", "TELEMETRY_ENABLED", "TELEMETRY_APP"} {
		unsetenv(t, name)
	}
	// A closed loopback port: a client that does start never reaches a collector.
	const endpoint = "http://127.0.0.1:9/v1/events"
	explained(t, nil, telemetry.ConsentOff, telemetry.ConsentSourceDefault) // 5
	explained(t, &telemetry.Config{AppName: "mytool", Endpoint: endpoint}, telemetry.ConsentOff, telemetry.ConsentSourceDefault)
	host := &telemetry.Config{AppName: "mytool", Endpoint: endpoint, Enabled: true}
	explained(t, host, telemetry.ConsentOn, telemetry.ConsentSourceHost) // 4
	if err := telemetry.ConsentSet(telemetry.ConsentLocal, ""); err != nil {
		t.Fatal(err)
	}
	explained(t, host, telemetry.ConsentLocal, telemetry.ConsentSourceGlobalChoice) // 3, global
	if err := telemetry.ConsentSet(telemetry.ConsentOff, "mytool"); err != nil {
		t.Fatal(err)
	}
	off := explained(t, host, telemetry.ConsentOff, telemetry.ConsentSourceAppChoice) // 3, the app's
	if off.Reason != "the choice recorded for this application (rule 3)" {
		t.Errorf("reason %q", off.Reason)
	}
	t.Setenv("TELEMETRY_ENABLED", "1")
	explained(t, host, telemetry.ConsentOn, telemetry.ConsentSourceTelemetryEnabled) // 2
	t.Setenv("DO_NOT_TRACK", "1")
	explained(t, host, telemetry.ConsentOff, telemetry.ConsentSourceDoNotTrack) // 1
	unsetenv(t, "DO_NOT_TRACK")
	unsetenv(t, "TELEMETRY_ENABLED")
	// nil is the environment alone, where TELEMETRY_APP names the application.
	t.Setenv("TELEMETRY_APP", "mytool")
	explained(t, nil, telemetry.ConsentOff, telemetry.ConsentSourceAppChoice)
}

func TestConsentExplainReportsAnUnreadableChoiceAsOff(t *testing.T) {
	file := withConsentFile(t)
	if err := os.WriteFile(file, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	explanation, err := telemetry.ConsentExplain(&telemetry.Config{Enabled: true})
	if err != nil || explanation.Level != telemetry.ConsentOff || explanation.Source != telemetry.ConsentSourceUnreadableChoice {
		t.Fatalf("%+v, %v; want off because the file cannot be read", explanation, err)
	}
	if _, err := telemetry.ConsentExplain(&telemetry.Config{AppName: "not a name"}); !errors.Is(err, telemetry.ErrInvalidConfig) {
		t.Fatalf("a refused config: %v, want ErrInvalidConfig", err)
	}
}
