package telemetry_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

const testSalt = "test-salt"

func sha256Hex(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

func enabledConfig(endpoint string) *telemetry.Config {
	return &telemetry.Config{
		Enabled:       true,
		Endpoint:      endpoint,
		Salt:          testSalt,
		FlushInterval: 50 * time.Millisecond,
	}
}

func newClient(t *testing.T, cfg *telemetry.Config) *telemetry.Client {
	t.Helper()
	client, err := telemetry.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

func flush(t *testing.T, client *telemetry.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

func cargoVersion(t *testing.T) string {
	t.Helper()
	manifest, err := os.ReadFile("../../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile(`(?m)^version\s*=\s*"([^"]+)"`).FindSubmatch(manifest)
	if match == nil {
		t.Fatal("no version in Cargo.toml")
	}
	return string(match[1])
}

func uname(t *testing.T) (release, machine string) {
	t.Helper()
	var info syscall.Utsname
	if err := syscall.Uname(&info); err != nil {
		t.Fatal(err)
	}
	return utsString(info.Release[:]), utsString(info.Machine[:])
}

func utsString[T int8 | uint8](field []T) string {
	var text []byte
	for _, c := range field {
		if c == 0 {
			break
		}
		text = append(text, byte(c))
	}
	return string(text)
}

// withoutTimestamp checks an event's timestamp is a recent time and removes it, leaving what
// the test can compare exactly.
func withoutTimestamp(t *testing.T, event map[string]any) map[string]any {
	t.Helper()
	stamp, ok := event["timestamp"].(float64)
	if !ok || time.Since(time.Unix(0, int64(stamp*1e9))) > time.Minute {
		t.Errorf("event timestamp %v is not a recent Unix time", event["timestamp"])
	}
	delete(event, "timestamp")
	return event
}

func TestEventsArriveAnonymized(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	client := newClient(t, enabledConfig(collector.url()))
	if !client.Enabled() {
		t.Fatal("client with Enabled: true reports disabled")
	}

	must(t, client.TrackAgentUsage("alice@example.com", "chat", map[string]any{
		"duration_ms": 12, "prompt": "secret prompt", "nested": map[string]any{"a": 1},
	}))
	must(t, client.TrackError("DatabaseError",
		"connect to postgres://admin:hunter2@db/x failed for alice@example.com in /home/alice/project/app.py",
		"Traceback (most recent call last):\n  File \"/home/alice/project/app.py\", line 42, in main\n    connect()",
		map[string]any{"status_code": 500, "user_email": "alice@example.com"}))
	must(t, client.TrackPerformance("latency", 12.5, "", map[string]any{"session_id": "s-1", "model": "m"}))
	must(t, client.TrackSystemInfo())
	flush(t, client)

	release, machine := uname(t)
	want := map[string]map[string]any{
		"agent_usage": {
			"event_type":    "agent_usage",
			"agent_id_hash": sha256Hex("alice@example.com" + testSalt),
			"operation":     "chat",
			"metadata":      map[string]any{"duration_ms": 12.0},
		},
		"error": {
			"event_type":    "error",
			"error_type":    "DatabaseError",
			"error_message": "connect to postgres://<user>:<password>@db/x failed for <email> in <user>/project/app.py",
			"stack_trace":   "Traceback (most recent call last):\n  File \"<user>/project/app.py\", line 42, in main\n    connect()",
			"context":       map[string]any{"status_code": 500.0},
		},
		"performance": {
			"event_type":  "performance",
			"metric_name": "latency",
			"value":       12.5,
			"unit":        "ms",
			"tags":        map[string]any{"session_id": sha256Hex("s-1" + testSalt), "model": "m"},
		},
		"system_info": {
			"event_type":       "system_info",
			"platform":         "Linux",
			"platform_version": release,
			"arch":             machine,
			"library_version":  cargoVersion(t),
			"runtime":          runtime.Version(),
		},
	}
	events := collector.events(t)
	if len(events) != len(want) {
		t.Fatalf("collector got %d events, want %d: %v", len(events), len(want), events)
	}
	for _, event := range events {
		kind, _ := event["event_type"].(string)
		if got := withoutTimestamp(t, event); !reflect.DeepEqual(got, want[kind]) {
			t.Errorf("%s event:\n got %#v\nwant %#v", kind, got, want[kind])
		}
	}

	for _, request := range collector.received() {
		if request.method != http.MethodPost || request.path != "/v1/events" {
			t.Errorf("request %s %s, want POST /v1/events", request.method, request.path)
		}
		if request.contentType != "application/json" {
			t.Errorf("Content-Type = %q", request.contentType)
		}
		if want := "mycelium-telemetry/" + cargoVersion(t); request.userAgent != want {
			t.Errorf("User-Agent = %q, want %q", request.userAgent, want)
		}
		for _, secret := range []string{"alice", "hunter2", "secret prompt", "nested", testSalt} {
			if bytes.Contains(request.body, []byte(secret)) {
				t.Errorf("body contains %q: %s", secret, request.body)
			}
		}
	}

	stats := client.Stats()
	if stats.Enqueued != 4 || stats.Sent != 4 || stats.Dropped != 0 || stats.Failed != 0 || stats.BatchesSent < 1 {
		t.Errorf("stats = %+v, want 4 enqueued, 4 sent, none dropped or failed, at least one batch", stats)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestInvalidConfigNamesTheField(t *testing.T) {
	cases := map[string]telemetry.Config{
		"Timeout":       {Timeout: 45 * time.Second},
		"BatchSize":     {BatchSize: 5000},
		"Endpoint":      {Endpoint: "http://example.com/v1/events"},
		"RetryBackoff":  {RetryBackoff: math.NaN()},
		"QueueCapacity": {QueueCapacity: -1},
		"FlushInterval": {FlushInterval: 5 * time.Millisecond},
		"RetryAttempts": {RetryAttempts: 11},
		"Salt":          {Salt: "nul\x00byte"},
	}
	cases["Timeout "] = telemetry.Config{Timeout: 1500 * time.Millisecond}
	// Would wrap around to 4 if converted to uint32 unchecked.
	cases["BatchSize "] = telemetry.Config{BatchSize: 1<<32 + 4}
	for field, cfg := range cases {
		cfg.Enabled = true
		client, err := telemetry.NewClient(&cfg)
		if err == nil {
			client.Close()
			t.Errorf("%s: NewClient accepted %+v", field, cfg)
			continue
		}
		wantErr := telemetry.ErrInvalidConfig
		if field == "Salt" {
			wantErr = telemetry.ErrInvalidArgument
		}
		if !errors.Is(err, wantErr) || !strings.Contains(err.Error(), strings.TrimSpace(field)) {
			t.Errorf("%s: error %q does not match %v naming the field", field, err, wantErr)
		}
	}
}

func TestCallerMistakesAreErrorsAndQueueNothing(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	client := newClient(t, enabledConfig(collector.url()))

	checks := []struct {
		name string
		err  error
		want error
	}{
		{"NaN metric", client.TrackPerformance("latency", math.NaN(), "", nil), telemetry.ErrInvalidArgument},
		{"infinite metric", client.TrackPerformance("latency", math.Inf(1), "", nil), telemetry.ErrInvalidArgument},
		{"channel in metadata", client.TrackAgentUsage("a", "op", map[string]any{"c": make(chan int)}), telemetry.ErrInvalidJSON},
		{"NaN in tags", client.TrackPerformance("latency", 1, "", map[string]any{"x": math.NaN()}), telemetry.ErrInvalidJSON},
		{"func in context", client.TrackError("E", "m", "", map[string]any{"f": func() {}}), telemetry.ErrInvalidJSON},
		{"NUL in agent id", client.TrackAgentUsage("al\x00ice", "op", nil), telemetry.ErrInvalidArgument},
		{"NUL in stack trace", client.TrackError("E", "m", "tr\x00ace", nil), telemetry.ErrInvalidArgument},
		{"invalid UTF-8 operation", client.TrackAgentUsage("a", "op\xff", nil), telemetry.ErrInvalidUTF8},
		{"invalid UTF-8 metric", client.TrackPerformance("lat\xfe", 1, "", nil), telemetry.ErrInvalidUTF8},
	}
	for _, check := range checks {
		if !errors.Is(check.err, check.want) {
			t.Errorf("%s: got %v, want %v", check.name, check.err, check.want)
		}
	}
	flush(t, client)
	if stats := client.Stats(); stats != (telemetry.Stats{}) {
		t.Errorf("refused calls changed stats: %+v", stats)
	}
	if got := collector.received(); len(got) != 0 {
		t.Errorf("refused calls sent %d requests", len(got))
	}
}

func TestClosedClientRefusesCalls(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	enabled := newClient(t, enabledConfig(collector.url()))
	disabled := newClient(t, &telemetry.Config{})

	must(t, enabled.TrackAgentUsage("bob", "op", nil))
	must(t, enabled.Close())
	if events := collector.events(t); len(events) != 1 {
		t.Errorf("Close sent %d events, want the 1 still queued", len(events))
	}
	if stats := enabled.Stats(); stats != (telemetry.Stats{Enqueued: 1, Sent: 1, BatchesSent: 1}) {
		t.Errorf("stats after Close = %+v, want the final counters: 1 enqueued and sent", stats)
	}
	must(t, disabled.Close())

	for name, client := range map[string]*telemetry.Client{"enabled": enabled, "disabled": disabled} {
		calls := map[string]error{
			"TrackAgentUsage":  client.TrackAgentUsage("a", "op", nil),
			"TrackPerformance": client.TrackPerformance("m", 1, "", nil),
			"TrackError":       client.TrackError("E", "m", "", nil),
			"TrackSystemInfo":  client.TrackSystemInfo(),
			"Flush":            client.Flush(context.Background()),
		}
		for call, err := range calls {
			if err != nil {
				t.Errorf("%s client: %s after Close = %v, want nil (it does nothing)", name, call, err)
			}
		}
		if stats := client.Stats(); stats.Enqueued > 1 {
			t.Errorf("%s client: calls after Close were counted: %+v", name, stats)
		}
		if client.Enabled() {
			t.Errorf("%s client reports enabled after Close", name)
		}
		if err := client.Close(); err != nil {
			t.Errorf("%s client: second Close = %v", name, err)
		}
	}
}

// Close does not wait for calls on other goroutines: each of them either queued its event or
// did nothing, none fails, and the client stays usable for them (the race detector watches).
func TestCloseWhileOtherGoroutinesTrack(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	client := newClient(t, enabledConfig(collector.url()))

	var wg sync.WaitGroup
	errs := make(chan error, 4*200)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				errs <- client.TrackPerformance("op", float64(i), "ms", map[string]any{"user": "u"})
			}
		}()
	}
	time.Sleep(time.Millisecond)
	must(t, client.Close())
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("racing Close: %v", err)
		}
	}
	stats := client.Stats()
	if stats.Enqueued > 4*200 {
		t.Errorf("stats say %d enqueued, more than the %d calls made", stats.Enqueued, 4*200)
	}
	must(t, client.TrackPerformance("late", 1, "ms", nil))
	if late := client.Stats(); late.Enqueued != stats.Enqueued {
		t.Errorf("a call after Close was counted: %d, then %d enqueued", stats.Enqueued, late.Enqueued)
	}
	if received := len(collector.events(t)); stats.Sent != uint64(received) {
		t.Errorf("stats say %d sent, the collector received %d", stats.Sent, received)
	}
}

func TestADroppedClientIsClosedAndFreed(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	func() {
		cfg := enabledConfig(collector.url())
		cfg.FlushInterval = time.Hour
		client, err := telemetry.NewClient(cfg)
		must(t, err)
		must(t, client.TrackAgentUsage("agent-1", "forgotten", nil))
	}()
	// The cleanup closes the unreachable client, which sends what it held back.
	for deadline := time.Now().Add(10 * time.Second); len(collector.received()) == 0 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if events := collector.events(t); len(events) != 1 || events[0]["operation"] != "forgotten" {
		t.Errorf("a client dropped without Close sent %v, want its one queued event", events)
	}
}

func TestNetworkTroubleIsNeverAnError(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, nil))

	refusing := startCollector(t, http.StatusBadRequest)
	cfg := enabledConfig(refusing.url())
	cfg.Logger = logger
	client := newClient(t, cfg)
	must(t, client.TrackSystemInfo())
	flush(t, client)
	if stats := client.Stats(); stats.Failed != 1 || stats.Sent != 0 {
		t.Errorf("refused batch: stats = %+v, want 1 failed", stats)
	}
	logMu.Lock()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "HTTP 400") {
		t.Errorf("Logger did not get the refusal warning: %q", logs.String())
	}
	logMu.Unlock()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	closedPort := "http://" + listener.Addr().String() + "/v1/events"
	listener.Close()
	cfg = enabledConfig(closedPort)
	cfg.RetryAttempts = telemetry.NoRetries
	unreachable := newClient(t, cfg)
	must(t, unreachable.TrackAgentUsage("a", "op", nil))
	flush(t, unreachable)
	if stats := unreachable.Stats(); stats.Failed != 1 || stats.Retries != 0 {
		t.Errorf("unreachable collector: stats = %+v, want 1 failed without retries", stats)
	}
}

type lockedWriter struct {
	buffer *bytes.Buffer
	mu     *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buffer.Write(p)
}

func TestFlushTimeoutIsTheContextError(t *testing.T) {
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(release) })

	cfg := enabledConfig(hanging.URL + "/v1/events")
	cfg.Timeout = time.Second
	client := newClient(t, cfg)
	must(t, client.TrackSystemInfo())

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := client.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Flush against a hanging collector = %v, want context.DeadlineExceeded", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := client.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Flush = %v, want context.Canceled", err)
	}

	started := time.Now()
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	must(t, client.Shutdown(ctx))
	if elapsed := time.Since(started); elapsed > 2*time.Second {
		t.Errorf("Shutdown took %v against a hanging collector, bounded by 300ms", elapsed)
	}
}

func TestAnonymizers(t *testing.T) {
	hash, err := telemetry.HashIdentifier("pepper", "alice@example.com")
	must(t, err)
	if want := sha256Hex("alice@example.com" + "pepper"); hash != want {
		t.Errorf("HashIdentifier = %s, want %s", hash, want)
	}
	scrubbers := []struct {
		name     string
		scrub    func(string) (string, error)
		in, want string
	}{
		{"AnonymizePath", telemetry.AnonymizePath, "/home/alice/project/app.py", "<user>/project/app.py"},
		{"AnonymizePath", telemetry.AnonymizePath, `C:\Users\alice\Documents\code.py`, "<user>/Documents/code.py"},
		{"AnonymizePath", telemetry.AnonymizePath, "/opt/company/team/app/main.py", "team/app/main.py"},
		{"AnonymizeMessage", telemetry.AnonymizeMessage,
			"mail alice@example.com about postgres://admin:hunter2@db/x and /home/alice/notes.txt",
			"mail <email> about postgres://<user>:<password>@db/x and <user>/notes.txt"},
		{"AnonymizeStackTrace", telemetry.AnonymizeStackTrace,
			"  File \"/home/alice/project/app.py\", line 42, in main",
			"  File \"<user>/project/app.py\", line 42, in main"},
	}
	for _, s := range scrubbers {
		got, err := s.scrub(s.in)
		if err != nil || got != s.want {
			t.Errorf("%s(%q) = %q, %v; want %q", s.name, s.in, got, err, s.want)
		}
		if _, err := s.scrub("bad\xff"); !errors.Is(err, telemetry.ErrInvalidUTF8) {
			t.Errorf("%s(invalid UTF-8) error = %v, want ErrInvalidUTF8", s.name, err)
		}
		if _, err := s.scrub("a\x00b"); !errors.Is(err, telemetry.ErrInvalidArgument) {
			t.Errorf("%s(NUL) error = %v, want ErrInvalidArgument", s.name, err)
		}
	}
	if _, err := telemetry.HashIdentifier("salt", "\xff"); !errors.Is(err, telemetry.ErrInvalidUTF8) {
		t.Errorf("HashIdentifier(invalid UTF-8) error = %v", err)
	}
}

func TestVersionMatchesCargo(t *testing.T) {
	if got, want := telemetry.Version(), cargoVersion(t); got != want {
		t.Errorf("Version() = %q, Cargo.toml says %q", got, want)
	}
}

// isTelemetryVariable says whether name can turn telemetry on or off or shape it.
func isTelemetryVariable(name string) bool {
	return strings.HasPrefix(name, "TELEMETRY_") || name == "DO_NOT_TRACK"
}

// clearTelemetryEnv unsets every TELEMETRY_* variable and DO_NOT_TRACK for the rest of the
// test; t.Setenv restores them afterwards.
func clearTelemetryEnv(t *testing.T) {
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		if isTelemetryVariable(name) {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

func TestDisabledByDefaultSendsNothing(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	clearTelemetryEnv(t)

	fromNil := newClient(t, nil)
	fromEnv := newClient(t, telemetry.ConfigFromEnv())
	// The collector is configured but the user never said yes, or said no with DO_NOT_TRACK.
	t.Setenv("TELEMETRY_ENDPOINT", collector.url())
	t.Setenv("TELEMETRY_FLUSH_INTERVAL_MS", "10")
	endpointOnly := newClient(t, nil)
	t.Setenv("TELEMETRY_ENABLED", "1")
	t.Setenv("DO_NOT_TRACK", "1")
	doNotTrack := newClient(t, telemetry.ConfigFromEnv())
	explicitOff := newClient(t, &telemetry.Config{Endpoint: collector.url(), FlushInterval: 10 * time.Millisecond})

	for name, client := range map[string]*telemetry.Client{
		"NewClient(nil)": fromNil, "ConfigFromEnv": fromEnv, "endpoint only": endpointOnly,
		"DO_NOT_TRACK": doNotTrack, "Config{}": explicitOff,
	} {
		if client.Enabled() {
			t.Errorf("%s: client reports enabled", name)
		}
		// A disabled client does not even look at its arguments.
		for _, err := range []error{
			client.TrackAgentUsage("alice@example.com", "op", map[string]any{"c": make(chan int)}),
			client.TrackPerformance("m", math.NaN(), "", nil),
			client.TrackError("E", "alice@example.com", "", nil),
			client.TrackSystemInfo(),
			client.Flush(context.Background()),
		} {
			if err != nil {
				t.Errorf("%s: disabled client returned %v", name, err)
			}
		}
		if stats := client.Stats(); stats != (telemetry.Stats{}) {
			t.Errorf("%s: stats = %+v, want zero", name, stats)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if got := collector.received(); len(got) != 0 {
		t.Errorf("disabled clients sent %d requests", len(got))
	}
}

func TestDisabledClientDoesNotSerialize(t *testing.T) {
	client := newClient(t, &telemetry.Config{})
	metadata := map[string]any{"duration_ms": 12, "success": true, "nested": map[string]any{"a": 1}}
	allocs := testing.AllocsPerRun(100, func() {
		_ = client.TrackAgentUsage("alice@example.com", "op", metadata)
		_ = client.TrackPerformance("m", 1, "ms", metadata)
		_ = client.TrackError("E", "m", "trace", metadata)
	})
	if allocs != 0 {
		t.Errorf("disabled Track calls allocated %v times per run; they must return before encoding", allocs)
	}
}

// The global client is configured once per process, so each scenario runs in a child process
// (see TestMain) with exactly the environment it needs.
const helperEnv = "MYCELIUM_GO_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "global":
		os.Exit(globalClientScenario())
	case "spool-track", "spool-replay":
		os.Exit(spoolScenario(os.Getenv(helperEnv)))
	default:
		os.Exit(2)
	}
}

func runHelper(t *testing.T, scenario string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, entry := range os.Environ() {
		if name, _, _ := strings.Cut(entry, "="); !isTelemetryVariable(name) {
			cmd.Env = append(cmd.Env, entry)
		}
	}
	cmd.Env = append(cmd.Env, append(env, helperEnv+"="+scenario)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s scenario failed: %v\n%s", scenario, err, out)
	}
	return string(out)
}

// globalClientScenario prints what it saw; the parent test asserts on it and on the collector.
func globalClientScenario() int {
	global := telemetry.Global()
	if global != telemetry.Global() {
		os.Stdout.WriteString("Global returned different clients\n")
		return 1
	}
	results := []string{
		"enabled=" + boolString(global.Enabled()),
		"track=" + errString(global.TrackAgentUsage("alice@example.com", "global-op", map[string]any{"success": true})),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	results = append(results, "flush="+errString(global.Flush(ctx)))
	telemetry.ShutdownGlobal(2 * time.Second)
	results = append(results,
		"after-shutdown-track="+errString(global.TrackSystemInfo()),
		"after-shutdown-flush="+errString(global.Flush(ctx)),
		"after-shutdown-enabled="+boolString(global.Enabled()),
	)
	os.Stdout.WriteString(strings.Join(results, "\n") + "\n")
	return 0
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func errString(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, telemetry.ErrShutDown):
		return "ErrShutDown"
	default:
		return err.Error()
	}
}

func TestGlobalClient(t *testing.T) {
	t.Run("enabled from the environment", func(t *testing.T) {
		collector := startCollector(t, http.StatusOK)
		out := runHelper(t, "global",
			"TELEMETRY_ENABLED=yes",
			"TELEMETRY_ENDPOINT="+collector.url(),
			"TELEMETRY_SALT=global-salt",
			"TELEMETRY_FLUSH_INTERVAL_MS=50")
		want := "enabled=true\ntrack=ok\nflush=ok\nafter-shutdown-track=ok\nafter-shutdown-flush=ok\nafter-shutdown-enabled=false\n"
		if out != want {
			t.Errorf("global client scenario printed:\n%s\nwant:\n%s", out, want)
		}
		events := collector.events(t)
		if len(events) != 1 {
			t.Fatalf("collector got %v, want the one agent_usage event", events)
		}
		got := withoutTimestamp(t, events[0])
		wantEvent := map[string]any{
			"event_type":    "agent_usage",
			"agent_id_hash": sha256Hex("alice@example.com" + "global-salt"),
			"operation":     "global-op",
			"metadata":      map[string]any{"success": true},
		}
		if !reflect.DeepEqual(got, wantEvent) {
			t.Errorf("global event = %#v, want %#v", got, wantEvent)
		}
	})
	t.Run("disabled with nothing set", func(t *testing.T) {
		out := runHelper(t, "global")
		want := "enabled=false\ntrack=ok\nflush=ok\nafter-shutdown-track=ok\nafter-shutdown-flush=ok\nafter-shutdown-enabled=false\n"
		if out != want {
			t.Errorf("disabled global client scenario printed:\n%s\nwant:\n%s", out, want)
		}
	})
}
