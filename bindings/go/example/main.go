// Command example tracks a few events with the client the environment describes. With
// TELEMETRY_ENABLED unset it sends nothing; see ../README.md to point it at a local collector.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

func main() {
	client, err := telemetry.NewClient(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	started := time.Now()
	// The email is hashed, the prompt is dropped: only allowlisted metadata leaves.
	check(client.TrackAgentUsage("alice@example.com", "summarize", map[string]any{
		"duration_ms": 12, "success": true, "prompt": "never sent",
	}))
	check(client.TrackPerformance("startup", float64(time.Since(started).Microseconds())/1000, "ms", map[string]any{"session_id": "s-1"}))
	check(client.TrackError("ValueError", "bad input in /home/alice/app/main.go", "", nil))
	check(client.TrackSystemInfo())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Flush(ctx); errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(os.Stderr, "collector is slow; the rest is sent on Close")
	}
	fmt.Printf("telemetry enabled: %v, stats: %+v\n", client.Enabled(), client.Stats())
}

// check reports a mistake in this program's own calls; telemetry never fails for network reasons.
func check(err error) {
	if err != nil {
		log.Print(err)
	}
}
