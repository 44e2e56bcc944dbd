package telemetry_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	telemetry "github.com/mycelium-telemetry/mycelium-telemetry/bindings/go"
)

// Typed metadata keys and error detail levels, checked on what the loopback collector receives.

const goTrace = "panic: bad input from alice@example.com\n\ngoroutine 1 [running]:\n" +
	"main.handler(0xc000012345)\n\t/home/alice/go/src/app/handler.go:42 +0x1d"

func TestTypedKeysKeepRightTypedValuesAndDropTheRest(t *testing.T) {
	collector := startStoredCollector(t)
	cfg := enabledConfig(collector.url())
	cfg.MetadataFields = map[string]telemetry.ValueType{
		"output_count": telemetry.ValueNonNegativeInteger,
		"streamed":     telemetry.ValueBoolean,
		"model":        telemetry.ValueAny,
	}
	client := newClient(t, cfg)
	must(t, client.TrackAgentUsage("a", "right", map[string]any{
		"output_count": 7, "streamed": true, "model": "m by alice@example.com", "status_code": 201,
	}))
	must(t, client.TrackAgentUsage("a", "wrong", map[string]any{
		"output_count": "7", "streamed": 1, "duration_ms": "41 ms for alice", "status_code": 42,
	}))
	must(t, client.TrackError("E", "m", "", map[string]any{"status_code": 503, "success": "yes"}))
	flush(t, client)
	events := collector.events(t)
	if len(events) != 3 {
		t.Fatalf("got %d events, want 3", len(events))
	}
	want := map[string]any{"output_count": 7.0, "streamed": true, "model": "m by <email>", "status_code": 201.0}
	if got := events[0]["metadata"]; !reflect.DeepEqual(got, want) {
		t.Errorf("right-typed metadata = %v, want %v", got, want)
	}
	if got, ok := events[1]["metadata"]; ok {
		t.Errorf("wrong-typed metadata = %v, want none", got)
	}
	if got := events[2]["context"]; !reflect.DeepEqual(got, map[string]any{"status_code": 503.0}) {
		t.Errorf("context = %v", got)
	}
}

func TestEachErrorDetailLevelChangesWhatArrives(t *testing.T) {
	cases := []struct {
		detail  telemetry.ErrorDetail
		message string
		trace   string // "" means no stack_trace field at all
	}{
		{telemetry.ErrorDetailFull, "bad input from <email>", "<user>/go/src/app/handler.go:42"},
		{telemetry.ErrorDetailFrames, "", "handler.go:42 in main.handler"},
		{telemetry.ErrorDetailType, "", ""},
	}
	for _, tc := range cases {
		collector := startStoredCollector(t)
		cfg := enabledConfig(collector.url())
		cfg.ErrorDetail = tc.detail
		client := newClient(t, cfg)
		must(t, client.TrackError("Panic", "bad input from alice@example.com", goTrace, map[string]any{"retry_count": 1}))
		flush(t, client)
		event := collector.events(t)[0]
		if event["error_type"] != "Panic" || event["error_message"] != tc.message {
			t.Errorf("detail %d: type %v, message %q, want %q", tc.detail, event["error_type"], event["error_message"], tc.message)
		}
		trace, present := event["stack_trace"].(string)
		switch {
		case tc.trace == "" && present:
			t.Errorf("detail %d: stack_trace %q, want none", tc.detail, trace)
		case tc.detail == telemetry.ErrorDetailFrames && trace != tc.trace:
			t.Errorf("detail %d: stack_trace %q, want %q", tc.detail, trace, tc.trace)
		case !strings.Contains(trace, tc.trace):
			t.Errorf("detail %d: stack_trace %q lacks %q", tc.detail, trace, tc.trace)
		}
		if !reflect.DeepEqual(event["context"], map[string]any{"retry_count": 1.0}) {
			t.Errorf("detail %d: context %v", tc.detail, event["context"])
		}
	}
}

func TestRefusedPrivacyOptionsNameTheField(t *testing.T) {
	cases := map[string]telemetry.Config{
		"ErrorDetail":                   {ErrorDetail: telemetry.ErrorDetail(7)},
		`MetadataFields["x"]`:           {MetadataFields: map[string]telemetry.ValueType{"x": telemetry.ValueType(99)}},
		`MetadataFields["api_token"]`:   {MetadataFields: map[string]telemetry.ValueType{"api_token": telemetry.ValueBoolean}},
		`MetadataFields["status_code"]`: {MetadataFields: map[string]telemetry.ValueType{"status_code": telemetry.ValueBoolean}},
	}
	for field, cfg := range cases {
		_, err := telemetry.NewClient(&cfg)
		if !errors.Is(err, telemetry.ErrInvalidConfig) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: NewClient = %v, want ErrInvalidConfig naming it", field, err)
		}
	}
	ok := telemetry.Config{MetadataFields: map[string]telemetry.ValueType{"status_code": telemetry.ValueHTTPStatusCode, "duration_ms": telemetry.ValueAny}}
	client, err := telemetry.NewClient(&ok)
	if err != nil {
		t.Fatalf("built-in keys with their own type or ValueAny: %v", err)
	}
	client.Close()
}

func TestProtocolOTLPSendsOTLPLogs(t *testing.T) {
	collector := startCollector(t, http.StatusOK)
	cfg := enabledConfig(strings.Replace(collector.url(), "/v1/events", "/v1/logs", 1))
	cfg.Protocol = telemetry.ProtocolOTLP
	cfg.AppName = "go-otlp"
	cfg.FlushInterval = time.Minute
	client := newClient(t, cfg)
	must(t, client.TrackError("Panic", "bad input from alice@example.com", "", nil))
	must(t, client.TrackSystemInfo())
	flush(t, client)
	requests := collector.received()
	if len(requests) != 1 || requests[0].path != "/v1/logs" {
		t.Fatalf("requests %+v, want one to /v1/logs", requests)
	}
	var body struct {
		ResourceLogs []struct {
			Resource struct {
				Attributes []struct {
					Key   string            `json:"key"`
					Value map[string]string `json:"value"`
				} `json:"attributes"`
			} `json:"resource"`
			ScopeLogs []struct {
				LogRecords []struct {
					EventName      string `json:"eventName"`
					SeverityNumber int    `json:"severityNumber"`
				} `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	if err := json.Unmarshal(requests[0].body, &body); err != nil || len(body.ResourceLogs) != 1 {
		t.Fatalf("not one ResourceLogs (%v): %s", err, requests[0].body)
	}
	resource := map[string]string{}
	for _, attribute := range body.ResourceLogs[0].Resource.Attributes {
		resource[attribute.Key] = attribute.Value["stringValue"]
	}
	if resource["service.name"] != "go-otlp" || resource["telemetry.sdk.language"] != "go" {
		t.Errorf("resource %v", resource)
	}
	records := body.ResourceLogs[0].ScopeLogs[0].LogRecords
	if len(records) != 2 || records[0].EventName != "mycelium.error" || records[0].SeverityNumber != 17 ||
		records[1].EventName != "mycelium.system_info" {
		t.Errorf("records %+v", records)
	}
	if strings.Contains(string(requests[0].body), "alice") {
		t.Errorf("unscrubbed: %s", requests[0].body)
	}
}

func TestUnknownProtocolIsRefused(t *testing.T) {
	_, err := telemetry.NewClient(&telemetry.Config{Protocol: telemetry.Protocol(7)})
	if err == nil || !strings.Contains(err.Error(), "Protocol") {
		t.Errorf("NewClient with Protocol(7): %v", err)
	}
}
