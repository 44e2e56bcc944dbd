package telemetry_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

func TestOutputFileWritesEachBatchAsAJSONLineAndSendsNothing(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	output := filepath.Join(t.TempDir(), "batches.jsonl")
	// The collector is the endpoint too: local-only mode must not reach it.
	cfg := enabledConfig(collector.url())
	cfg.OutputFile = output
	cfg.FlushInterval = time.Hour
	client := newClient(t, cfg)

	must(t, client.TrackAgentUsage("alice@example.com", "summarize", map[string]any{"duration_ms": 12, "prompt": "secret prompt"}))
	must(t, client.TrackError("DatabaseError", "alice@example.com could not reach postgres://admin:hunter2@db/x", "",
		map[string]any{"email": "alice@example.com"}))
	flush(t, client) // the first batch: both events
	must(t, client.TrackPerformance("latency", 12.5, "", map[string]any{"session_id": "s-1"}))
	flush(t, client) // the second: one event
	must(t, client.Close())

	contents, err := os.ReadFile(output)
	must(t, err)
	lines := strings.Split(strings.TrimSuffix(string(contents), "\n"), "\n")
	var events []map[string]any
	var sizes []int
	for _, line := range lines {
		var b batch
		if err := json.Unmarshal([]byte(line), &b); err != nil {
			t.Fatalf("a line of the output file is not a batch: %v\n%s", err, line)
		}
		if b.Version != "1.0" {
			t.Errorf("batch version = %q", b.Version)
		}
		sizes = append(sizes, len(b.Events))
		for _, event := range b.Events {
			events = append(events, withoutTimestamp(t, event))
		}
	}
	if !reflect.DeepEqual(sizes, []int{2, 1}) {
		t.Errorf("batch sizes = %v, want [2 1]: one line per flushed batch", sizes)
	}
	want := []map[string]any{
		{"event_type": "agent_usage", "agent_id_hash": sha256Hex("alice@example.com" + testSalt),
			"operation": "summarize", "metadata": map[string]any{"duration_ms": 12.0}},
		{"event_type": "error", "error_type": "DatabaseError",
			"error_message": "<email> could not reach postgres://<user>:<password>@db/x"},
		{"event_type": "performance", "metric_name": "latency", "value": 12.5, "unit": "ms",
			"tags": map[string]any{"session_id": sha256Hex("s-1" + testSalt)}},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events in the output file:\n got %v\nwant %v", events, want)
	}
	for _, secret := range []string{"alice", "hunter2", "secret prompt", testSalt} {
		if strings.Contains(string(contents), secret) {
			t.Errorf("the output file contains %q", secret)
		}
	}
	info, err := os.Stat(output)
	must(t, err)
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("output file mode = %o, want 600", mode)
	}
	if stats := client.Stats(); stats != (telemetry.Stats{Enqueued: 3, Sent: 3, BatchesSent: 2}) {
		t.Errorf("stats = %+v", stats)
	}
	time.Sleep(200 * time.Millisecond) // anything sent would have arrived by now
	if got := collector.received(); len(got) != 0 {
		t.Errorf("local-only mode sent %d requests to the endpoint", len(got))
	}
}

func TestCAFileMustHoldACertificate(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	must(t, os.WriteFile(caFile, selfSignedCA(t), 0o600))
	cfg := &telemetry.Config{Enabled: true, Endpoint: "https://telemetry.example.com/v1/events", Salt: testSalt, CAFile: caFile}
	client := newClient(t, cfg)
	if !client.Enabled() {
		t.Error("a client trusting a valid CA file is not enabled")
	}

	junk := filepath.Join(dir, "junk.pem")
	must(t, os.WriteFile(junk, []byte("not a certificate"), 0o600))
	for _, path := range []string{junk, filepath.Join(dir, "missing.pem")} {
		_, err := telemetry.NewClient(&telemetry.Config{CAFile: path})
		if !errors.Is(err, telemetry.ErrInvalidConfig) || !strings.Contains(err.Error(), "CAFile") {
			t.Errorf("CAFile %s: NewClient = %v, want ErrInvalidConfig naming CAFile", path, err)
		}
	}
}

func TestDebugLogsEachOutgoingBatch(t *testing.T) {
	for _, debug := range []bool{true, false} {
		var logs bytes.Buffer
		var logMu sync.Mutex
		output := filepath.Join(t.TempDir(), "batches.jsonl")
		client := newClient(t, &telemetry.Config{
			Enabled: true, Salt: testSalt, OutputFile: output, Debug: debug,
			Logger: slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		must(t, client.TrackAgentUsage("alice@example.com", "summarize", nil))
		flush(t, client)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		must(t, client.Shutdown(ctx))
		cancel()

		logMu.Lock()
		text := logs.String()
		logMu.Unlock()
		hash := sha256Hex("alice@example.com" + testSalt)
		logged := strings.Contains(text, "level=DEBUG") && strings.Contains(text, "outgoing batch") && strings.Contains(text, hash)
		if logged != debug {
			t.Errorf("Debug: %v: the Logger got %q", debug, text)
		}
	}
}

// selfSignedCA returns a CA certificate in PEM made for the test.
func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mt go test CA"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestTokenIsSentAsABearerHeaderAndNeverShown(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	cfg := enabledConfig(collector.url())
	cfg.Token = "ingest-7Hq.x"
	client := newClient(t, cfg)
	must(t, client.TrackAgentUsage("alice@example.com", "summarize", nil))
	flush(t, client)
	must(t, client.Close())
	requests := collector.received()
	if len(requests) != 1 || requests[0].authorization != "Bearer ingest-7Hq.x" {
		t.Fatalf("requests = %+v, want one with the bearer token", requests)
	}
	if bytes.Contains(requests[0].body, []byte("ingest-7Hq.x")) {
		t.Error("the token is in the batch body")
	}
	for _, bad := range []string{"has space", "line\nbreak"} {
		_, err := telemetry.NewClient(&telemetry.Config{Token: bad})
		if !errors.Is(err, telemetry.ErrInvalidConfig) || !strings.Contains(err.Error(), "Token") ||
			strings.Contains(err.Error(), bad) {
			t.Errorf("Token %q: NewClient = %v, want ErrInvalidConfig naming Token, not its value", bad, err)
		}
	}
}
