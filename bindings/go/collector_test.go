package telemetry_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// received is one POST as the collector saw it.
type received struct {
	method, path, contentType, userAgent, authorization string
	body                                                []byte
}

// collector is the repository's one test collector (tests/tools/fault_collector), started as a
// program: a real HTTP server on 127.0.0.1 that records every request and answers status.
type collector struct {
	endpoint string
	mu       sync.Mutex // one command at a time on the pipes
	input    io.WriteCloser
	output   *bufio.Reader
}

func faultCollectorProgram() string {
	if program := os.Getenv("MYCELIUM_FAULT_COLLECTOR"); program != "" {
		return program
	}
	return filepath.Join("..", "..", "target", "fault_collector", "release", "fault_collector")
}

func startCollector(t *testing.T, status int, script ...string) *collector {
	t.Helper()
	program := faultCollectorProgram()
	if _, err := os.Stat(program); err != nil {
		t.Fatalf("%s is missing: build it with build_fault_collector from .ci/lib.sh (test.sh does) or name it in MYCELIUM_FAULT_COLLECTOR", program)
	}
	cmd := exec.Command(program, append([]string{"--default", fmt.Sprint(status)}, script...)...)
	input, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	output, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &collector{input: input, output: bufio.NewReader(output)}
	t.Cleanup(func() {
		io.WriteString(c.input, "quit\n")
		c.input.Close()
		cmd.Wait()
	})
	var ready struct {
		URL string `json:"url"`
	}
	if err := c.read(&ready); err != nil {
		t.Fatal(err)
	}
	c.endpoint = ready.URL
	return c
}

func (c *collector) read(answer any) error {
	line, err := c.output.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("fault_collector: %w", err)
	}
	return json.Unmarshal(line, answer)
}

// command sends one fault_collector command and decodes its one-line answer.
func (c *collector) command(line string, answer any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := io.WriteString(c.input, line+"\n"); err != nil {
		return err
	}
	return c.read(answer)
}

func (c *collector) url() string { return c.endpoint }

func (c *collector) received() []received {
	var answer struct {
		Requests []struct {
			Method  string            `json:"method"`
			Path    string            `json:"path"`
			Headers map[string]string `json:"headers"`
			Body    string            `json:"body"`
		} `json:"requests"`
	}
	if err := c.command("requests", &answer); err != nil {
		panic(err) // the collector is gone: no test can go on
	}
	var all []received
	for _, r := range answer.Requests {
		all = append(all, received{r.Method, r.Path, r.Headers["content-type"], r.Headers["user-agent"],
			r.Headers["authorization"], []byte(r.Body)})
	}
	return all
}

// batch is a request body as the wire format describes it.
type batch struct {
	Version   string           `json:"version"`
	Timestamp float64          `json:"timestamp"`
	Events    []map[string]any `json:"events"`
}

// events decodes every batch received so far, checking the envelope of each.
func (c *collector) events(t *testing.T) []map[string]any {
	t.Helper()
	var all []map[string]any
	for _, request := range c.received() {
		var b batch
		if err := json.Unmarshal(request.body, &b); err != nil {
			t.Fatalf("collector got a body that is not a batch: %v\n%s", err, request.body)
		}
		if b.Version != "1.0" {
			t.Errorf("batch version = %q, want 1.0", b.Version)
		}
		if age := time.Since(time.Unix(0, int64(b.Timestamp*1e9))); age < 0 || age > time.Minute {
			t.Errorf("batch timestamp %v is not now", b.Timestamp)
		}
		all = append(all, b.Events...)
	}
	return all
}

// waitFor waits until the collector has at least n requests or the timeout passes.
func (c *collector) waitFor(n int, timeout time.Duration) bool {
	var answer struct {
		OK bool `json:"ok"`
	}
	return c.command(fmt.Sprintf("wait %d %d", n, timeout.Milliseconds()), &answer) == nil && answer.OK
}
