#!/usr/bin/env bash
# The packaging suite: builds every package (packaging/build.sh), checks that their versions agree
# with Cargo.toml, lints the .debs, then installs each package where nothing of this repository is
# visible and runs programs through it against a loopback collector (packaging/tests/
# with_collector.py), and each binding README's example exactly as written
# (packaging/tests/readme_example.py). The programs run with `env -i`: no cargo on PATH, no
# MYCELIUM_TELEMETRY_LIB, a temporary HOME, and a working folder outside the repository.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/lib.sh"
repo=$(mt_repo_root)
bash "$repo/.ci/setup.sh" packaging
build_fault_collector

MT_DEB_COMPRESSION=gzip bash "$repo/packaging/build.sh"
dist=${MT_DIST:-$repo/dist}
version=$(sed -n 's/^version = "\([0-9.]*\)".*/\1/p' "$repo/Cargo.toml" | head -n 1)
major=${version%%.*}
# The runtime package is named after the SONAME (packaging/debian/build-debs.sh).
runtime_deb=$(ls "$dist"/libmycelium-telemetry[0-9]*_"${version}"_amd64.deb)
runtime_package=$(dpkg-deb -f "$runtime_deb" Package)
triplet=x86_64-linux-gnu

tmp=$(mktemp -d /tmp/mt-packaging.XXXXXX)
dpkg_installed=""
cleanup() {
    if [ -n "$dpkg_installed" ]; then
        dpkg -r mycelium-telemetry-tools libmycelium-telemetry-dev "$runtime_package" >/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home" "$tmp/work"
cp "$repo/target/fault_collector/release/fault_collector" "$repo/packaging/tests/with_collector.py" \
    "$repo/packaging/tests/readme_example.py" "$tmp/"
cp -r "$repo/packaging/tests/programs" "$tmp/programs"
python_dir=$(dirname "$(python3 -c 'import sys; print(sys.executable)')")
go_dir=$(dirname "$(command -v go)")
clean_path="$python_dir:$go_dir:/usr/local/bin:/usr/bin:/bin"
failures=()
fail() {
    echo "packaging: FAILED: $*" >&2
    failures+=("$*")
}

# clean_in <folder> <env assignments...> <command...>: runs in <folder> with nothing of the
# caller's environment but what is named here; clean: the same in $tmp/work.
clean_in() {
    local folder=$1
    shift
    (cd "$folder" && env -i PATH="$clean_path" HOME="$tmp/home" LANG=C.UTF-8 TMPDIR="$tmp" "$@")
}
clean() { clean_in "$tmp/work" "$@"; }
# sent <name> [VAR=value...] <command...>: the command's events must reach the collector.
sent() {
    local name=$1
    shift
    clean MT_FAULT_COLLECTOR="$tmp/fault_collector" python3 "$tmp/with_collector.py" \
        --name "$name" --expect agent_usage,performance,error,system_info -- env "$@"
}
# example <binding> <file> [language]: the binding README's example, extracted as written.
example() {
    mkdir -p "$(dirname "$2")"
    python3 "$tmp/readme_example.py" extract "$repo/bindings/$1/README.md" "$2" ${3:+"$3"} ||
        fail "bindings/$1/README.md: no example to run"
}
# readme <name> <folder> [VAR=value...] <command...>: runs the example extracted into <folder>
# there; it must write its local-only output with each event type.
readme() {
    local name=$1 folder=$2
    shift 2
    rm -f "$folder/telemetry-preview.jsonl"
    if clean_in "$folder" "$@" >/dev/null &&
        python3 "$tmp/readme_example.py" check "$folder/telemetry-preview.jsonl"; then
        echo "$name: the README's example ran as written"
    else
        fail "$name: the README's example"
    fi
}

# The clean places really are: no Rust toolchain on their PATH.
if clean sh -c 'command -v cargo || command -v rustc'; then
    fail "the clean environment reaches a Rust toolchain"
fi

# ---- the versions agree -----------------------------------------------------------------------
versions() {
    local problems=()
    agree() { [ "$2" = "$version" ] || problems+=("$1 says '$2'"); }
    local deb
    for deb in "$dist"/*.deb; do
        agree "$(basename "$deb")" "$(dpkg-deb -f "$deb" Version)"
    done
    mkdir -p "$tmp/versions"
    dpkg-deb -x "$dist/libmycelium-telemetry-dev_${version}_amd64.deb" "$tmp/versions"
    dpkg-deb -x "$runtime_deb" "$tmp/versions"
    local libdir=$tmp/versions/usr/lib/$triplet
    agree "SONAME (major)" "$(readelf -d "$libdir/libmycelium_telemetry.so.$version" |
        sed -n 's/.*soname: \[libmycelium_telemetry\.so\.\([0-9]*\)\]/\1/p').${version#*.}"
    agree "mycelium_telemetry.pc" "$(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --modversion mycelium_telemetry)"
    agree "MyceliumTelemetryConfigVersion.cmake" "$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")/\1/p' \
        "$libdir/cmake/MyceliumTelemetry/MyceliumTelemetryConfigVersion.cmake")"
    agree "MT_VERSION_* in the installed header" "$(sed -n 's/^#define MT_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' \
        "$tmp/versions/usr/include/mycelium_telemetry.h" | paste -sd.)"
    agree "wheel METADATA" "$(unzip -p "$dist"/*.whl '*.dist-info/METADATA' | sed -n 's/^Version: //p')"
    agree "npm package.json" "$(tar -xOzf "$dist/mycelium-telemetry-$version.tgz" package/package.json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')"
    agree "gem" "$(gem spec "$dist"/*.gem version | sed -n 's/^version: //p')"
    agree "the tarball's folder" "$(tar -tzf "$dist"/mycelium-telemetry-*-x86_64-linux.tar.gz | head -n 1 |
        sed -n 's/^mycelium-telemetry-\([0-9.]*\)-x86_64-linux.*/\1/p')"
    if ((${#problems[@]})); then
        printf 'packaging: %s, Cargo.toml says %s\n' "${problems[@]/%/}" "$version" >&2
        return 1
    fi
    echo "versions: every package says $version"
}
versions || fail "versions"

# ---- lintian ----------------------------------------------------------------------------------
# Errors and warnings fail; the info tags left are overridden in packaging/debian/lintian with
# the reason, so --display-info shows nothing either.
lint_status=0
lint=$(lintian --fail-on error,warning --display-info "$dist"/*.deb 2>&1) || lint_status=$?
lint=$(grep -v 'running with root privileges' <<<"$lint" || true)
if [ "$lint_status" -ne 0 ] || [ -n "$lint" ]; then
    echo "$lint" >&2
    fail "lintian (exit $lint_status)"
else
    echo "lintian: the three .debs are clean"
fi

# ---- the .debs, unpacked into a temporary root ------------------------------------------------
root=$tmp/root
for deb in "$dist"/*.deb; do dpkg-deb -x "$deb" "$root"; done
libdir=$root/usr/lib/$triplet
c_build() { # c_build <output> <pkg-config environment...>: send.c through pkg-config
    local output=$1
    shift
    clean "$@" sh -c 'gcc -Wall -Werror -o "$0" "$1" $(pkg-config --cflags --libs mycelium_telemetry)' \
        "$output" "$tmp/programs/send.c"
}
if c_build "$tmp/send_c" PKG_CONFIG_PATH="$libdir/pkgconfig"; then
    sent "debs (unpacked): C via pkg-config" LD_LIBRARY_PATH="$libdir" "$tmp/send_c" || fail "debs: C via pkg-config"
else
    fail "debs: building C via pkg-config"
fi
if clean cmake -S "$tmp/programs" -B "$tmp/cmake-unpacked" -DCMAKE_PREFIX_PATH="$root/usr" \
    -DMT_EXPECTED_VERSION="$version" >/dev/null && clean cmake --build "$tmp/cmake-unpacked" >/dev/null; then
    sent "debs (unpacked): C++ via CMake find_package" LD_LIBRARY_PATH="$libdir" "$tmp/cmake-unpacked/send_cpp" ||
        fail "debs: C++ via CMake"
else
    fail "debs: building C++ via CMake find_package"
fi
example cpp "$tmp/readme-cpp/CMakeLists.txt" cmake && example cpp "$tmp/readme-cpp/main.cpp" cpp
if clean cmake -S "$tmp/readme-cpp" -B "$tmp/readme-cpp/build" -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null &&
    clean cmake --build "$tmp/readme-cpp/build" >/dev/null; then
    readme "debs (unpacked): C++" "$tmp/readme-cpp" LD_LIBRARY_PATH="$libdir" "$tmp/readme-cpp/build/example"
else
    fail "debs: building the C++ README's example"
fi

# ---- the .debs, installed and removed with dpkg -----------------------------------------------
# Only as root, only where dpkg is the package manager, and only when no copy of the library is
# installed already (a machine's own installation is never replaced). MT_PACKAGING_DPKG=0 skips it
# on a machine shared with other test runs: while installed, the library is in the system's path.
if [ "${MT_PACKAGING_DPKG:-1}" != 0 ] && [ "$(id -u)" -eq 0 ] && command -v dpkg >/dev/null &&
    ! ldconfig -p | grep -q 'libmycelium_telemetry\.so'; then
    dpkg_installed=1
    if dpkg -i "$runtime_deb" \
        "$dist/libmycelium-telemetry-dev_${version}_amd64.deb" \
        "$dist/mycelium-telemetry-tools_${version}_amd64.deb" >/dev/null; then
        c_build "$tmp/send_c_system" && sent "debs (dpkg -i): C via pkg-config" "$tmp/send_c_system" ||
            fail "dpkg -i: C via pkg-config"
        clean cmake -S "$tmp/programs" -B "$tmp/cmake-system" -DMT_EXPECTED_VERSION="$version" >/dev/null &&
            clean cmake --build "$tmp/cmake-system" >/dev/null &&
            sent "debs (dpkg -i): C++ via CMake find_package" "$tmp/cmake-system/send_cpp" ||
            fail "dpkg -i: C++ via CMake"
        status=$(clean mycelium-telemetry status 2>&1) && echo "dpkg -i: mycelium-telemetry status: ${status%%$'\n'*}" ||
            fail "dpkg -i: mycelium-telemetry status ($status)"
        dpkg -r mycelium-telemetry-tools libmycelium-telemetry-dev "$runtime_package" >/dev/null
        dpkg_installed=""
        if ldconfig -p | grep -q 'libmycelium_telemetry\.so' || [ -e /usr/bin/mycelium-telemetry ]; then
            fail "dpkg -r left files behind"
        else
            echo "dpkg -r: removed, nothing left in the loader's cache or /usr/bin"
        fi
    else
        fail "dpkg -i"
    fi
else
    echo "dpkg -i/-r: skipped (not root, MT_PACKAGING_DPKG=0, or a libmycelium_telemetry is installed already)"
fi

# ---- the tarball, with the Go module ------------------------------------------------------------
mkdir -p "$tmp/opt"
tar -xzf "$dist/mycelium-telemetry-$version-x86_64-linux.tar.gz" -C "$tmp/opt"
prefix=$tmp/opt/mycelium-telemetry-$version-x86_64-linux
# What `go get` would download: the module's files without its tests, in a folder of its own.
gomod=$tmp/gomodule
mkdir -p "$gomod"
(cd "$repo/bindings/go" && git ls-files -- ':!*_test.go' ':!test.sh' ':!internal' ':!cmd' ':!example' |
    xargs cp --parents -t "$gomod")
module=$(sed -n 's/^module //p' "$gomod/go.mod")
go_program() { # go_program <folder> <main.go>: a module of its own that requires only the binding
    mkdir -p "$1"
    cp "$2" "$1/main.go"
    printf 'module example.com/mtclean\n\ngo 1.24\n\nrequire %s v%s\n\nreplace %s => %s\n' \
        "$module" "$version" "$module" "$gomod" >"$1/go.mod"
}
go_env=(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=off
    GOCACHE="$(go env GOCACHE)" CGO_ENABLED=1)
go_program "$tmp/go-send" "$tmp/programs/send.go"
if (cd "$tmp/go-send" && env -i PATH="$clean_path" HOME="$tmp/home" "${go_env[@]}" go build -o "$tmp/send_go" .); then
    sent "tarball: Go module via pkg-config" LD_LIBRARY_PATH="$prefix/lib" "$tmp/send_go" || fail "tarball: Go"
else
    fail "tarball: go build"
fi
mkdir -p "$tmp/readme-go"
example go "$tmp/readme-go/example.go"
go_program "$tmp/readme-go" "$tmp/readme-go/example.go"
rm "$tmp/readme-go/example.go"
if (cd "$tmp/readme-go" && env -i PATH="$clean_path" HOME="$tmp/home" "${go_env[@]}" go build -o example .); then
    readme "tarball: Go" "$tmp/readme-go" LD_LIBRARY_PATH="$prefix/lib" ./example
else
    fail "tarball: go build of the README's example"
fi
sent "tarball: C via pkg-config" LD_LIBRARY_PATH="$prefix/lib" sh -c \
    'gcc -o "$0" "$1" $(PKG_CONFIG_PATH="$2" pkg-config --cflags --libs mycelium_telemetry) && "$0"' \
    "$tmp/send_tar" "$tmp/programs/send.c" "$prefix/lib/pkgconfig" || fail "tarball: C"

# ---- the wheel, in a fresh virtual environment --------------------------------------------------
clean python3 -m venv "$tmp/venv"
if clean "$tmp/venv/bin/pip" install --quiet --no-index "$dist"/*.whl; then
    sent "wheel: Python" "$tmp/venv/bin/python" "$tmp/programs/send.py" || fail "wheel: Python"
    example python "$tmp/readme-python/example.py"
    readme "wheel: Python" "$tmp/readme-python" "$tmp/venv/bin/python" example.py
else
    fail "wheel: pip install"
fi

# ---- the npm package, in an empty project ------------------------------------------------------
mkdir -p "$tmp/npm"
if (cd "$tmp/npm" && env -i PATH="$clean_path" HOME="$tmp/home" npm_config_cache="$(npm config get cache)" \
    npm install --no-audit --no-fund --silent "$dist/mycelium-telemetry-$version.tgz" >/dev/null); then
    cp "$tmp/programs/send.js" "$tmp/npm/"
    sent "npm: Node" sh -c 'cd "$0" && node send.js' "$tmp/npm" || fail "npm: Node"
    example node "$tmp/npm/example.js"
    readme "npm: Node" "$tmp/npm" node example.js
else
    fail "npm install"
fi

# ---- the gem, in its own GEM_HOME ---------------------------------------------------------------
if clean GEM_HOME="$tmp/gems" gem install --local --no-document --quiet "$dist"/*.gem >/dev/null; then
    sent "gem: Ruby" GEM_HOME="$tmp/gems" ruby "$tmp/programs/send.rb" || fail "gem: Ruby"
    example ruby "$tmp/readme-ruby/example.rb"
    readme "gem: Ruby" "$tmp/readme-ruby" GEM_HOME="$tmp/gems" ruby example.rb
else
    fail "gem install"
fi

echo
if ((${#failures[@]})); then
    printf 'packaging: FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "packaging: every package installed and worked in a clean place"
