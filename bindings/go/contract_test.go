package telemetry_test

// This binding against bindings/contract.json: statuses handled as the contract says, every
// option a Config field, numeric ranges enforced, and the log callback (Config.Logger).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

type contractFile struct {
	Strings struct {
		NulByte     stringRule `json:"nul_byte"`
		InvalidUTF8 stringRule `json:"invalid_utf8"`
	} `json:"strings"`
	Statuses []struct {
		Name     string            `json:"name"`
		Value    int               `json:"value"`
		Message  string            `json:"message"`
		Policy   string            `json:"policy"`
		Bindings map[string]string `json:"bindings"`
	} `json:"statuses"`
	Options []struct {
		Setter string            `json:"setter"`
		Type   string            `json:"type"`
		Min    *float64          `json:"min"`
		Max    *float64          `json:"max"`
		Names  map[string]string `json:"names"`
	} `json:"options"`
}

type stringRule struct {
	Bindings map[string]string `json:"bindings"`
}

func readContract(t *testing.T) contractFile {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var contract contractFile
	if err := json.Unmarshal(text, &contract); err != nil {
		t.Fatal(err)
	}
	return contract
}

func TestEveryStatusIsHandledAsTheContractSays(t *testing.T) {
	sentinels := map[string]error{
		"ErrInvalidArgument": telemetry.ErrInvalidArgument,
		"ErrInvalidUTF8":     telemetry.ErrInvalidUTF8,
		"ErrInvalidJSON":     telemetry.ErrInvalidJSON,
		"ErrInvalidConfig":   telemetry.ErrInvalidConfig,
	}
	var logged bytes.Buffer
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	defer slog.SetDefault(previous)

	for _, status := range readContract(t).Statuses {
		logged.Reset()
		err, message := telemetry.StatusOf("call", status.Value)
		if message != status.Message {
			t.Errorf("%s: message %q, contract %q", status.Name, message, status.Message)
		}
		switch status.Policy {
		case "caller_mistake":
			sentinel, known := sentinels[status.Bindings["go"]]
			if !known || !errors.Is(err, sentinel) {
				t.Errorf("%s: %v, want %s", status.Name, err, status.Bindings["go"])
			}
		case "internal":
			if err != nil || !strings.Contains(logged.String(), status.Message) {
				t.Errorf("%s: returned %v and logged %q, want nil and a warning", status.Name, err, logged.String())
			}
		case "io":
			if !errors.Is(err, telemetry.ErrIO) || status.Bindings["go"] != "ErrIO" || logged.Len() != 0 {
				t.Errorf("%s: returned %v and logged %q, want ErrIO", status.Name, err, logged.String())
			}
		case "timeout":
			if !errors.Is(err, context.DeadlineExceeded) || logged.Len() != 0 {
				t.Errorf("%s: returned %v and logged %q, want context.DeadlineExceeded", status.Name, err, logged.String())
			}
		default: // ok, after_shutdown
			if err != nil || logged.Len() != 0 {
				t.Errorf("%s: returned %v and logged %q, want nothing", status.Name, err, logged.String())
			}
		}
	}
}

func TestEveryOptionIsAConfigField(t *testing.T) {
	fields := reflect.TypeOf(telemetry.Config{})
	for _, option := range readContract(t).Options {
		if _, ok := fields.FieldByName(option.Names["go"]); !ok {
			t.Errorf("Config has no field %s (%s)", option.Names["go"], option.Setter)
		}
	}
}

func TestNumericOptionsTakeTheContractRange(t *testing.T) {
	for _, option := range readContract(t).Options {
		if option.Min == nil {
			continue
		}
		name := option.Names["go"]
		step := 1.0
		if option.Type == "double" {
			step = 0.001
		}
		accepts := func(value float64) bool {
			// A zero field means "the default" in Go; a count whose range starts at 0 says 0
			// with its own constant (RetryAttempts: NoRetries, and any negative number).
			if value == 0 && name == "RetryAttempts" {
				value = telemetry.NoRetries
			}
			if value == 0 && (name == "SpoolMaxBytes" || name == "SpoolMaxAgeDays") {
				value = telemetry.NoSpool
			}
			config := telemetry.Config{}
			field := reflect.ValueOf(&config).Elem().FieldByName(name)
			switch field.Interface().(type) {
			case time.Duration:
				unit := time.Millisecond
				if name == "Timeout" {
					unit = time.Second
				}
				field.Set(reflect.ValueOf(time.Duration(value) * unit))
			case int:
				field.SetInt(int64(value))
			case float64:
				field.SetFloat(value)
			default:
				t.Fatalf("%s: unexpected field type %s", name, field.Type())
			}
			client, err := telemetry.NewClient(&config)
			if err == nil {
				client.Close()
				return true
			}
			if !errors.Is(err, telemetry.ErrInvalidConfig) {
				t.Errorf("%s=%v: %v, want ErrInvalidConfig", name, value, err)
			}
			return false
		}
		if !accepts(*option.Min) || !accepts(*option.Max) {
			t.Errorf("%s refuses a value of its range %v..%v", name, *option.Min, *option.Max)
		}
		if accepts(*option.Max + step) {
			t.Errorf("%s accepts %v, above its range", name, *option.Max+step)
		}
		// Below a range starting at 1 is 0, which a Go field reads as "the default": try -1.
		below := *option.Min - step
		if below == 0 {
			below = -1
		}
		if *option.Min > 0 && accepts(below) {
			t.Errorf("%s accepts %v, below its range", name, below)
		}
	}
}

// lockedBuffer is a log destination the sender thread and the test share.
type lockedBuffer struct {
	mu   sync.Mutex
	text bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.text.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.text.String()
}

func TestTheLogCallbackReceivesTheLibraryMessages(t *testing.T) {
	var logged lockedBuffer
	client := newClient(t, &telemetry.Config{
		Enabled:    true,
		OutputFile: filepath.Join(t.TempDir(), "out.jsonl"),
		Debug:      true,
		Logger:     slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	must(t, client.TrackAgentUsage("agent", "summarize", nil))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, client.Flush(ctx))
	if text := logged.String(); !strings.Contains(text, "level=DEBUG") || !strings.Contains(text, "summarize") {
		t.Errorf("the logger got %q, want the outgoing batch at debug level", text)
	}
}

func TestStringsFollowTheContract(t *testing.T) {
	rules := readContract(t).Strings
	sentinels := map[string]error{"ErrInvalidArgument": telemetry.ErrInvalidArgument, "ErrInvalidUTF8": telemetry.ErrInvalidUTF8}
	client := newClient(t, &telemetry.Config{Enabled: true, OutputFile: filepath.Join(t.TempDir(), "out.jsonl")})
	for text, rule := range map[string]stringRule{"agent\x00hidden": rules.NulByte, "agent \xff": rules.InvalidUTF8} {
		want := sentinels[rule.Bindings["go"]]
		if err := client.TrackAgentUsage(text, "run", nil); want == nil || !errors.Is(err, want) {
			t.Errorf("%q: %v, want %s", text, err, rule.Bindings["go"])
		}
	}
	if enqueued := client.Stats().Enqueued; enqueued != 0 {
		t.Errorf("refused strings were queued: %d", enqueued)
	}
}
