package telemetry_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

// spoolScenario runs in a child process (see TestMain): "spool-track" tracks 10 events and
// exits with CloseNow; "spool-replay" waits until the spool's 10 events were replayed. Both
// print their Stats as JSON.
func spoolScenario(mode string) int {
	client, err := telemetry.NewClient(&telemetry.Config{
		Enabled: true, Endpoint: os.Getenv("MT_GO_SPOOL_ENDPOINT"), Salt: testSalt, AppName: "gospool",
		SpoolMaxBytes: 1_000_000, SpoolMaxAgeDays: 7,
	})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	if mode == "spool-track" {
		for index := 0; index < 10; index++ {
			if err := client.TrackAgentUsage("agent", fmt.Sprintf("op-%d", index), nil); err != nil {
				fmt.Println(err)
				return 1
			}
		}
		client.CloseNow()
	} else {
		deadline := time.Now().Add(15 * time.Second)
		for client.Stats().Replayed < 10 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		client.Close()
	}
	out, _ := json.Marshal(client.Stats())
	fmt.Println(string(out))
	return 0
}

func TestCloseNowSpoolsAndTheNextRunSendsEachBatchOnce(t *testing.T) {
	home := t.TempDir()
	collector := startCollector(t, 200)
	var stopped map[string]any
	must(t, collector.command("stop", &stopped))
	env := []string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "MT_GO_SPOOL_ENDPOINT=" + collector.url()}
	var first, second telemetry.Stats
	must(t, json.Unmarshal([]byte(lastLine(runHelper(t, "spool-track", env...))), &first))
	if first.Spooled != 10 || first.Sent != 0 || first.Failed != 0 {
		t.Fatalf("after CloseNow: %+v, want 10 spooled", first)
	}
	spooled, _ := filepath.Glob(filepath.Join(home, "state", "mycelium", "telemetry", "spool", "gospool", "*.json"))
	if len(spooled) != 1 {
		t.Fatalf("spool files: %v", spooled)
	}
	must(t, collector.command("restart", &stopped))
	must(t, json.Unmarshal([]byte(lastLine(runHelper(t, "spool-replay", env...))), &second))
	if second.Replayed != 10 {
		t.Fatalf("the next run: %+v, want 10 replayed", second)
	}
	var answer struct {
		Batches map[string]struct{ Accepted, Events int } `json:"batches"`
	}
	must(t, collector.command("batches", &answer))
	if len(answer.Batches) != 1 {
		t.Fatalf("batches stored: %+v, want one", answer.Batches)
	}
	for id, batch := range answer.Batches {
		if batch.Accepted != 1 || batch.Events != 10 {
			t.Errorf("batch %s: %+v, want accepted once with 10 events", id, batch)
		}
	}
}

// lastLine is what a helper printed last (warnings, if any, come before on stderr).
func lastLine(output string) string {
	lines := strings.Split(strings.TrimSpace(output), "\n")
	return lines[len(lines)-1]
}
