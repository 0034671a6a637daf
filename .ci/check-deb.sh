#!/usr/bin/env bash
# Builds the Debian package with .ci/build-deb.sh and checks it:
#   - `dpkg-deb --contents` lists every file the package must ship, with its mode;
#   - the binaries need no Swift runtime from the toolchain (only Debian's libraries);
#   - it installs into a throw-away root (`dpkg --root`, maintainer scripts run chrootless
#     with DPKG_ROOT set): user and groups, directories, enabled unit, registered conffiles;
#   - the installed unit verifies against the installed kioskd;
#   - a reinstall keeps an edited conffile; purge keeps /var/lib/kiosk.
#
#   .ci/check-deb.sh                 (KIOSK_DEB=FILE: check that package instead of building;
#                                     KIOSK_BIN_DIR=DIR: package prebuilt binaries)
#
# One "PASS:" or "FAIL:" line a check; exit status 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$(id -u)" = 0 ] || { echo "FAIL: run as root (the test install sets owners in a throw-away root)"; exit 1; }
for tool in dpkg-deb dpkg readelf strip systemd-analyze systemd-sysusers systemd-tmpfiles systemctl; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Build.
if [ -n "${KIOSK_DEB:-}" ]; then
    deb=$KIOSK_DEB
else
    started=$(date +%s)
    if ! deb=$(.ci/build-deb.sh "$work/out" 2>"$work/build.log" | tail -n 1) || [ ! -f "$deb" ]; then
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
source_version=$(sed -n 's/^public let kioskSoftwareVersion = "\(.*\)"$/\1/p' Sources/KioskService/ServiceVersion.swift)
if [ "$version" = "$source_version" ]; then pass "version $version, from ServiceVersion.swift"; else fail "version $version, source says $source_version"; fi

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
    "-rw-r--r-- ./etc/kiosk/kiosk.conf"
    "-rw-r--r-- ./etc/kiosk/procedures.conf"
    "-rw-r--r-- ./etc/kiosk/holidays.conf"
    "-rw-r--r-- ./usr/share/doc/kiosk/install.md"
    "-rw-r--r-- ./usr/share/doc/kiosk/README.md"
    "-rw-r--r-- ./usr/share/doc/kiosk/examples/kiosk.dev.conf"
)
for kind in printers keymaps; do
    for file in Hardware/$kind/*.conf; do
        [ -f "$file" ] && expected+=("-rw-r--r-- ./usr/share/kiosk/$kind/$(basename "$file")")
    done
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
for file in ./control ./conffiles ./md5sums ./postinst ./prerm ./postrm; do
    grep -qxF "$file" "$work/control-files" || fail "control archive has no $file"
done
dpkg-deb --info "$deb" conffiles > "$work/conffiles"
if [ "$(sort "$work/conffiles" | tr '\n' ' ')" = "/etc/kiosk/holidays.conf /etc/kiosk/kiosk.conf /etc/kiosk/procedures.conf " ]; then
    pass "conffiles: /etc/kiosk/kiosk.conf, procedures.conf, holidays.conf"
else
    fail "conffiles are: $(tr '\n' ' ' < "$work/conffiles")"
fi
depends=$(dpkg-deb --field "$deb" Depends)
for package in libc6 libcurl4 libsqlite3-0 libssl3 systemd; do
    [[ ", $depends" == *", $package"* ]] || fail "Depends has no $package: $depends"
done
for script in postinst prerm postrm; do
    dpkg-deb --info "$deb" "$script" > "$work/$script"
    sh -n "$work/$script" || fail "$script: shell syntax error"
done

# 3. A throw-away root.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
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
if [ "$("$root/usr/bin/kioskd" --version 2>&1)" = "kioskd $version" ]; then
    pass "kioskd --version says $version"
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

# 5. Remove keeps the configuration; purge removes it but keeps /var/lib/kiosk.
touch "$root/var/lib/kiosk/kiosk.db"
dpkg_root --remove kiosk > "$work/remove.log" 2>&1 || fail "dpkg --remove failed: $(cat "$work/remove.log")"
if [ ! -e "$root/usr/bin/kioskd" ] && [ -f "$root/etc/kiosk/kiosk.conf" ]; then
    pass "remove: binaries gone, configuration kept"
else
    fail "remove: binaries still there or configuration gone"
fi
dpkg_root --purge kiosk > "$work/purge.log" 2>&1 || fail "dpkg --purge failed: $(cat "$work/purge.log")"
if [ ! -e "$root/etc/kiosk/kiosk.conf" ] && [ ! -L "$wants" ] && [ -f "$root/var/lib/kiosk/kiosk.db" ] &&
    grep -q "/var/lib/kiosk was kept" "$work/purge.log"; then
    pass "purge: configuration and enablement gone, /var/lib/kiosk kept (with a note)"
else
    fail "purge: expected conffiles and enablement gone and /var/lib/kiosk kept"
    sed 's/^/    /' "$work/purge.log"
fi

echo "check-deb: $failures failure(s)"
[ "$failures" -eq 0 ]
