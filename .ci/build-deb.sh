#!/usr/bin/env bash
# Builds the Debian package kiosk_VERSION_ARCH.deb with dpkg-deb only (no debhelper, no
# dpkg-dev): release binaries with the Swift runtime linked in statically (full RELRO,
# BIND_NOW), the systemd unit, sysusers.d and tmpfiles.d files, the udev rules, the data the
# binaries read (printer profiles, scanner keymaps, the example configuration and catalog) in
# /usr/share/kiosk, man pages, bash completion, changelog and copyright; xz members. The live
# configuration in /etc/kiosk is no conffile: postinst makes it from the examples when absent.
# The version is the first entry of systemd/debian/changelog (upstream part = the source's).
#
#   .ci/build-deb.sh [OUTDIR]        (default OUTDIR: out/)
#
# Environment:
#   KIOSK_BIN_DIR=DIR   take kioskd, kioskctl and kiosk-central from DIR instead of building
#                       (built as below: .ci/release-flags.sh)
#   KIOSK_BUILD_PATH    SwiftPM build folder for the release build (default .build-release:
#                       apart from the debug build, whose link flags it would otherwise change)
#   KIOSK_STRIP=no      keep the symbols (default: strip them, 75 MB -> 59 MB a binary)
#
# Prints the path of the .deb on its last line.
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
repo=$(pwd)
out=${1:-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)

upstream=$(sed -n 's/^public let kioskSoftwareVersion = "\(.*\)"$/\1/p' Sources/KioskConfig/ServiceVersion.swift)
[ -n "$upstream" ] || { echo "build-deb: no version in Sources/KioskConfig/ServiceVersion.swift" >&2; exit 1; }
version=$(sed -n '1s/^kiosk (\([^)]*\)) .*/\1/p' systemd/debian/changelog)
if [ "${version%-*}" != "$upstream" ]; then
    echo "build-deb: systemd/debian/changelog's first entry is ${version:-missing}, the source is $upstream:" >&2
    echo "build-deb: add an entry 'kiosk ($upstream-1) ...' at the top of the changelog" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)
products=(kioskd kioskctl kiosk-central)

# 1. Binaries.
if [ -n "${KIOSK_BIN_DIR:-}" ]; then
    bindir=$KIOSK_BIN_DIR
else
    # How a release binary is built: .ci/release-flags.sh (static Swift runtime, full RELRO,
    # lld with packed relative relocations, no exported symbols).
    # shellcheck source=.ci/release-flags.sh
    source .ci/release-flags.sh
    flags=("${release_flags[@]}")
    for product in "${products[@]}"; do
        echo "build-deb: swift build ${flags[*]} --product $product" >&2
        swift build "${flags[@]}" --product "$product" >&2
    done
    bindir=$(swift build "${flags[@]}" --show-bin-path)
fi
for product in "${products[@]}"; do
    [ -x "$bindir/$product" ] || { echo "build-deb: $bindir/$product is missing" >&2; exit 1; }
done

# 2. The package tree.
stage="$out/kiosk_${version}_${arch}"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"
put() { # put MODE SOURCE DESTINATION
    install -D -m "$1" "$repo/$2" "$stage$3"
}
for product in "${products[@]}"; do
    install -D -m 0755 "$bindir/$product" "$stage/usr/bin/$product"
    if [ "${KIOSK_STRIP:-yes}" != no ]; then strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/$product"; fi
done
put 0644 systemd/kioskd.service /lib/systemd/system/kioskd.service
put 0644 systemd/kiosk.sysusers /usr/lib/sysusers.d/kiosk.conf
put 0644 systemd/kiosk.tmpfiles /usr/lib/tmpfiles.d/kiosk.conf
put 0644 Hardware/udev/60-kiosk.rules /lib/udev/rules.d/60-kiosk.rules
# What kioskd and kioskctl read at run time (HardwareData: /usr/share/kiosk).
for file in Hardware/printers/*.conf; do put 0644 "$file" "/usr/share/kiosk/printers/$(basename "$file")"; done
for file in Hardware/keymaps/*.keymap; do put 0644 "$file" "/usr/share/kiosk/keymaps/$(basename "$file")"; done
# The examples: postinst copies kiosk.conf, procedures.conf and holidays.conf to /etc/kiosk
# when absent; kioskd --demo takes the catalog and holidays from here.
for file in kiosk.conf procedures.conf holidays.conf kiosk.dev.conf; do
    put 0644 "Hardware/examples/$file" "/usr/share/kiosk/examples/$file"
done
# Documentation: man pages (troff in docs/man), changelog, copyright, bash completion.
for page in docs/man/*.[1-8]; do
    name=$(basename "$page")
    install -d "$stage/usr/share/man/man${name##*.}"
    gzip -9n < "$page" > "$stage/usr/share/man/man${name##*.}/$name.gz"
    chmod 0644 "$stage/usr/share/man/man${name##*.}/$name.gz"
done
install -d "$stage/usr/share/doc/kiosk"
gzip -9n < systemd/debian/changelog > "$stage/usr/share/doc/kiosk/changelog.Debian.gz"
chmod 0644 "$stage/usr/share/doc/kiosk/changelog.Debian.gz"
put 0644 systemd/debian/copyright /usr/share/doc/kiosk/copyright
put 0644 systemd/debian/completions/kioskctl /usr/share/bash-completion/completions/kioskctl
put 0644 docs/install.md /usr/share/doc/kiosk/install.md
put 0644 README.md /usr/share/doc/kiosk/README.md
for doc in kiosk-central.md tracking-code.md appointment-dates.md; do
    if [ -f "docs/$doc" ]; then put 0644 "docs/$doc" "/usr/share/doc/kiosk/$doc"; fi
done

# 3. Depends: for each shared library the binaries need (ELF NEEDED), the package that has it,
# at the lowest version with every versioned symbol they use (what dpkg-shlibdeps does, from
# the symbols files in /var/lib/dpkg/info; the shlibs file when there is none).
depends_of() { # depends_of BINARY... -> lines "package minimum-version-or-empty"
    local needed undefined
    needed=$(readelf -d -W "$@" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
    # Plus each version node the binaries need, as NODE@NODE: the symbols files list those too,
    # and GLIBC_ABI_DT_RELR (packed relocations, build flags above) is one with no symbol (2.36).
    undefined=$({ readelf --dyn-syms -W "$@" | awk '$7 == "UND" && $8 != "" { s = $8; sub(/ \(.*/, "", s); if (index(s, "@") == 0) s = s "@Base"; print s }'
        readelf -V -W "$@" | sed -n 's/.*Name: \([A-Za-z_][A-Za-z0-9_.]*\) .*Flags.*/\1@\1/p'; } | sort -u)
    for soname in $needed; do
        local symbols shlibs
        symbols=$(grep -l "^${soname//./\\.} " /var/lib/dpkg/info/*.symbols 2>/dev/null | head -n 1 || true)
        if [ -n "$symbols" ]; then
            # The soname's section of the symbols file: package name, then each used symbol's minimum.
            printf '%s\n' "$undefined" | awk -v soname="$soname" '
                NR == FNR { used[$0] = 1; next }
                /^[^ |*#]/ { insection = ($1 == soname); if (insection) package = $2; next }
                insection && /^ / && ($1 in used) { versions[$2] = 1 }
                END { n = 0; for (v in versions) { print package, v; n++ } if (n == 0) print package, "" }
            ' - "$symbols"
        else
            local name=${soname%%.so*} number=${soname##*.so.}
            shlibs=$(awk -v n="$name" -v v="$number" '!found && $1 == n && $2 == v { found = 1; $1 = ""; $2 = ""; sub(/^  /, ""); print }' /var/lib/dpkg/info/*.shlibs)
            [ -n "$shlibs" ] || { echo "build-deb: no Debian package provides $soname" >&2; return 1; }
            printf '%s\n' "$shlibs" | sed -n 's/^\([^ ]*\) *(>= *\([^)]*\)).*/\1 \2/p; t; s/^\([^ ]*\)$/\1 /p'
        fi
    done
}
declare -A minimum=()
requirements=$(depends_of "${products[@]/#/$stage/usr/bin/}")
while read -r package minversion; do
    [ -n "$package" ] || continue
    current=${minimum[$package]-}
    if [ -z "$current" ] || { [ -n "$minversion" ] && dpkg --compare-versions "$minversion" gt "$current"; }; then
        minimum[$package]=$minversion
    fi
done <<<"$requirements"
depends=""
for package in $(printf '%s\n' "${!minimum[@]}" | sort); do
    entry=$package
    [ -z "${minimum[$package]}" ] || entry="$package (>= ${minimum[$package]})"
    depends="${depends:+$depends, }$entry"
done
# systemd-sysusers and systemd-tmpfiles (postinst); the unit's settings need systemd 252.
depends="$depends, systemd (>= 252)"
# deb-systemd-helper and deb-systemd-invoke (maintainer scripts); unifont: the bitmap font of
# the raster lines that print Vietnamese on printers without a Vietnamese code page.
depends="$depends, init-system-helpers (>= 1.54~), unifont"

# 4. Control files.
installed_size=$(du -k -s --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$installed_size|" \
    -e "s|@DEPENDS@|$depends|" systemd/debian/control.in > "$stage/DEBIAN/control"
for script in postinst prerm postrm; do
    install -m 0755 "systemd/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) \
    > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

# 5. The archive: files owned by root whoever builds it.
deb="$out/kiosk_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "build-deb: Depends: $depends" >&2
echo "$deb"
