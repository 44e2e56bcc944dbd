# Shell helpers shared by .ci/setup.sh and every suite's test.sh. Source it; it defines functions
# and sets nothing else. Bash only.

# The repository root, whatever the caller's directory.
mt_repo_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
}

# Installs Debian packages, running `apt-get update` once per process. Only root can; anyone else
# is told which packages are missing and the caller fails.
mt_apt_updated=""
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing $* and only root can install it with apt-get" >&2
        return 1
    fi
    command -v apt-get >/dev/null || { echo "setup: missing $* and no apt-get to install it" >&2; return 1; }
    echo "setup: installing $* (apt-get)" >&2
    if [ -z "$mt_apt_updated" ]; then
        apt-get update -qq
        mt_apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Brings <repo>/target/release up to date with the sources (a no-op when it already is), so that a
# suite never tests a library left over from an older checkout.
build_release_library() {
    local repo
    repo=$(mt_repo_root)
    command -v cargo >/dev/null || { echo "setup: cargo is needed to build the library (https://rustup.rs)" >&2; return 1; }
    (cd "$repo" && cargo build --release --lib --quiet)
}

# Brings <repo>/target/fault_collector/release/fault_collector up to date: the scripted HTTP
# collector (tests/tools/fault_collector) that the C tests and the bindings' tests start as a
# program. A package of its own, so building it never rebuilds the library.
build_fault_collector() {
    local repo
    repo=$(mt_repo_root)
    command -v cargo >/dev/null || { echo "setup: cargo is needed to build the test collector (https://rustup.rs)" >&2; return 1; }
    cargo build --release --quiet --manifest-path "$repo/tests/tools/fault_collector/Cargo.toml" \
        --target-dir "$repo/target/fault_collector"
}

# Brings <repo>/target/reference_collector/debug/mycelium-collector up to date: the reference
# collector (collector/) that the tests checking only what arrived start with in-memory SQLite
# and --print-stored. A debug build (built once, then a no-op; the tests send little) in a target
# directory of its own: next to the library, its dependencies' features would differ from the
# library's own tests' and each build would rebuild the library for the other.
build_reference_collector() {
    local repo
    repo=$(mt_repo_root)
    command -v cargo >/dev/null || { echo "setup: cargo is needed to build the reference collector (https://rustup.rs)" >&2; return 1; }
    (cd "$repo" && cargo build --quiet -p mycelium-collector --bin mycelium-collector \
        --target-dir "$repo/target/reference_collector")
}
