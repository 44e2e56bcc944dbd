package telemetry

// #include "mycelium_telemetry.h"
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultShutdownTimeout bounds how long Close waits for queued events to be sent.
const DefaultShutdownTimeout = 2 * time.Second

// Flush waits in slices so that cancelling its context takes effect within maxFlushSlice even
// though a call into the library cannot be interrupted.
const (
	firstFlushSlice = 50 * time.Millisecond
	maxFlushSlice   = time.Second
)

// Stats are a client's counters since it was created. At every moment
// Enqueued = Sent + Dropped + Failed + events still queued or being sent.
type Stats struct {
	Enqueued    uint64 // events accepted by Track calls
	Sent        uint64 // events the collector accepted
	Dropped     uint64 // events displaced from a full queue, oldest first
	Failed      uint64 // events refused by the collector, out of retries or out of shutdown time
	Retries     uint64 // repeated delivery attempts
	BatchesSent uint64 // batches the collector accepted
	// Beyond mt_stats, read with mt_client_counter:
	Spooled      uint64 // events kept in the offline spool for a later run
	Replayed     uint64 // events sent from the spool (left by an earlier run or another process)
	SpoolDropped uint64 // events the spool let go of unsent (bounds, unreadable, refused, unwritable)
}

// Client sends events to a collector from a background thread of the native library. It is
// safe for concurrent use. Close it when done: Close sends what is still queued.
type Client struct {
	// enabled is learnt once, at creation: a disabled client answers every call from it.
	enabled bool
	closed  *atomic.Bool
	global  bool

	// handle stays valid for as long as the Client is reachable, closed or not: Close only
	// closes the native client (calls running meanwhile get MT_ERR_SHUT_DOWN), and a cleanup
	// frees it once the Client is unreachable, when no call can be using it. Every method that
	// passes handle to C keeps c alive until the call returns (runtime.KeepAlive).
	handle   *C.struct_mt_client
	loggerID uintptr
}

// NewClient creates a client. A nil cfg reads the environment, as ConfigFromEnv. Unless
// telemetry is enabled the client starts nothing and every call on it does nothing.
func NewClient(cfg *Config) (*Client, error) {
	var loggerID uintptr
	var handle *C.struct_mt_client
	if cfg == nil {
		handle = C.mt_client_new(nil)
	} else {
		if cfg.Logger != nil {
			loggerID = registerLogger(cfg.Logger)
		}
		config, err := cfg.newCConfig(loggerID)
		if err != nil {
			loggers.Delete(loggerID)
			return nil, err
		}
		handle = C.mt_client_new(config)
		C.mt_config_free(config)
	}
	if handle == nil {
		loggers.Delete(loggerID)
		return nil, fmt.Errorf("telemetry: NewClient: %w (out of memory)", ErrInternal)
	}
	c := &Client{
		enabled:  bool(C.mt_client_is_enabled(handle)),
		closed:   new(atomic.Bool),
		handle:   handle,
		loggerID: loggerID,
	}
	// Frees a client dropped without Close without blocking the cleanup goroutine: its sender
	// sends what is queued (within DefaultShutdownTimeout) on its own, and never logs again once
	// mt_client_free_nowait has returned, so the logger can go at once.
	runtime.AddCleanup(c, func(handle *C.struct_mt_client) {
		C.mt_client_free_nowait(handle, millis(DefaultShutdownTimeout))
		loggers.Delete(loggerID)
	}, handle)
	return c, nil
}

var (
	globalOnce   sync.Once
	globalClient *Client
	// globalClosed outlives the global Client so that ShutdownGlobal before Global still makes
	// the client Global later returns refuse calls.
	globalClosed atomic.Bool
)

// Global returns the process-wide client, configured from the environment the first time it is
// asked for. Every call returns the same client. Closing it is the same as ShutdownGlobal.
func Global() *Client {
	globalOnce.Do(func() {
		handle := C.mt_global()
		globalClient = &Client{
			enabled: handle != nil && bool(C.mt_client_is_enabled(handle)),
			closed:  &globalClosed,
			global:  true,
			handle:  handle,
		}
	})
	return globalClient
}

// ShutdownGlobal sends what the global client still has queued, waiting at most timeout, and
// stops it. Later calls on it do nothing; calling this again does nothing.
func ShutdownGlobal(timeout time.Duration) {
	globalClosed.Store(true)
	C.mt_global_shutdown(millis(timeout))
}

// Enabled reports whether the client collects events: telemetry was enabled when it was created
// and it has not been closed.
func (c *Client) Enabled() bool {
	return c.enabled && !c.closed.Load()
}

// TrackAgentUsage records that an agent ran an operation. agentID is hashed with the salt
// before it leaves; of metadata, only allowlisted keys with scalar values leave.
func (c *Client) TrackAgentUsage(agentID, operation string, metadata map[string]any) error {
	if !c.enabled {
		return c.disabledResult("TrackAgentUsage")
	}
	const op = "TrackAgentUsage"
	var args cStrings
	defer func() { args.free() }()
	if err := args.add(op, "agentID", agentID, false); err != nil {
		return err
	}
	if err := args.add(op, "operation", operation, false); err != nil {
		return err
	}
	if err := args.addJSON(op, "metadata", metadata); err != nil {
		return err
	}
	return c.call(op, func(handle *C.struct_mt_client) C.enum_mt_status {
		return C.mt_track_agent_usage(handle, args[0], args[1], args[2])
	})
}

// TrackPerformance records a measurement. An empty unit means "ms". value must be finite. Tags
// whose keys end in "_id", or are "user" or "agent", are hashed before they leave.
func (c *Client) TrackPerformance(name string, value float64, unit string, tags map[string]any) error {
	if !c.enabled {
		return c.disabledResult("TrackPerformance")
	}
	const op = "TrackPerformance"
	var args cStrings
	defer func() { args.free() }()
	if err := args.add(op, "name", name, false); err != nil {
		return err
	}
	if err := args.add(op, "unit", unit, true); err != nil {
		return err
	}
	if err := args.addJSON(op, "tags", tags); err != nil {
		return err
	}
	return c.call(op, func(handle *C.struct_mt_client) C.enum_mt_status {
		return C.mt_track_performance(handle, args[0], C.double(value), args[1], args[2])
	})
}

// TrackError records an error. message and stackTrace (which may be empty) are scrubbed of
// paths, credentials and emails before they leave; context is filtered like metadata.
func (c *Client) TrackError(errType, message, stackTrace string, context map[string]any) error {
	if !c.enabled {
		return c.disabledResult("TrackError")
	}
	const op = "TrackError"
	var args cStrings
	defer func() { args.free() }()
	if err := args.add(op, "errType", errType, false); err != nil {
		return err
	}
	if err := args.add(op, "message", message, false); err != nil {
		return err
	}
	if err := args.add(op, "stackTrace", stackTrace, true); err != nil {
		return err
	}
	if err := args.addJSON(op, "context", context); err != nil {
		return err
	}
	return c.call(op, func(handle *C.struct_mt_client) C.enum_mt_status {
		return C.mt_track_error(handle, args[0], args[1], args[2], args[3])
	})
}

// TrackSystemInfo records the platform, its version, the CPU architecture, the library's
// version and the Go runtime's version.
func (c *Client) TrackSystemInfo() error {
	if !c.enabled {
		return c.disabledResult("TrackSystemInfo")
	}
	return c.call("TrackSystemInfo", func(handle *C.struct_mt_client) C.enum_mt_status {
		return C.mt_track_system_info(handle)
	})
}

// Flush waits until every event tracked before it has been sent or given up on. It returns
// ctx.Err() (context.DeadlineExceeded or context.Canceled) if ctx ends first, and nil after
// Close (nothing is pending then). A collector that cannot be reached is not an error: its events count as Failed
// in Stats.
func (c *Client) Flush(ctx context.Context) error {
	if !c.enabled {
		return c.disabledResult("Flush")
	}
	for slice := firstFlushSlice; ; slice = min(2*slice, maxFlushSlice) {
		if err := ctx.Err(); err != nil {
			return err
		}
		wait := slice
		if deadline, ok := ctx.Deadline(); ok {
			wait = min(wait, time.Until(deadline))
			if wait <= 0 {
				return context.DeadlineExceeded
			}
		}
		var status C.enum_mt_status
		if err := c.call("Flush", func(handle *C.struct_mt_client) C.enum_mt_status {
			status = C.mt_flush(handle, millis(wait))
			return C.MT_OK
		}); err != nil {
			return err
		}
		if status != C.MT_ERR_TIMEOUT {
			return statusError("Flush", status)
		}
	}
}

// Stats returns the client's counters; after Close, the final ones.
func (c *Client) Stats() Stats {
	stats := statsOf(c.handle)
	runtime.KeepAlive(c)
	return stats
}

func statsOf(handle *C.struct_mt_client) Stats {
	var out C.struct_mt_stats
	if C.mt_client_stats(handle, &out) != C.MT_OK {
		return Stats{}
	}
	counter := func(which C.int) uint64 {
		var value C.uint64_t
		if C.mt_client_counter(handle, which, &value) != C.MT_OK {
			return 0
		}
		return uint64(value)
	}
	return Stats{
		Enqueued:     uint64(out.enqueued),
		Sent:         uint64(out.sent),
		Dropped:      uint64(out.dropped),
		Failed:       uint64(out.failed),
		Retries:      uint64(out.retries),
		BatchesSent:  uint64(out.batches_sent),
		Spooled:      counter(C.MT_COUNTER_SPOOLED),
		Replayed:     counter(C.MT_COUNTER_REPLAYED),
		SpoolDropped: counter(C.MT_COUNTER_SPOOL_DROPPED),
	}
}

// Close sends what is still queued, waiting at most DefaultShutdownTimeout, and stops the
// client. Later calls do nothing and return nil; Stats gives the final counters; closing
// again does nothing. Calls running on other goroutines meanwhile are safe and are not waited
// for. It always returns nil.
func (c *Client) Close() error {
	c.shutdown(DefaultShutdownTimeout)
	return nil
}

// CloseNow stops the client without touching the network: what is still queued is written to
// the offline spool (for a client with an AppName whose choice is on) and the next run of the
// application sends it. Use it at the end of a short-lived command so that it exits at once
// (a Shutdown whose context is already done does the same). It always returns nil.
func (c *Client) CloseNow() error {
	c.shutdown(0)
	return nil
}

// Shutdown is Close with the wait bounded by ctx's deadline instead of DefaultShutdownTimeout.
// Events still unsent when it ends count as Failed. It always returns nil.
func (c *Client) Shutdown(ctx context.Context) error {
	timeout := DefaultShutdownTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(deadline), 0)
	}
	c.shutdown(timeout)
	return nil
}

// shutdown does not wait for calls other goroutines are making: the library lets them run
// into the closed client safely.
func (c *Client) shutdown(timeout time.Duration) {
	if c.global {
		ShutdownGlobal(timeout)
		return
	}
	if c.closed.Swap(true) {
		return
	}
	C.mt_client_close(c.handle, millis(timeout))
	runtime.KeepAlive(c)
	// The library never logs for a client once mt_client_close has returned.
	loggers.Delete(c.loggerID)
}

// disabledResult is what every call on a disabled (or closed) client returns, without
// touching C: nothing, as for any call after Close (bindings/contract.json).
func (c *Client) disabledResult(string) error {
	return nil
}

// call runs fn with the handle, or does nothing once the client is closed (a call that races
// Close gets MT_ERR_SHUT_DOWN from the library instead, which is nothing too).
func (c *Client) call(op string, fn func(*C.struct_mt_client) C.enum_mt_status) error {
	if c.closed.Load() {
		return nil
	}
	status := fn(c.handle)
	runtime.KeepAlive(c)
	return statusError(op, status)
}

// addJSON encodes fields as a JSON object; nil or empty fields become NULL (nothing to send).
func (list *cStrings) addJSON(op, name string, fields map[string]any) error {
	if len(fields) == 0 {
		*list = append(*list, nil)
		return nil
	}
	encoded, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("telemetry: %s: %w (%s: %w)", op, ErrInvalidJSON, name, err)
	}
	return list.add(op, name, string(encoded), false)
}

// millis converts a wait to the library's milliseconds, rounding up so that a short positive
// wait does not become "do not wait at all", and saturating at the largest it accepts.
func millis(d time.Duration) C.uint32_t {
	if d <= 0 {
		return 0
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return C.uint32_t(min(int64(ms), int64(^uint32(0))))
}
