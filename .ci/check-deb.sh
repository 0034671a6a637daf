#!/usr/bin/env bash
# Builds the Debian package with .ci/build-deb.sh and checks it:
#   - `dpkg-deb --contents` lists every file the package must ship, with its mode — every
#     printer profile, keymap and example of Hardware/, whatever its file name ends in;
#   - xz members, no conffiles, `lintian` with no errors (warnings listed; docs/install.md
#     explains each), full RELRO and BIND_NOW, no `systemctl` but daemon-reload in the
#     maintainer scripts;
#   - the binaries need no Swift runtime from the toolchain (only Debian's libraries);
#   - it installs into a throw-away root (`dpkg --root`, maintainer scripts run chrootless
#     with DPKG_ROOT set): user and groups, directories, enabled unit, /etc/kiosk made from
#     the examples;
#   - the installed unit verifies against the installed kioskd;
#   - a reinstall keeps the edited configuration; purge removes /etc/kiosk (central.key
#     too), keeps /var/lib/kiosk and says so, without naming the kioskctl it removed.
# .ci/check-installed.sh installs the package for real and runs it as the kiosk user.
#
#   .ci/check-deb.sh                 (KIOSK_DEB=FILE: check that package instead of building;
#                                     KIOSK_BIN_DIR=DIR: package prebuilt binaries;
#                                     KIOSK_DEB_OUT=DIR: build into DIR and leave it there)
#
# One "PASS:" or "FAIL:" line a check; exit status 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$(id -u)" = 0 ] || { echo "FAIL: run as root (the test install sets owners in a throw-away root)"; exit 1; }
for tool in dpkg-deb dpkg readelf strip systemd-analyze systemd-sysusers systemd-tmpfiles systemctl lintian deb-systemd-helper; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Build.
if [ -n "${KIOSK_DEB:-}" ]; then
    deb=$KIOSK_DEB
else
    started=$(date +%s)
    # KIOSK_DEB_OUT=DIR: leave the package there (for .ci/check-installed.sh).
    if ! deb=$(.ci/build-deb.sh "${KIOSK_DEB_OUT:-$work/out}" 2>"$work/build.log" | tail -n 1) || [ ! -f "$deb" ]; then
        fail "build-deb.sh did not build a package:"
        tail -n 30 "$work/build.log" | sed 's/^/    /'
        exit 1
    fi
    pass "built $(basename "$deb") in $(($(date +%s) - started)) s ($(du -m "$deb" | cut -f1) MB); $(grep '^build-deb: Depends:' "$work/build.log" | sed 's/^build-deb: //')"
fi
version=$(dpkg-deb --field "$deb" Version)
arch=$(dpkg-deb --field "$deb" Architecture)
[ "$(dpkg-deb --field "$deb" Package)" = kiosk ] || fail "package name is not kiosk"
[ "$(basename "$deb")" = "kiosk_${version}_${arch}.deb" ] || fail "file name $(basename "$deb") does not match kiosk_${version}_${arch}.deb"
source_version=$(sed -n 's/^public let kioskSoftwareVersion = "\(.*\)"$/\1/p' Sources/KioskConfig/ServiceVersion.swift)
changelog_version=$(sed -n '1s/^kiosk (\([^)]*\)) .*/\1/p' systemd/debian/changelog)
if [ "$version" = "$changelog_version" ] && [ "${version%-*}" = "$source_version" ]; then
    pass "version $version, from debian/changelog; upstream $source_version as ServiceVersion.swift"
else
    fail "version $version; debian/changelog says $changelog_version, ServiceVersion.swift $source_version"
fi

# 2. Contents: every file with its mode, owned by root.
dpkg-deb --contents "$deb" > "$work/contents"
expected=(
    "-rwxr-xr-x ./usr/bin/kioskd"
    "-rwxr-xr-x ./usr/bin/kioskctl"
    "-rwxr-xr-x ./usr/bin/kiosk-central"
    "-rw-r--r-- ./lib/systemd/system/kioskd.service"
    "-rw-r--r-- ./usr/lib/sysusers.d/kiosk.conf"
    "-rw-r--r-- ./usr/lib/tmpfiles.d/kiosk.conf"
    "-rw-r--r-- ./lib/udev/rules.d/60-kiosk.rules"
    "-rw-r--r-- ./usr/share/doc/kiosk/install.md"
    "-rw-r--r-- ./usr/share/doc/kiosk/README.md"
    "-rw-r--r-- ./usr/share/doc/kiosk/changelog.Debian.gz"
    "-rw-r--r-- ./usr/share/doc/kiosk/copyright"
    "-rw-r--r-- ./usr/share/bash-completion/completions/kioskctl"
    "-rw-r--r-- ./usr/share/man/man8/kioskd.8.gz"
    "-rw-r--r-- ./usr/share/man/man8/kioskctl.8.gz"
    "-rw-r--r-- ./usr/share/man/man8/kiosk-central.8.gz"
    "-rw-r--r-- ./usr/share/man/man5/kiosk.conf.5.gz"
)
# Every data file of Hardware/ the binaries read — whatever its name ends in (the keymaps are
# *.keymap: a *.conf pattern here once let a package without them pass).
for kind in printers keymaps examples; do
    for file in Hardware/$kind/*; do
        [ -f "$file" ] && expected+=("-rw-r--r-- ./usr/share/kiosk/$kind/$(basename "$file")")
    done
done
for page in docs/man/*.[1-8]; do
    expected+=("-rw-r--r-- ./usr/share/man/man${page##*.}/$(basename "$page").gz")
done
missing=0
for entry in "${expected[@]}"; do
    mode=${entry%% *} path=${entry#* }
    if ! awk -v m="$mode" -v p="$path" '$1 == m && $2 == "root/root" && $NF == p { found = 1 } END { exit !found }' "$work/contents"; then
        fail "dpkg-deb --contents: no '$path' with mode $mode owned by root/root"
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ] && pass "dpkg-deb --contents lists all ${#expected[@]} expected files, modes and owners"
if awk '$1 !~ /^d/ && $2 != "root/root" { bad = 1 } END { exit !bad }' "$work/contents"; then
    fail "files not owned by root/root in the package"
fi
dpkg-deb --ctrl-tarfile "$deb" | tar -t | sort > "$work/control-files"
for file in ./control ./md5sums ./postinst ./prerm ./postrm; do
    grep -qxF "$file" "$work/control-files" || fail "control archive has no $file"
done
# No conffiles: a conffile the technician edited makes every upgrade ask (and a
# non-interactive one stop) — the live configuration is made by postinst instead.
if grep -qxF ./conffiles "$work/control-files"; then
    fail "conffiles: $(dpkg-deb --info "$deb" conffiles | tr '\n' ' ')(the configuration must be no conffile)"
else
    pass "no conffiles: upgrades never stop at a conffile prompt"
fi
members=$(ar t "$deb" | tr '\n' ' ')
if [ "$members" = "debian-binary control.tar.xz data.tar.xz " ]; then
    pass "members: $members"
else
    fail "members are $members (want control.tar.xz and data.tar.xz)"
fi
# lintian: no errors; every warning must be explained in docs/install.md ("Lintian").
lintian --no-tag-display-limit --display-info "$deb" > "$work/lintian" 2>&1 || true
errors=$(grep -c '^E: ' "$work/lintian" || true)
warnings=$(grep '^W: ' "$work/lintian" | awk '{ print $3 }' | sort -u)
unexplained=""
for tag in $warnings; do
    grep -q "$tag" docs/install.md || unexplained="$unexplained $tag"
done
if [ "$errors" = 0 ] && [ -z "$unexplained" ]; then
    pass "lintian: no errors; warnings, each explained in docs/install.md: $(echo $warnings | tr '\n' ' ')"
else
    fail "lintian: $errors error(s); warnings not explained in docs/install.md:${unexplained:- none}"
    grep -E '^(E|W): ' "$work/lintian" | sed 's/^/    /'
fi
grep -E '^(I|P|X): ' "$work/lintian" | sed 's/^/    lintian /' || true
depends=$(dpkg-deb --field "$deb" Depends)
for package in libc6 libsqlite3-0 libssl3 systemd; do
    [[ ", $depends" == *", $package"* ]] || fail "Depends has no $package: $depends"
done
for script in postinst prerm postrm; do
    dpkg-deb --info "$deb" "$script" > "$work/$script"
    sh -n "$work/$script" || fail "$script: shell syntax error"
    # As lintian's maintainer-script-calls-systemctl: only daemon-reload may call systemctl.
    if grep -vE '^\s*#' "$work/$script" | grep -E '(^|;|&&|\|\|)\s*systemctl\b' | grep -v daemon-reload | grep -q .; then
        fail "$script calls systemctl (use deb-systemd-helper / deb-systemd-invoke)"
    fi
done

# 3. A throw-away root.
root="$work/root"
# /etc as every system has it (the package ships nothing in /etc: postinst makes /etc/kiosk).
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers" "$root/etc"
touch "$root/var/lib/dpkg/status"
dpkg_root() {
    dpkg --root="$root" --log=/dev/null --force-script-chrootless --force-not-root --force-depends \
        --force-confold --no-triggers "$@"
}
if dpkg_root --install "$deb" > "$work/install.log" 2>&1; then
    pass "dpkg --root=DIR --install: maintainer scripts ran with DPKG_ROOT"
else
    fail "dpkg --root=DIR --install failed:"
    sed 's/^/    /' "$work/install.log"
fi
status=$(dpkg --root="$root" --status kiosk 2>/dev/null | sed -n 's/^Status: //p')
[ "$status" = "install ok installed" ] && pass "dpkg status: $status" || fail "dpkg status: '$status'"
for entry in "${expected[@]}"; do
    path=${entry#* }
    [ -f "$root/${path#./}" ] || fail "installed root has no ${path#.}"
done
# The binaries: no library of the Swift toolchain, only Debian's.
for binary in kioskd kioskctl kiosk-central; do
    needed=$(readelf -d -W "$root/usr/bin/$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
    runpath=$(readelf -d -W "$root/usr/bin/$binary" | sed -n 's/.*(R.*PATH).*\[\(.*\)\]/\1/p')
    if ! readelf -d -W "$root/usr/bin/$binary" | grep -qE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' ||
        ! readelf -l -W "$root/usr/bin/$binary" | grep -q GNU_RELRO; then
        fail "$binary is not linked with full RELRO (-z relro -z now)"
    fi
    if [[ $needed == *swift* || $needed == *Foundation* || $needed == *dispatch* ]]; then
        fail "$binary needs the Swift toolchain's libraries: $needed"
    elif [ -n "$runpath" ]; then
        fail "$binary has a run path ($runpath): build with --disable-local-rpath"
    elif out=$(env -i PATH=/usr/bin:/bin "$root/usr/bin/$binary" --help 2>&1 | head -n 1) && [ -n "$out" ]; then
        pass "$binary runs from the package (NEEDED: $needed)"
    else
        fail "$binary does not run: $out"
    fi
done
if [ "$("$root/usr/bin/kioskd" --version 2>&1)" = "kioskd ${version%-*}" ]; then
    pass "kioskd --version says ${version%-*}"
else
    fail "kioskd --version says '$("$root/usr/bin/kioskd" --version 2>&1)'"
fi
# What postinst did.
uid=$(awk -F: '$1 == "kiosk" { print $3 }' "$root/etc/passwd" 2>/dev/null)
gid_tech=$(awk -F: '$1 == "kiosk-tech" { print $3 }' "$root/etc/group" 2>/dev/null)
if [ -n "$uid" ] && [ -n "$gid_tech" ]; then
    pass "postinst: user kiosk ($uid) and group kiosk-tech ($gid_tech) created in the root"
else
    fail "postinst: no user kiosk or group kiosk-tech in the root"
fi
[ "$(stat -c '%a %u' "$root/var/lib/kiosk" 2>/dev/null)" = "750 $uid" ] || fail "postinst: /var/lib/kiosk is not 0750 kiosk"
[ "$(stat -c '%a %g' "$root/run/kiosk" 2>/dev/null)" = "2750 $gid_tech" ] || fail "postinst: /run/kiosk is not 2750 group kiosk-tech"
wants="$root/etc/systemd/system/multi-user.target.wants/kioskd.service"
if [ "$(readlink "$wants")" = /lib/systemd/system/kioskd.service ]; then
    pass "postinst: kioskd.service enabled (multi-user.target.wants)"
else
    fail "postinst: kioskd.service is not enabled in the root"
fi
grep -q "enabled but not started" "$work/install.log" || fail "postinst: no next-steps note for the technician"
made=0
for file in kiosk.conf procedures.conf holidays.conf; do
    if cmp -s "$root/etc/kiosk/$file" "Hardware/examples/$file" && [ "$(stat -c %a "$root/etc/kiosk/$file")" = 644 ]; then
        made=$((made + 1))
    else
        fail "postinst: /etc/kiosk/$file is not the example, mode 0644"
    fi
done
[ "$made" = 3 ] && pass "postinst: /etc/kiosk/kiosk.conf, procedures.conf, holidays.conf made from the examples"
# The installed unit, verified against the installed binary.
mkdir -p "$work/unit"
sed "s|^ExecStart=/usr/bin/kioskd |ExecStart=$root/usr/bin/kioskd |" "$root/lib/systemd/system/kioskd.service" > "$work/unit/kioskd.service"
if out=$(systemd-analyze verify --man=no "$work/unit/kioskd.service" 2>&1) && [ -z "$out" ]; then
    pass "systemd-analyze verify of the installed unit with the installed kioskd: clean"
else
    fail "systemd-analyze verify of the installed unit: $out"
fi

# 4. Reinstall (as an upgrade does): an edited conffile stays; the enablement stays.
echo "# edited by the technician" >> "$root/etc/kiosk/kiosk.conf"
if dpkg_root --install "$deb" > "$work/reinstall.log" 2>&1 && grep -q "edited by the technician" "$root/etc/kiosk/kiosk.conf" && [ -L "$wants" ]; then
    pass "reinstall keeps the edited /etc/kiosk/kiosk.conf and the enablement"
else
    fail "reinstall lost the edited kiosk.conf or the enablement:"
    sed 's/^/    /' "$work/reinstall.log"
fi

# 5. Remove keeps the configuration; purge removes it and the key but keeps /var/lib/kiosk.
touch "$root/var/lib/kiosk/kiosk.db"
printf '%s\n' "0123456789abcdef0123456789abcdef" > "$root/etc/kiosk/central.key"
dpkg_root --remove kiosk > "$work/remove.log" 2>&1 || fail "dpkg --remove failed: $(cat "$work/remove.log")"
if [ ! -e "$root/usr/bin/kioskd" ] && [ -f "$root/etc/kiosk/kiosk.conf" ]; then
    pass "remove: binaries gone, configuration kept"
else
    fail "remove: binaries still there or configuration gone"
fi
dpkg_root --purge kiosk > "$work/purge.log" 2>&1 || fail "dpkg --purge failed: $(cat "$work/purge.log")"
if [ ! -e "$root/etc/kiosk" ] && [ ! -L "$wants" ] && [ -f "$root/var/lib/kiosk/kiosk.db" ] &&
    grep -q "/var/lib/kiosk was kept" "$work/purge.log" && ! grep -q kioskctl "$work/purge.log"; then
    pass "purge: /etc/kiosk (central.key too) and the enablement gone, /var/lib/kiosk kept, with a note that names no removed tool"
else
    fail "purge: expected /etc/kiosk and the enablement gone, /var/lib/kiosk kept, a note without kioskctl"
    ls -la "$root/etc/kiosk" 2>&1 | sed 's/^/    /'
    sed 's/^/    /' "$work/purge.log"
fi

echo "check-deb: $failures failure(s)"
[ "$failures" -eq 0 ]
