package telemetry_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// storedCollector is the reference collector (collector/, the program mycelium-collector) with
// in-memory SQLite and --print-stored, for tests that only check what arrived: each batch it
// stored is one JSON line on its standard output, printed before it answers, so after a flush it
// is already in the pipe. It does not record requests (headers, hangs): fault tests use collector.
type storedCollector struct {
	endpoint string
	stdout   *os.File
	pending  []byte
	batches  []batch
}

func referenceCollectorProgram() string {
	if program := os.Getenv("MYCELIUM_REFERENCE_COLLECTOR"); program != "" {
		return program
	}
	return filepath.Join("..", "..", "target", "reference_collector", "debug", "mycelium-collector")
}

func startStoredCollector(t *testing.T) *storedCollector {
	t.Helper()
	program := referenceCollectorProgram()
	if _, err := os.Stat(program); err != nil {
		t.Fatalf("%s is missing: build it with build_reference_collector from .ci/lib.sh (test.sh does) or name it in MYCELIUM_REFERENCE_COLLECTOR", program)
	}
	// No rate limits: a test may send many batches at once from one address.
	cmd := exec.Command(program, "--listen", "127.0.0.1:0", "--storage", "sqlite::memory:", "--print-stored",
		"--rate-per-address", "0", "--rate-per-token", "0")
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = writer
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	writer.Close()
	c := &storedCollector{stdout: reader}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		reader.Close()
	})
	deadline := time.Now().Add(time.Minute)
	for c.endpoint == "" {
		if time.Now().After(deadline) {
			t.Fatal("mycelium-collector did not say where it listens")
		}
		for _, line := range c.read(100 * time.Millisecond) {
			_, origin, found := strings.Cut(line, "listening on ")
			if !found {
				t.Fatalf("mycelium-collector: unexpected first line %q", line)
			}
			c.endpoint = origin + "/v1/events"
		}
	}
	return c
}

// read returns the whole lines printed within wait (a pipe's read deadline).
func (c *storedCollector) read(wait time.Duration) []string {
	c.stdout.SetReadDeadline(time.Now().Add(wait))
	chunk := make([]byte, 1<<16)
	n, _ := c.stdout.Read(chunk)
	c.pending = append(c.pending, chunk[:n]...)
	var lines []string
	for {
		end := bytes.IndexByte(c.pending, '\n')
		if end < 0 {
			return lines
		}
		lines = append(lines, string(c.pending[:end]))
		c.pending = c.pending[end+1:]
	}
}

func (c *storedCollector) url() string { return c.endpoint }

// events decodes every batch stored so far.
func (c *storedCollector) events(t *testing.T) []map[string]any {
	t.Helper()
	for {
		lines := c.read(10 * time.Millisecond)
		if len(lines) == 0 && len(c.pending) == 0 {
			break
		}
		for _, line := range lines {
			var b batch
			if err := json.Unmarshal([]byte(line), &b); err != nil {
				t.Fatalf("mycelium-collector printed a line that is not a batch: %v\n%s", err, line)
			}
			c.batches = append(c.batches, b)
		}
	}
	var all []map[string]any
	for _, b := range c.batches {
		all = append(all, b.Events...)
	}
	return all
}
