// Command bench measures the cost of one TrackAgentUsage call from Go, disabled and enabled.
//
// It prints one JSON object per line on stdout (see benches/README.md); progress goes to
// stderr. Run it from bindings/go: go run ./cmd/bench [-quick]
//
// Method: a loop of calls is timed with time.Now/time.Since (Go's monotonic clock); its
// per-call figure is the loop time divided by the number of calls, and median_ns is the median
// over the repetitions (after one warm-up repetition that is not counted). The metadata map is
// built once, outside the loop. The loop's own cost (an empty loop of the same length) is
// reported as loop_ns and not subtracted.
//
// The enabled client is configured from the environment: TELEMETRY_OUTPUT=file:<path under
// /tmp> is local-only mode, so nothing goes to the network. Between repetitions (not timed) it
// is flushed and the file emptied, and the queue holds a whole repetition, so every event is
// really written and none is displaced.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

const (
	agentID   = "agent-42"
	operation = "summarize"
	method    = "time.Now/time.Since around a loop of calls; per-call = loop time / calls; median over " +
		"repetitions; metadata map built outside the loop; loop_ns (empty loop) not subtracted"
	repetitions = 7
)

var metadata = map[string]any{"duration_ms": 87, "success": true}

type result struct {
	Name        string  `json:"name"`
	Lang        string  `json:"lang"`
	MedianNs    float64 `json:"median_ns"`
	MinNs       float64 `json:"min_ns"`
	Calls       int     `json:"calls"`
	Repetitions int     `json:"repetitions"`
	LoopNs      float64 `json:"loop_ns"`
	Method      string  `json:"method"`
}

func timedLoop(client *telemetry.Client, calls int) time.Duration {
	start := time.Now()
	for range calls {
		if err := client.TrackAgentUsage(agentID, operation, metadata); err != nil {
			log.Fatalf("bench: TrackAgentUsage: %v", err)
		}
	}
	return time.Since(start)
}

// sink keeps the empty loop from being optimized away.
var sink int

func emptyLoop(calls int) time.Duration {
	start := time.Now()
	for i := range calls {
		sink ^= i
	}
	return time.Since(start)
}

func perCall(elapsed time.Duration, calls int) float64 {
	return float64(elapsed.Nanoseconds()) / float64(calls)
}

func round2(value float64) float64 {
	return math.Round(value*100) / 100
}

func measure(name string, client *telemetry.Client, calls int, between func()) {
	timedLoop(client, calls) // warm-up
	between()
	figures := make([]float64, 0, repetitions)
	for range repetitions {
		figures = append(figures, perCall(timedLoop(client, calls), calls))
		between()
	}
	slices.Sort(figures)
	loop := min(emptyLoop(calls), emptyLoop(calls), emptyLoop(calls))
	line, err := json.Marshal(result{
		Name:        name,
		Lang:        "go",
		MedianNs:    round2(figures[len(figures)/2]),
		MinNs:       round2(figures[0]),
		Calls:       calls * repetitions,
		Repetitions: repetitions,
		LoopNs:      round2(perCall(loop, calls)),
		Method:      method,
	})
	if err != nil {
		log.Fatalf("bench: %v", err)
	}
	fmt.Println(string(line))
}

func enabledClient(outputPath string, queueCapacity int) *telemetry.Client {
	os.Unsetenv("DO_NOT_TRACK")
	for name, value := range map[string]string{
		"TELEMETRY_ENABLED":        "1",
		"TELEMETRY_OUTPUT":         "file:" + outputPath,
		"TELEMETRY_SALT":           "bench-salt",
		"TELEMETRY_QUEUE_CAPACITY": strconv.Itoa(queueCapacity),
	} {
		if err := os.Setenv(name, value); err != nil {
			log.Fatalf("bench: %v", err)
		}
	}
	client, err := telemetry.NewClient(nil)
	if err != nil {
		log.Fatalf("bench: NewClient: %v", err)
	}
	if !client.Enabled() {
		log.Fatal("bench: the client from the environment is not enabled")
	}
	return client
}

func main() {
	quick := flag.Bool("quick", false, "run a tenth of the calls, for a smoke test")
	flag.Parse()
	scale := 1
	if *quick {
		scale = 10
	}
	fmt.Fprintf(os.Stderr, "bench: %s\n", runtime.Version())

	disabled, err := telemetry.NewClient(&telemetry.Config{})
	if err != nil {
		log.Fatalf("bench: NewClient: %v", err)
	}
	measure("go/track_agent_usage/disabled", disabled, 10_000_000/scale, func() {})
	disabled.Close()

	calls := 50_000 / scale
	outputPath := fmt.Sprintf("/tmp/mt-bench-go-%d.jsonl", os.Getpid())
	defer os.Remove(outputPath)
	client := enabledClient(outputPath, 2*calls)
	defer client.Close()
	drain := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := client.Flush(ctx); err != nil {
			log.Fatalf("bench: Flush: %v", err)
		}
		if err := os.Truncate(outputPath, 0); err != nil {
			log.Fatalf("bench: %v", err)
		}
	}
	measure("go/track_agent_usage/enabled_metadata", client, calls, drain)
	if stats := client.Stats(); stats.Dropped != 0 || stats.Failed != 0 || stats.Sent != stats.Enqueued {
		log.Fatalf("bench: events were lost: %+v", stats)
	}
}
