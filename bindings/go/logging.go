package telemetry

// #include "mycelium_telemetry.h"
import "C"

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The library may still log from its detached sender thread after a client is closed, so the C
// side holds only a number: a logger that is gone is simply not found.
var (
	loggers      sync.Map // uintptr -> *slog.Logger
	lastLoggerID atomic.Uintptr
)

func registerLogger(logger *slog.Logger) uintptr {
	id := lastLoggerID.Add(1)
	loggers.Store(id, logger)
	return id
}

//export goTelemetryLog
func goTelemetryLog(level C.int, message *C.char, userData unsafe.Pointer) {
	logger, ok := loggers.Load(uintptr(userData))
	if !ok {
		return
	}
	logger.(*slog.Logger).Log(context.Background(), slogLevel(level), C.GoString(message))
}

func slogLevel(level C.int) slog.Level {
	switch level {
	case C.MT_LOG_ERROR:
		return slog.LevelError
	case C.MT_LOG_WARN:
		return slog.LevelWarn
	case C.MT_LOG_INFO:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}
