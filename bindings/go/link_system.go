//go:build !mycelium_dev && !mycelium_static

package telemetry

// The default: links against the installed library found through pkg-config, as a module
// downloaded with `go get` has no build output of its own next to it. The .deb
// (libmycelium-telemetry-dev), the release tarball and the CMake install all write
// mycelium_telemetry.pc; set PKG_CONFIG_PATH for a prefix pkg-config does not search.
// The tag mycelium_system, which used to select this, is still accepted and changes nothing.

// #cgo pkg-config: mycelium_telemetry
import "C"
