#!/usr/bin/env bash
# Installs what the test suites need and this machine lacks, and nothing else: on a machine that
# has everything it installs nothing and says so. `bash .ci/setup.sh` prepares every suite;
# `bash .ci/setup.sh python node` only those (each test.sh calls it for its own).
# Parts: rust, fuzz, collector, c, python, node, go, ruby, otel, packaging, browser.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
repo=$(mt_repo_root)

installed=()
need_apt() { # need_apt <command-or-check> <package...>: installs the packages when the check fails
    local check=$1
    shift
    if ! eval "$check" >/dev/null 2>&1; then
        apt_install "$@"
        installed+=("$@")
    fi
}

pip_install() {
    echo "setup: installing $* (pip)" >&2
    python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
    installed+=("$@")
}

setup_rust() {
    command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust >= 1.74 (https://rustup.rs)" >&2; return 1; }
    # tests/tls.rs and the bindings' private-CA tests make certificates with the openssl command.
    need_apt "command -v openssl" openssl
    # The protocol schema suite.
    need_apt "command -v python3" python3
    python3 -c 'import jsonschema, pytest' 2>/dev/null || {
        python3 -m pip --version >/dev/null 2>&1 || need_apt false python3-pip
        pip_install jsonschema pytest
    }
}

setup_fuzz() {
    # cargo-fuzz runs on the nightly toolchain, which this machine kind ships with rustup.
    if ! command -v cargo-fuzz >/dev/null; then
        echo "setup: installing cargo-fuzz (cargo install --locked)" >&2
        cargo install cargo-fuzz --locked --quiet
        installed+=(cargo-fuzz)
    fi
}

setup_collector() {
    # The collector's tests start a throwaway PostgreSQL 15 server (.ci/postgres.sh); the
    # package also creates the unprivileged `postgres` user the server runs as under root.
    need_apt "[ -x /usr/lib/postgresql/15/bin/postgres ] && [ -x /usr/lib/postgresql/15/bin/initdb ]" postgresql-15
    need_apt "command -v python3" python3
}

setup_c() {
    need_apt "command -v cmake" cmake
    need_apt "command -v g++" g++
    need_apt "command -v pkg-config" pkg-config
    need_apt "command -v readelf" binutils
    need_apt "command -v python3" python3
    need_apt "command -v valgrind" valgrind
    need_apt "[ -f /usr/include/gtest/gtest.h ] || compgen -G '/usr/lib/*/cmake/GTest/GTestConfig.cmake'" libgtest-dev
}

setup_python() {
    need_apt "command -v python3" python3
    need_apt "command -v openssl" openssl
    if ! python3 -c 'import pytest' 2>/dev/null; then
        python3 -m pip --version >/dev/null 2>&1 || need_apt false python3-pip
        pip_install pytest
    fi
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# need_node <major>: Node.js and npm from apt when missing or older than <major>.
need_node() {
    if ! command -v npm >/dev/null || [ "$(node_major)" -lt "$1" ]; then
        need_apt false nodejs npm
        [ "$(node_major)" -ge "$1" ] || { echo "setup: Node.js $1 or newer is required, found $(node --version 2>/dev/null || echo none)" >&2; return 1; }
    fi
}

setup_node() {
    # The test runner and koffi need Node 18 or newer.
    need_node 18
    need_apt "command -v openssl" openssl
    # koffi (prebuilt) from the lockfile.
    npm_ci_when_changed bindings/node
}

# npm ci in <dir> (relative to the repository), only when its lockfile changed since the last one.
npm_ci_when_changed() {
    local dir=$repo/$1
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
        [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        echo "setup: installing the locked npm dependencies of $1 (npm ci)" >&2
        (cd "$dir" && npm ci --no-audit --no-fund --silent)
        installed+=("$1/node_modules")
    fi
}

# The dashboard's browser test: Debian's Chromium (playwright-core never downloads a browser of
# its own, and such downloads cannot reach this network) and playwright-core >= 1.65, which
# needs Node 20.
setup_browser() {
    need_node 20
    need_apt "command -v chromium" chromium
    npm_ci_when_changed collector/tests/browser
}

setup_go() {
    export PATH="$PATH:/usr/local/go/bin"
    need_apt "command -v go" golang-go
    need_apt "command -v gcc" gcc libc6-dev
    need_apt "command -v pkg-config" pkg-config
}

# tests/otel: Go builds the OpenTelemetry Collector (the Go that every machine of this project
# has; Debian's golang-go is too old for the Collector and the build says so), cc builds the C
# sender, python3 runs the binding's sender and the checks.
setup_otel() {
    setup_go
    need_apt "command -v python3" python3
    need_apt "command -v flock" util-linux
}

setup_ruby() {
    need_apt "command -v ruby" ruby
    need_apt "ruby -e 'require \"ffi\"'" ruby-ffi
    need_apt "ruby -e 'require \"minitest\"'" ruby-minitest
}

setup_packaging() {
    # packaging/build.sh and packaging/test.sh: CMake and a C/C++ compiler, dpkg-deb and lintian
    # for the .debs, abidiff for the ABI check, a venv-capable Python, npm, gem, and the Go, Ruby
    # and Node toolchains the clean installs run.
    setup_c
    setup_go
    setup_ruby
    need_apt "command -v dpkg-deb" dpkg
    need_apt "command -v lintian" lintian
    need_apt "command -v abidiff" abigail-tools
    need_apt "command -v objcopy" binutils
    need_apt "command -v unzip" unzip
    need_apt "command -v gem" ruby
    need_apt "python3 -c 'import venv, ensurepip'" python3-venv
    command -v npm >/dev/null || need_apt false nodejs npm
}

parts=("$@")
((${#parts[@]})) || parts=(rust fuzz collector c python node go ruby otel packaging browser)
for part in "${parts[@]}"; do
    case $part in
        rust | fuzz | collector | c | python | node | go | ruby | otel | packaging | browser) "setup_$part" ;;
        *) echo "setup: unknown part '$part' (rust, fuzz, collector, c, python, node, go, ruby, otel, packaging, browser)" >&2; exit 2 ;;
    esac
done
if ((${#installed[@]})); then
    echo "setup (${parts[*]}): installed ${installed[*]}"
else
    echo "setup (${parts[*]}): nothing to install"
fi
