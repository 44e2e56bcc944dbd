//go:build mycelium_static

package telemetry

// Links the static archive from this repository's build output, with the system libraries the
// Rust standard library needs, so the binary depends on nothing but libc.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libmycelium_telemetry.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"
