#!/usr/bin/env bash
# Splits the staged CMake install (a /usr tree) into the three Debian packages and builds them with
# dpkg-deb: no debian/ source package and no debhelper, since cargo and CMake already did the
# build; what debhelper would add (md5sums, the ldconfig trigger, shlibs, the copyright and
# changelog files, root ownership, fixed dates) is written here. Called by packaging/build.sh:
#   build-debs.sh <staged-root> <dist> <version> <tool>...
set -euo pipefail
root=$1 dist=$2 version=$3
shift 3
tools=("$@")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
triplet=x86_64-linux-gnu
libdir=usr/lib/$triplet
sofile=libmycelium_telemetry.so.$version
# The runtime package is named after the SONAME (Debian policy 8.1): libmycelium_telemetry.so.0
# goes in libmycelium-telemetry0, and a new SONAME makes a new package that installs beside it.
soname=$(readelf -d "$root/$libdir/$sofile" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
sonumber=${soname#libmycelium_telemetry.so.}
lib0=libmycelium-telemetry$sonumber
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
maintainer="mycelium-telemetry maintainers <maintainers@mycelium-telemetry.org>"

# The oldest glibc the files need, read from their versioned symbols, so Depends is not a guess.
libc_floor() {
    objdump -T "$@" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1
}
# libgcc-s1 only for files that link it.
runtime_depends() {
    local depends="libc6 (>= $(libc_floor "$@"))"
    if readelf -d "$@" | grep -q 'NEEDED.*libgcc_s\.so\.1'; then
        depends+=", libgcc-s1 (>= 4.2)"
    fi
    echo "$depends"
}

new_package() { # new_package <name>: an empty tree with the copyright and changelog files
    local name=$1 doc
    doc=$work/$name/usr/share/doc/$name
    mkdir -p "$work/$name/DEBIAN" "$doc"
    install -m 0644 "$here/copyright" "$doc/copyright"
    # A native package's changelog (Debian's format); the project's own is CHANGELOG.md.
    {
        echo "$name ($version) unstable; urgency=medium"
        echo
        echo "  * Release $version; the changes are listed in the project's CHANGELOG.md."
        echo
        echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
    } | gzip -9n >"$doc/changelog.gz"
    touch -d "@$SOURCE_DATE_EPOCH" "$doc/changelog.gz"
}

move() { # move <package> <path under the staged root>...: into the package, same place
    local package=$1 path
    shift
    for path in "$@"; do
        mkdir -p "$work/$package/$(dirname "$path")"
        cp -a "$root/$path" "$work/$package/$path"
    done
}

finish() { # finish <package> <control fields...>: permissions, md5sums, control, dpkg-deb
    local package=$1 tree
    shift
    tree=$work/$package
    if [ -f "$here/lintian/$package" ]; then
        install -D -m 0644 "$here/lintian/$package" "$tree/usr/share/lintian/overrides/$package"
    fi
    find "$tree" -type d -exec chmod 0755 {} +
    find "$tree" -type f ! -path "$tree/usr/bin/*" ! -path "$tree/DEBIAN/*" -exec chmod 0644 {} +
    (cd "$tree" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
    chmod 0644 "$tree/DEBIAN/md5sums"
    {
        echo "Package: $package"
        echo "Source: mycelium-telemetry"
        echo "Version: $version"
        echo "Architecture: amd64"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
        printf '%s\n' "$@"
        echo "Homepage: https://github.com/mycelium-telemetry/mycelium-telemetry"
    } >"$tree/DEBIAN/control"
    find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group "-Z${MT_DEB_COMPRESSION:-xz}" --build "$tree" "$dist/${package}_${version}_amd64.deb" >/dev/null
}

# ---- the runtime library ----------------------------------------------------------------------
new_package "$lib0"
move "$lib0" "$libdir/$sofile" "$libdir/$soname"
echo "libmycelium_telemetry $sonumber $lib0 (>= $version)" >"$work/$lib0/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$work/$lib0/DEBIAN/triggers"
chmod 0644 "$work/$lib0/DEBIAN/shlibs" "$work/$lib0/DEBIAN/triggers"
finish "$lib0" \
    "Multi-Arch: same" \
    "Section: libs" \
    "Priority: optional" \
    "Depends: $(runtime_depends "$root/$libdir/$sofile")" \
    "Description: privacy-first, opt-in usage telemetry (shared library)" \
    " A small native library with a C ABI that records usage events only after the" \
    " user opted in, hashes identifiers, scrubs personal data and secrets from every" \
    " string, and sends batches over HTTPS without ever blocking its host." \
    " ." \
    " This package contains the shared library."

# ---- headers, static library, pkg-config and CMake files --------------------------------------
dev=libmycelium-telemetry-dev
new_package "$dev"
move "$dev" usr/include "$libdir/libmycelium_telemetry.so" "$libdir/libmycelium_telemetry.a" \
    "$libdir/pkgconfig" "$libdir/cmake"
finish "$dev" \
    "Multi-Arch: same" \
    "Section: libdevel" \
    "Priority: optional" \
    "Depends: $lib0 (= $version)" \
    "Description: privacy-first, opt-in usage telemetry (development files)" \
    " A small native library with a C ABI that records usage events only after the" \
    " user opted in, hashes identifiers, scrubs personal data and secrets from every" \
    " string, and sends batches over HTTPS without ever blocking its host." \
    " ." \
    " This package contains the C header, the header-only C++17 binding, the static" \
    " library, the pkg-config file mycelium_telemetry.pc and the CMake package" \
    " MyceliumTelemetry."

# ---- the commands -----------------------------------------------------------------------------
tools_package=mycelium-telemetry-tools
new_package "$tools_package"
binaries=()
for tool in "${tools[@]}"; do
    move "$tools_package" "usr/bin/$tool"
    binaries+=("$root/usr/bin/$tool")
    page=$work/$tools_package/usr/share/man/man1/$tool.1
    mkdir -p "$(dirname "$page")"
    if [ -f "$here/man/$tool.1" ]; then
        install -m 0644 "$here/man/$tool.1" "$page"
    else
        # A command without a page of its own here (one added by a later change) gets its own
        # --help text, so the package never ships a command without a manual page.
        {
            echo ".TH ${tool^^} 1 \"\" \"mycelium-telemetry\" \"User Commands\""
            echo ".SH NAME"
            echo "$tool \\- part of mycelium-telemetry"
            echo ".SH DESCRIPTION"
            echo ".nf"
            timeout 10 "$root/usr/bin/$tool" --help 2>&1 </dev/null | sed 's/\\/\\e/g; s/^[.'"'"']/\\\&&/' || true
            echo ".fi"
        } >"$page"
    fi
    gzip -9n "$work/$tools_package/usr/share/man/man1/$tool.1"
done
finish "$tools_package" \
    "Section: utils" \
    "Priority: optional" \
    "Depends: $(runtime_depends "${binaries[@]}")" \
    "Description: privacy-first, opt-in usage telemetry (commands)" \
    " A small native library with a C ABI that records usage events only after the" \
    " user opted in, hashes identifiers, scrubs personal data and secrets from every" \
    " string, and sends batches over HTTPS without ever blocking its host." \
    " ." \
    " This package contains the mycelium-telemetry command, which shows and changes" \
    " the user's recorded choice and what was sent or kept locally, and the" \
    " mycelium-collector reference collector when it is part of the release."
