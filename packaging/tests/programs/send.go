// Built in a temporary module that requires only the Go binding, linked through pkg-config:
// one event of each type, from TELEMETRY_*.
package main

import (
	"errors"
	"fmt"
	"os"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

func main() {
	client, err := telemetry.NewClient(nil)
	if err != nil || !client.Enabled() {
		fmt.Fprintln(os.Stderr, "no enabled client:", err)
		os.Exit(1)
	}
	failed := errors.Join(
		client.TrackAgentUsage("agent-7", "clean-install-go", map[string]any{"duration_ms": 41}),
		client.TrackPerformance("latency", 12.5, "ms", nil),
		client.TrackError("*fs.PathError", "open /home/alice/x: no such file or directory", "", nil),
		client.TrackSystemInfo(),
		client.Close(),
	)
	if failed != nil {
		fmt.Fprintln(os.Stderr, failed)
		os.Exit(1)
	}
	fmt.Println(telemetry.Version())
}
