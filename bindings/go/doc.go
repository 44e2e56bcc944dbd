// Package telemetry is the Go binding of mycelium-telemetry, a privacy-first, opt-in usage
// telemetry library.
//
// Telemetry is off unless the user turns it on (TELEMETRY_ENABLED=1, or Config.Enabled), and
// DO_NOT_TRACK always turns it off when the configuration comes from the environment. When it is
// off, every Track call returns nil after checking a flag: nothing is serialized and no call
// crosses into C.
//
// Identifiers are hashed with a salt and messages are scrubbed of paths, credentials and email
// addresses by the native library before anything leaves the process; metadata and context keep
// only an allowlist of scalar keys.
//
// Errors: mistakes by the caller (an invalid configuration value, a NaN metric, metadata that
// cannot be encoded as JSON, a string with a NUL byte or invalid UTF-8) are returned as errors
// that match ErrInvalidConfig, ErrInvalidArgument, ErrInvalidJSON or ErrInvalidUTF8 with
// errors.Is. Calls on a closed client do nothing and return nil. Network problems are
// never returned: they only show in Stats. Flush reports a timeout as the context's error.
package telemetry
