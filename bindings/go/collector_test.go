package telemetry_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// received is one POST as the collector saw it.
type received struct {
	method, path, contentType, userAgent string
	body                                 []byte
}

// collector is a real HTTP server on 127.0.0.1 that records every request and answers status.
type collector struct {
	server   *httptest.Server
	status   int
	mu       sync.Mutex
	requests []received
}

func startCollector(t *testing.T, status int) *collector {
	t.Helper()
	c := &collector{status: status}
	c.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.requests = append(c.requests, received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), body})
		c.mu.Unlock()
		w.WriteHeader(c.status)
	}))
	t.Cleanup(c.server.Close)
	return c
}

func (c *collector) url() string { return c.server.URL + "/v1/events" }

func (c *collector) received() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.requests...)
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

// waitFor polls until the collector has at least n requests or the timeout passes.
func (c *collector) waitFor(n int, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if len(c.received()) >= n {
			return true
		}
	}
	return false
}
