package telemetry

// #include <stdlib.h>
// #include "mycelium_telemetry.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"unsafe"
)

// Errors returned by this package; match them with errors.Is.
var (
	// ErrInvalidArgument: an argument the library cannot accept, such as a NaN or infinite metric
	// value or a string containing a NUL byte.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrInvalidUTF8: a string argument was not valid UTF-8.
	ErrInvalidUTF8 = errors.New("string is not valid UTF-8")
	// ErrInvalidJSON: metadata, tags or context could not be encoded as a JSON object.
	ErrInvalidJSON = errors.New("metadata, tags and context must encode as a JSON object")
	// ErrInvalidConfig: a Config field was out of range or malformed; the error names the field.
	ErrInvalidConfig = errors.New("invalid configuration value")
	// ErrIO: the consent file could not be read or written (a symbolic link, another user's
	// file, a folder others can change, malformed content, no HOME): ConsentGet and ConsentSet
	// return it, since the user's choice was then not read or not recorded.
	ErrIO = errors.New("the consent file could not be read or written")
	// ErrShutDown names MT_ERR_SHUT_DOWN. No call returns it any more: a call after Close does
	// nothing and returns nil, as in every binding (bindings/contract.json).
	ErrShutDown = errors.New("client was shut down")
	// ErrInternal: NewClient could not allocate a client. A bug the native library catches in
	// another call (MT_ERR_INTERNAL) is logged to slog.Default() instead and the call returns
	// nil: telemetry never fails the host over its own bugs.
	ErrInternal = errors.New("internal error in mycelium-telemetry")
)

func init() {
	// The name is printable ASCII on every release toolchain; a devel toolchain's longer
	// description may be refused, which only leaves the runtime field out of system_info.
	runtimeName := C.CString(runtime.Version())
	C.mt_set_runtime(runtimeName)
	C.free(unsafe.Pointer(runtimeName))
}

// statusOf is statusError and the status's message for plain ints, for this package's tests
// (cgo is not allowed in test files).
func statusOf(op string, status int) (error, string) {
	return statusError(op, C.enum_mt_status(status)), C.GoString(C.mt_status_message(C.int(status)))
}

// statusError turns a status the library returned into this package's error for op.
func statusError(op string, status C.enum_mt_status) error {
	var sentinel error
	switch status {
	case C.MT_OK:
		return nil
	case C.MT_ERR_NULL_ARGUMENT, C.MT_ERR_INVALID_ARGUMENT:
		sentinel = ErrInvalidArgument
	case C.MT_ERR_INVALID_UTF8:
		sentinel = ErrInvalidUTF8
	case C.MT_ERR_INVALID_JSON:
		sentinel = ErrInvalidJSON
	case C.MT_ERR_INVALID_CONFIG_VALUE:
		sentinel = ErrInvalidConfig
	case C.MT_ERR_IO:
		sentinel = ErrIO
	case C.MT_ERR_TIMEOUT:
		return fmt.Errorf("telemetry: %s: %w", op, context.DeadlineExceeded)
	case C.MT_ERR_SHUT_DOWN:
		// A call racing Close (or after ShutdownGlobal): it does nothing, like any call after Close.
		return nil
	default:
		slog.Default().Warn("mycelium-telemetry: "+op+": "+C.GoString(C.mt_status_message(C.int(status))),
			"status", int(status))
		return nil
	}
	return fmt.Errorf("telemetry: %s: %w", op, sentinel)
}

// cStrings copies Go strings into C strings, refusing any with a NUL byte, which C would
// silently treat as the end of the string. An empty string becomes NULL where optional says
// so. Release the result with freeCStrings.
type cStrings []*C.char

func (list *cStrings) add(op, name, value string, optional bool) error {
	if optional && value == "" {
		*list = append(*list, nil)
		return nil
	}
	if strings.IndexByte(value, 0) >= 0 {
		return fmt.Errorf("telemetry: %s: %s contains a NUL byte: %w", op, name, ErrInvalidArgument)
	}
	*list = append(*list, C.CString(value))
	return nil
}

func (list cStrings) free() {
	for _, text := range list {
		C.free(unsafe.Pointer(text))
	}
}

// takeCString copies a string the library allocated and frees it; NULL (an argument that was
// not valid UTF-8, the only way these functions refuse) becomes ErrInvalidUTF8.
func takeCString(op string, text *C.char) (string, error) {
	if text == nil {
		return "", fmt.Errorf("telemetry: %s: %w", op, ErrInvalidUTF8)
	}
	defer C.mt_string_free(text)
	return C.GoString(text), nil
}

// HashIdentifier returns the lowercase hex SHA-256 of identifier followed by salt: the hash
// events carry in place of agent ids and identifier-like tags.
func HashIdentifier(salt, identifier string) (string, error) {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add("HashIdentifier", "salt", salt, false); err != nil {
		return "", err
	}
	if err := args.add("HashIdentifier", "identifier", identifier, false); err != nil {
		return "", err
	}
	return takeCString("HashIdentifier", C.mt_hash_identifier(args[0], args[1]))
}

// AnonymizePath removes the user from a path: home directories become "<user>/...",
// separators become "/", and other paths keep at most their last three components.
func AnonymizePath(path string) (string, error) {
	return anonymize("AnonymizePath", path, func(text *C.char) *C.char { return C.mt_anonymize_path(text) })
}

// AnonymizeMessage scrubs free text as error messages are scrubbed before they leave: paths
// lose their user, URL credentials become "<user>:<password>", emails become "<email>".
func AnonymizeMessage(message string) (string, error) {
	return anonymize("AnonymizeMessage", message, func(text *C.char) *C.char { return C.mt_anonymize_message(text) })
}

// AnonymizeStackTrace scrubs a stack trace as error events scrub theirs; file names, line
// numbers and function names survive.
func AnonymizeStackTrace(trace string) (string, error) {
	return anonymize("AnonymizeStackTrace", trace, func(text *C.char) *C.char { return C.mt_anonymize_stack_trace(text) })
}

func anonymize(op, input string, scrub func(*C.char) *C.char) (string, error) {
	var args cStrings
	defer func() { args.free() }()
	if err := args.add(op, "input", input, false); err != nil {
		return "", err
	}
	return takeCString(op, scrub(args[0]))
}

// Version returns the native library's version, MAJOR.MINOR.PATCH.
func Version() string {
	return C.GoString(C.mt_version())
}
