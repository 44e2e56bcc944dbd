//go:build mycelium_system

package telemetry

// Links against an installed library found through pkg-config (the CMake install writes
// mycelium_telemetry.pc); set PKG_CONFIG_PATH for a non-standard prefix.

// #cgo pkg-config: mycelium_telemetry
import "C"
