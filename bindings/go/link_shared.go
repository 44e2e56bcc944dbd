//go:build mycelium_dev && !mycelium_static

package telemetry

// -tags mycelium_dev: links against the shared library built in this repository. The RUNPATH lists the build
// output first and then internal/devlib, whose libmycelium_telemetry.so.0 links back to the
// build output: the binary asks the loader for that SONAME, and cargo writes only the unversioned
// file. LD_LIBRARY_PATH, searched before RUNPATH, can point a built binary at another copy.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -lmycelium_telemetry -Wl,-rpath,${SRCDIR}/../../target/release -Wl,-rpath,${SRCDIR}/internal/devlib
import "C"
