package telemetry

/*
#include "mycelium_telemetry.h"

extern void goTelemetryLog(int level, char *message, void *user_data);

// Adapts the exported Go function to mt_log_callback's exact type (const char *).
static void log_to_go(int level, const char *message, void *user_data) {
	goTelemetryLog(level, (char *)message, user_data);
}

static enum mt_status set_go_log_callback(struct mt_config *config, uintptr_t logger_id) {
	return mt_config_set_log_callback(config, log_to_go, (void *)logger_id);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"time"
)

// ValueType is the type an allowlisted metadata or context key accepts (Config.MetadataFields).
// A value of another type is dropped, never converted: "41" is not a number.
type ValueType int

const (
	// ValueAny accepts any scalar; strings are scrubbed and cut to 128 bytes.
	ValueAny ValueType = C.MT_VALUE_ANY
	// ValueBoolean accepts true and false.
	ValueBoolean ValueType = C.MT_VALUE_BOOLEAN
	// ValueNonNegativeInteger accepts 0, 1, 2, ... (3.0 counts as whole).
	ValueNonNegativeInteger ValueType = C.MT_VALUE_NON_NEGATIVE_INTEGER
	// ValueNonNegativeNumber accepts any number from 0 up.
	ValueNonNegativeNumber ValueType = C.MT_VALUE_NON_NEGATIVE_NUMBER
	// ValueHTTPStatusCode accepts whole numbers from 100 to 599.
	ValueHTTPStatusCode ValueType = C.MT_VALUE_HTTP_STATUS_CODE
)

// ErrorDetail is how much of each error event leaves (Config.ErrorDetail,
// TELEMETRY_ERROR_DETAIL). The zero value is the default, ErrorDetailFull.
type ErrorDetail int

const (
	// ErrorDetailFull sends the error type, the scrubbed message and the scrubbed stack trace.
	ErrorDetailFull ErrorDetail = C.MT_ERROR_DETAIL_FULL
	// ErrorDetailFrames sends the error type and the trace's frames, one "file:line in function"
	// per line; the message arrives as "".
	ErrorDetailFrames ErrorDetail = C.MT_ERROR_DETAIL_FRAMES
	// ErrorDetailType sends the error type only; the message arrives as "" and no trace is sent.
	ErrorDetailType ErrorDetail = C.MT_ERROR_DETAIL_TYPE
)

// Protocol is what batches are sent as (Config.Protocol, TELEMETRY_PROTOCOL). The zero value
// is the default, ProtocolMycelium.
type Protocol int

const (
	// ProtocolMycelium sends wire format 1.0, for the reference collector.
	ProtocolMycelium Protocol = C.MT_PROTOCOL_MYCELIUM
	// ProtocolOTLP sends OTLP/HTTP JSON logs, for an OpenTelemetry Collector
	// (docs/opentelemetry.md). Pass the Collector's logs URL as Endpoint; left empty, batches
	// go to http://localhost:4318/v1/logs.
	ProtocolOTLP Protocol = C.MT_PROTOCOL_OTLP
)

// NoRetries, as Config.RetryAttempts, gives up on a batch after its first failed attempt
// (zero keeps the library's default).
const NoRetries = -1

// NoSpool, as Config.SpoolMaxBytes or Config.SpoolMaxAgeDays, turns the offline spool off (zero
// keeps the library's default).
const NoSpool = -1

// Config holds client settings. Zero values keep the library's defaults (documented in
// docs/telemetry-configuration.md); a value the library refuses makes NewClient return an error
// that matches ErrInvalidConfig and names the field.
type Config struct {
	// Enabled turns telemetry on. A Config from ConfigFromEnv decides from TELEMETRY_ENABLED and
	// DO_NOT_TRACK instead, unless this is set to true (the host asked its user itself).
	Enabled bool
	// Endpoint is the collector URL; http:// is accepted only for loopback hosts.
	Endpoint string
	// Timeout bounds each request: whole seconds, 1s to 30s.
	Timeout time.Duration
	// BatchSize is how many events make a full batch, 1 to 1000.
	BatchSize int
	// RetryAttempts is how often a failed batch is retried, 1 to 10, or NoRetries.
	RetryAttempts int
	// RetryBackoff is the factor between successive retry delays, 1.0 to 10.0.
	RetryBackoff float64
	// Salt replaces the per-installation salt identifiers are hashed with. Never sent.
	Salt string
	// AppName names this application (1 to 64 of A-Z a-z 0-9 - _ ., starting with a letter or
	// digit, like TELEMETRY_APP): the choice recorded for it with ConsentSet applies, else the
	// global one.
	AppName string
	// SaltFile is where the per-installation salt is kept.
	SaltFile string
	// FlushInterval is the longest a partial batch waits: whole milliseconds, 10ms to 1h.
	FlushInterval time.Duration
	// QueueCapacity is how many events wait at most; beyond it the oldest are dropped.
	QueueCapacity int
	// OutputFile turns on local-only mode: each batch is appended to this file as one JSON line,
	// exactly as it would have been sent, and no socket is ever opened (Endpoint is not used).
	// The file is created with mode 0600.
	OutputFile string
	// CAFile is a PEM file of CA certificates trusted, besides the bundled roots, for an https://
	// Endpoint with a private CA. It is read by NewClient. Certificates are always verified.
	CAFile string
	// Token is a private collector's ingest token (like TELEMETRY_TOKEN), sent as
	// "Authorization: Bearer <token>" to Endpoint only: 1 to 4096 visible ASCII characters.
	// The library never logs it or writes it to a file.
	Token string
	// SpoolMaxBytes is the most the offline spool of this application keeps, 1 to 1073741824
	// bytes (zero: the default, 5 MiB), or NoSpool; the oldest batches are removed first. The
	// spool keeps what could not be delivered (and what CloseNow leaves) for the next run, for
	// a client with an AppName whose choice is on.
	SpoolMaxBytes int
	// SpoolMaxAgeDays is how long a spooled batch is kept, 1 to 365 days (zero: the default,
	// 7), or NoSpool.
	SpoolMaxAgeDays int
	// Debug logs each outgoing batch, exactly as sent, at slog.LevelDebug to Logger (or as a line
	// on stderr when Logger is nil).
	Debug bool
	// MetadataFields lets more keys leave in metadata and error context, each only with values
	// of its type. The built-in keys (duration_ms, success, retry_count, cache_hit,
	// result_count, status_code) are typed already and cannot be retyped; secret-looking keys
	// are refused. At most 32.
	MetadataFields map[string]ValueType
	// ErrorDetail is how much of each error leaves; the zero value is ErrorDetailFull.
	ErrorDetail ErrorDetail
	// Protocol is what batches are sent as; the zero value is ProtocolMycelium.
	Protocol Protocol
	// Logger receives the library's warnings (refused batches, unreachable collector) instead of
	// stderr. It is called from the library's sender thread.
	Logger *slog.Logger

	fromEnv bool
}

// ConfigFromEnv returns a Config that reads TELEMETRY_* and DO_NOT_TRACK when NewClient is
// called. Fields set on it override the environment.
func ConfigFromEnv() *Config {
	return &Config{fromEnv: true}
}

// newCConfig builds the library's config; the caller frees it with mt_config_free. A non-zero
// loggerID routes the library's warnings to that registered logger.
func (cfg *Config) newCConfig(loggerID uintptr) (*C.struct_mt_config, error) {
	var config *C.struct_mt_config
	if cfg.fromEnv {
		config = C.mt_config_from_env()
	} else {
		config = C.mt_config_new()
	}
	if config == nil {
		return nil, fmt.Errorf("telemetry: NewClient: %w (out of memory)", ErrInternal)
	}
	if err := cfg.apply(config, loggerID); err != nil {
		C.mt_config_free(config)
		return nil, err
	}
	return config, nil
}

func (cfg *Config) apply(config *C.struct_mt_config, loggerID uintptr) error {
	if cfg.Enabled {
		C.mt_config_set_enabled(config, true)
	}
	if cfg.Endpoint != "" {
		if err := setString(config, "Endpoint", cfg.Endpoint, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_endpoint(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.Salt != "" {
		if err := setString(config, "Salt", cfg.Salt, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_salt(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.AppName != "" {
		if err := setString(config, "AppName", cfg.AppName, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_app_name(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.SaltFile != "" {
		if err := setString(config, "SaltFile", cfg.SaltFile, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_salt_file(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.OutputFile != "" {
		if err := setString(config, "OutputFile", cfg.OutputFile, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_output_file(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.CAFile != "" {
		if err := setString(config, "CAFile", cfg.CAFile, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_ca_file(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.Token != "" {
		if err := setString(config, "Token", cfg.Token, func(value *C.char) C.enum_mt_status {
			return C.mt_config_set_token(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.Debug {
		C.mt_config_set_debug(config, true)
	}
	if cfg.Timeout != 0 {
		if cfg.Timeout%time.Second != 0 {
			return invalidConfig("Timeout", cfg.Timeout, "must be whole seconds")
		}
		if err := setUint32("Timeout", cfg.Timeout, int64(cfg.Timeout/time.Second), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_timeout_secs(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.FlushInterval != 0 {
		if cfg.FlushInterval%time.Millisecond != 0 {
			return invalidConfig("FlushInterval", cfg.FlushInterval, "must be whole milliseconds")
		}
		if err := setUint32("FlushInterval", cfg.FlushInterval, cfg.FlushInterval.Milliseconds(), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_flush_interval_ms(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.BatchSize != 0 {
		if err := setUint32("BatchSize", cfg.BatchSize, int64(cfg.BatchSize), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_batch_size(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.RetryAttempts != 0 {
		attempts := max(cfg.RetryAttempts, 0)
		if err := setUint32("RetryAttempts", cfg.RetryAttempts, int64(attempts), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_retry_attempts(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.SpoolMaxBytes != 0 {
		if err := setUint32("SpoolMaxBytes", cfg.SpoolMaxBytes, int64(max(cfg.SpoolMaxBytes, 0)), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_spool_max_bytes(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.SpoolMaxAgeDays != 0 {
		if err := setUint32("SpoolMaxAgeDays", cfg.SpoolMaxAgeDays, int64(max(cfg.SpoolMaxAgeDays, 0)), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_spool_max_age_days(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.QueueCapacity != 0 {
		if err := setUint32("QueueCapacity", cfg.QueueCapacity, int64(cfg.QueueCapacity), func(value C.uint32_t) C.enum_mt_status {
			return C.mt_config_set_queue_capacity(config, value)
		}); err != nil {
			return err
		}
	}
	if cfg.RetryBackoff != 0 {
		if C.mt_config_set_retry_backoff(config, C.double(cfg.RetryBackoff)) != C.MT_OK {
			return invalidConfig("RetryBackoff", cfg.RetryBackoff, "must be from 1.0 to 10.0")
		}
	}
	if cfg.ErrorDetail != ErrorDetailFull {
		if C.mt_config_set_error_detail(config, C.int(cfg.ErrorDetail)) != C.MT_OK {
			return invalidConfig("ErrorDetail", cfg.ErrorDetail, "must be ErrorDetailFull, ErrorDetailFrames or ErrorDetailType")
		}
	}
	if cfg.Protocol != ProtocolMycelium {
		if C.mt_config_set_protocol(config, C.int(cfg.Protocol)) != C.MT_OK {
			return invalidConfig("Protocol", cfg.Protocol, "must be ProtocolMycelium or ProtocolOTLP")
		}
	}
	if err := allowMetadataFields(config, cfg.MetadataFields); err != nil {
		return err
	}
	if loggerID != 0 {
		C.set_go_log_callback(config, C.uintptr_t(loggerID))
	}
	return nil
}

// allowMetadataFields adds the keys in sorted order, so that which one is refused does not
// depend on map iteration.
func allowMetadataFields(config *C.struct_mt_config, fields map[string]ValueType) error {
	keys := make([]string, 0, len(fields))
	for key := range fields {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		valueType := fields[key]
		field := fmt.Sprintf("MetadataFields[%q]", key)
		err := setString(config, field, key, func(value *C.char) C.enum_mt_status {
			return C.mt_config_allow_metadata_field(config, value, C.int(valueType))
		})
		if errors.Is(err, ErrInvalidArgument) {
			return invalidConfig(field, valueType, "not a ValueType")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func invalidConfig(field string, value any, why string) error {
	return fmt.Errorf("telemetry: Config.%s = %v: %w: %s", field, value, ErrInvalidConfig, why)
}

func setString(config *C.struct_mt_config, field, value string, set func(*C.char) C.enum_mt_status) error {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add("Config", field, value, false); err != nil {
		return err
	}
	switch status := set(args[0]); status {
	case C.MT_OK:
		return nil
	case C.MT_ERR_INVALID_CONFIG_VALUE:
		shown := fmt.Sprintf("%q", value)
		if field == "Salt" || field == "Token" {
			// Secrets never go into an error that may end up in a log.
			shown = "<hidden>"
		}
		return invalidConfig(field, shown, "refused by the library (see docs/telemetry-configuration.md)")
	default:
		return statusError("Config."+field, status)
	}
}

// setUint32 range-checks in Go first, so a value too large for uint32 cannot wrap around into
// one the library would accept.
func setUint32(field string, shown any, value int64, set func(C.uint32_t) C.enum_mt_status) error {
	if value < 0 || value > math.MaxUint32 || set(C.uint32_t(value)) != C.MT_OK {
		return invalidConfig(field, shown, "out of range (see docs/telemetry-configuration.md)")
	}
	return nil
}
