package telemetry_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

// The file the C ABI generated (tests/vectors.rs); the binding must reproduce it exactly.
var vectorsFile = filepath.Join("..", "..", "tests", "privacy", "vectors.json")

type anonymizerVector struct {
	Input               string `json:"input"`
	HashIdentifier      string `json:"hash_identifier"`
	AnonymizePath       string `json:"anonymize_path"`
	AnonymizeMessage    string `json:"anonymize_message"`
	AnonymizeStackTrace string `json:"anonymize_stack_trace"`
}

func TestAnonymizerMatchesSharedVectors(t *testing.T) {
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var document struct {
		Salt    string             `json:"salt"`
		Vectors []anonymizerVector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &document); err != nil {
		t.Fatalf("%s: %v", vectorsFile, err)
	}
	// An empty file would make every check below vacuous.
	if len(document.Vectors) == 0 {
		t.Fatalf("%s has no vectors", vectorsFile)
	}

	for _, vector := range document.Vectors {
		checks := []struct {
			name     string
			expected string
			scrub    func(string) (string, error)
		}{
			{"HashIdentifier", vector.HashIdentifier, func(input string) (string, error) {
				return telemetry.HashIdentifier(document.Salt, input)
			}},
			{"AnonymizePath", vector.AnonymizePath, telemetry.AnonymizePath},
			{"AnonymizeMessage", vector.AnonymizeMessage, telemetry.AnonymizeMessage},
			{"AnonymizeStackTrace", vector.AnonymizeStackTrace, telemetry.AnonymizeStackTrace},
		}
		for _, check := range checks {
			actual, err := check.scrub(vector.Input)
			if err != nil {
				t.Errorf("%s(%q): %v", check.name, vector.Input, err)
				continue
			}
			if actual != check.expected {
				t.Errorf("%s(%q):\n  expected %q\n  actual   %q", check.name, vector.Input, check.expected, actual)
			}
		}
	}
}
