#!/usr/bin/env bash
# The Debian package as a technician gets it: installed FOR REAL on this machine (CI runs as
# root on a throw-away machine), then everything run from / as the packaged user kiosk, with
# no source tree in sight:
#   - `kioskctl config check` on the shipped /etc/kiosk/kiosk.conf (with the key in place);
#   - that file edited as a technician would, for emulated hardware: a receipt printer and a
#     serial scanner on pseudo-terminals (`kiosk-bench emulate`, from this tree: it is the
#     hardware, not the product) and the packaged kiosk-central on loopback;
#   - `kioskd --config /etc/kiosk/kiosk.conf`, `kioskctl status`, `kioskctl test-print`,
#     the technician codes KIOSK:TEST-PAGE and KIOSK:STATUS, an intake that reaches central;
#   - `kioskd --demo`;
#   - an upgrade to a rebuilt package whose example configuration changed, with the live
#     configuration edited: DEBIAN_FRONTEND=noninteractive, no standard input, no prompt,
#     the edits kept;
#   - purge: /etc/kiosk (central.key too) gone, /var/lib/kiosk kept and said so.
# At the end the package is purged and what the test made is removed (the user and groups
# too when this test created them), so the machine is left as it was.
#
#   .ci/check-installed.sh          (KIOSK_DEB=FILE: that package; else the one
#                                    check-deb.sh left in $KIOSK_DEB_OUT, else build one;
#                                    KIOSK_BENCH=FILE: the kiosk-bench that emulates)
#
# One "PASS:" or "FAIL:" line a check; exit status 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ "$(id -u)" = 0 ] || { echo "FAIL: run as root (it installs the package for real)"; exit 1; }
for tool in dpkg dpkg-deb apt-get runuser setpriv mkfifo; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
if dpkg-query -W -f='${Status}' kiosk 2>/dev/null | grep -q installed; then
    echo "FAIL: the kiosk package is already installed here; this check installs and purges it: run it on a throw-away machine"
    exit 1
fi
had_user=no
getent passwd kiosk >/dev/null && had_user=yes
had_tech=no
getent group kiosk-tech >/dev/null && had_tech=yes
had_state=no
[ -e /var/lib/kiosk ] && had_state=yes

work=$(mktemp -d /tmp/kiosk-installed.XXXXXX)
chmod 0755 "$work" # kioskd, as kiosk, opens the pseudo-terminals' links in here
pids=()
cleanup() {
    exec 3>&-
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    if dpkg-query -W -f='${Status}' kiosk 2>/dev/null | grep -q "ok installed\|config-files"; then
        dpkg --purge kiosk >/dev/null 2>&1 || echo "check-installed: could not purge kiosk" >&2
    fi
    [ "$had_state" = yes ] || rm -rf /var/lib/kiosk
    [ "$had_user" = yes ] || { userdel kiosk 2>/dev/null; groupdel kiosk 2>/dev/null; }
    [ "$had_tech" = yes ] || groupdel kiosk-tech 2>/dev/null
    rm -rf "$work" /run/kiosk
    true
}
trap cleanup EXIT

# Runs a command as kiosk from /, with nothing of this shell's environment (no KIOSK_DATA_DIR).
as_kiosk() {
    (cd / && runuser -u kiosk -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@")
}
# Starts a long-running command as kiosk from / in the background (setpriv execs it: the pid
# is the command's own); its stderr and stdout go to FILE.
start_as_kiosk() { # start_as_kiosk FILE COMMAND...
    local log=$1
    shift
    (cd / && exec setpriv --reuid=kiosk --regid=kiosk --init-groups --reset-env -- \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@") >"$log" 2>&1 &
    pids+=($!)
}
wait_for() { # wait_for FILE TEXT SECONDS
    local deadline=$((SECONDS + $3))
    while [ "$SECONDS" -lt "$deadline" ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
wait_for_receipt() { # wait_for_receipt TEXT SECONDS: a receipt-*.txt with TEXT appears
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        grep -lF -- "$1" "$work"/receipts/receipt-*.txt 2>/dev/null | grep -q . && return 0
        sleep 0.2
    done
    return 1
}
show() { sed 's/^/    /' "$@"; }
# set_key FILE SECTION KEY VALUE: sets Key=Value in [Section] of an INI file (the first one).
set_key() {
    awk -v section="[$2]" -v key="$3" -v value="$4" '
        /^\[/ { if (insection && !done) { print key "=" value; done = 1 } insection = ($0 == section) }
        insection && !done && index($0, key "=") == 1 { print key "=" value; done = 1; next }
        { print }
        END { if (insection && !done) print key "=" value }
    ' "$1" >"$1.new" && cat "$1.new" >"$1" && rm -f "$1.new"
}

# 1. The package.
if [ -n "${KIOSK_DEB:-}" ]; then
    deb=$KIOSK_DEB
elif [ -n "${KIOSK_DEB_OUT:-}" ] && ls "$KIOSK_DEB_OUT"/kiosk_*.deb >/dev/null 2>&1; then
    deb=$(ls -t "$KIOSK_DEB_OUT"/kiosk_*.deb | head -n 1)
else
    deb=$(.ci/build-deb.sh "$work/out" 2>"$work/build.log" | tail -n 1)
    [ -f "$deb" ] || { echo "FAIL: build-deb.sh did not build a package:"; tail -n 30 "$work/build.log" | show; exit 1; }
fi
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
version=$(dpkg-deb --field "$deb" Version)
# The emulator: kiosk-bench from this tree's build.
bench=${KIOSK_BENCH:-$(swift build --show-bin-path 2>/dev/null)/kiosk-bench}
if [ ! -x "$bench" ]; then
    swift build --product kiosk-bench >"$work/bench-build.log" 2>&1 || { echo "FAIL: cannot build kiosk-bench"; tail -n 20 "$work/bench-build.log" | show; exit 1; }
fi

# 2. Install for real, as apt does it (dependencies from the archive), with no terminal.
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" </dev/null >"$work/install.log" 2>&1 &&
    [ "$(dpkg-query -W -f='${Status} ${Version}' kiosk)" = "install ok installed $version" ]; then
    pass "apt-get install $(basename "$deb"): kiosk $version installed"
else
    fail "apt-get install $(basename "$deb") failed:"
    tail -n 30 "$work/install.log" | show
    exit 1
fi
[ -f /usr/share/man/man8/kioskctl.8.gz ] && [ -f /usr/share/bash-completion/completions/kioskctl ] ||
    fail "no man page or bash completion for kioskctl installed"

# 3. The technician's first steps, from /: the key, then `kioskctl config check` on the
# shipped configuration as it is.
head -c 48 /dev/urandom | base64 -w 0 >/etc/kiosk/central.key
chown root:kiosk /etc/kiosk/central.key
chmod 0640 /etc/kiosk/central.key
if as_kiosk kioskctl config check >"$work/check.out" 2>&1; then
    pass "from / as kiosk: kioskctl config check on the shipped /etc/kiosk/kiosk.conf passes"
else
    fail "from / as kiosk: kioskctl config check on the shipped /etc/kiosk/kiosk.conf (exit $?):"
    show "$work/check.out"
fi

# 4. Emulated hardware: printer and serial scanner on pseudo-terminals given to kiosk; each
# line written to fd 3 is one scan. Receipts are read as the emulator's text transcripts:
# lines the profile (generic-80mm, no Vietnamese code page) prints as raster are not in them,
# so the checks look for ASCII lines ("CODE128:" of the test page, tracking codes).
mkdir -p "$work/dev" "$work/central" "$work/receipts"
chown kiosk "$work/central"
mkfifo "$work/scans"
KIOSK_DATA_DIR=/usr/share/kiosk "$bench" emulate --printer "$work/dev/printer" --scanner "$work/dev/scanner" \
    --profile generic-80mm --out "$work/receipts" --owner kiosk <"$work/scans" >"$work/emulator.log" 2>&1 &
pids+=($!)
exec 3>"$work/scans"
wait_for "$work/emulator.log" ready 30 || { fail "the emulator did not start:"; show "$work/emulator.log"; exit 1; }
# The kiosk id the shipped example gives, so the receiver knows this kiosk.
kiosk_id=$(sed -n 's/^Id=//p' /etc/kiosk/kiosk.conf | head -n 1)
start_as_kiosk "$work/central.log" kiosk-central --db "$work/central/central.db" \
    --kiosk "$kiosk_id=/etc/kiosk/central.key" --listen 127.0.0.1:0
wait_for "$work/central.log" "listening on" 30 || { fail "kiosk-central did not start:"; show "$work/central.log"; exit 1; }
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$work/central.log")

# The technician's edit of /etc/kiosk/kiosk.conf for this hardware.
conf=/etc/kiosk/kiosk.conf
set_key "$conf" Printer Device "$work/dev/printer"
set_key "$conf" Printer FlowControl none
set_key "$conf" Scanner Device "$work/dev/scanner"
set_key "$conf" Scanner Mode serial
set_key "$conf" Central URL "http://127.0.0.1:$port"
set_key "$conf" Control TechnicianCodes yes
if as_kiosk kioskctl config check >"$work/check2.out" 2>&1; then
    pass "kioskctl config check on the edited /etc/kiosk/kiosk.conf passes"
else
    fail "kioskctl config check on the edited /etc/kiosk/kiosk.conf:"
    show "$work/check2.out"
fi

# 5. kioskd as kiosk from /, then what a technician runs.
start_as_kiosk "$work/kioskd.log" kioskd --config /etc/kiosk/kiosk.conf
kioskd_pid=${pids[-1]}
if wait_for "$work/kioskd.log" "kioskd started" 60 && wait_for "$work/kioskd.log" "scanner ok" 30; then
    pass "kioskd --config /etc/kiosk/kiosk.conf as kiosk from /: started, scanner ok"
else
    fail "kioskd did not start with the scanner ok:"
    show "$work/kioskd.log"
fi
if as_kiosk kioskctl status >"$work/status.out" 2>&1 && grep -q "ok" "$work/status.out"; then
    pass "kioskctl status as kiosk: exit 0"
else
    fail "kioskctl status as kiosk (exit $?):"
    show "$work/status.out"
fi
if as_kiosk kioskctl test-print >"$work/test-print.out" 2>&1 && wait_for_receipt "CODE128:" 60; then
    pass "kioskctl test-print as kiosk: a test page at the emulated printer"
else
    fail "kioskctl test-print as kiosk: no test page printed:"
    show "$work/test-print.out"
fi
before=$(grep -lF "CODE128:" "$work"/receipts/receipt-*.txt 2>/dev/null | wc -l)
echo "KIOSK:TEST-PAGE" >&3
deadline=$((SECONDS + 60))
while [ "$(grep -lF "CODE128:" "$work"/receipts/receipt-*.txt 2>/dev/null | wc -l)" -le "$before" ] &&
    [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
if [ "$(grep -lF "CODE128:" "$work"/receipts/receipt-*.txt 2>/dev/null | wc -l)" -gt "$before" ] &&
    wait_for "$work/kioskd.log" "outcome=technician-test-page" 30; then
    pass "scan KIOSK:TEST-PAGE (TechnicianCodes=yes): a test page printed"
else
    fail "scan KIOSK:TEST-PAGE printed nothing"
fi
echo "KIOSK:STATUS" >&3
if wait_for_receipt "KIOSK STATUS" 60 && grep -lF "KIOSK STATUS" "$work"/receipts/receipt-*.txt | xargs grep -qF "$kiosk_id"; then
    pass "scan KIOSK:STATUS: a status slip printed (kiosk id, version, printer, scanner, backlog, network)"
else
    fail "scan KIOSK:STATUS printed no status slip"
fi
# An intake: ID card, then procedure; the receipt prints and the event reaches kiosk-central.
echo "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021" >&3
echo "1.001234" >&3
wait_for "$work/kioskd.log" "outcome=intake" 60
code=$(grep -o 'code=[A-Z0-9-]* outcome=intake' "$work/kioskd.log" | head -n 1 | sed 's/code=\([^ ]*\) .*/\1/')
if [ -n "$code" ] && wait_for_receipt "$code" 60; then
    pass "an intake scanned at the installed kioskd prints its receipt ($code)"
else
    fail "an intake printed no receipt:"
    tail -n 20 "$work/kioskd.log" | show
fi
deadline=$((SECONDS + 60))
until as_kiosk kiosk-central events --db "$work/central/central.db" 2>/dev/null | grep -q "dossier.received" ||
    [ "$SECONDS" -ge "$deadline" ]; do sleep 0.5; done
if as_kiosk kiosk-central events --db "$work/central/central.db" 2>/dev/null | grep -q "dossier.received"; then
    pass "the intake's dossier.received reached the packaged kiosk-central"
else
    fail "no dossier.received at kiosk-central"
fi
if grep -qE "001095012345|Nguyễn Bá Hoàng|Thôn 3" "$work/kioskd.log"; then
    fail "personal data in kioskd's log"
fi
kill -TERM "$kioskd_pid" 2>/dev/null
wait "$kioskd_pid"
code=$?
[ "$code" = 0 ] && pass "kioskd stopped on SIGTERM (exit 0)" || fail "kioskd exited $code on SIGTERM"

# 6. The demo from the package, as kiosk from /.
if as_kiosk timeout 120 kioskd --demo </dev/null >"$work/demo.out" 2>&1; then
    pass "kioskd --demo as kiosk from /: ran and stopped at the end of its input (exit 0)"
else
    fail "kioskd --demo as kiosk from / (exit $?):"
    tail -n 20 "$work/demo.out" | show
fi

# 7. Upgrade, non-interactively, to a rebuilt package whose example kiosk.conf changed (as a
# new version's would), with the live configuration edited by the technician.
set_key "$conf" Kiosk Office "Bưu điện văn hoá xã Đông Cuông"
echo "# edited by the technician" >>"$conf"
cp "$conf" "$work/kiosk.conf.edited"
new_version="$version+upgradetest1"
mkdir "$work/repack"
dpkg-deb -R "$deb" "$work/repack/root"
for example in etc/kiosk/kiosk.conf usr/share/kiosk/examples/kiosk.conf; do
    [ -f "$work/repack/root/$example" ] && echo "# a comment new in $new_version" >>"$work/repack/root/$example"
done
sed -i "s/^Version: .*/Version: $new_version/" "$work/repack/root/DEBIAN/control"
(cd "$work/repack/root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) \
    >"$work/repack/root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Znone --build "$work/repack/root" "$work/repack/kiosk_${new_version}.deb" >/dev/null
if DEBIAN_FRONTEND=noninteractive dpkg -i "$work/repack/kiosk_${new_version}.deb" </dev/null >"$work/upgrade.log" 2>&1 &&
    [ "$(dpkg-query -W -f='${Version}' kiosk)" = "$new_version" ] && cmp -s "$conf" "$work/kiosk.conf.edited" &&
    ! grep -q "Configuration file" "$work/upgrade.log"; then
    pass "non-interactive upgrade to $new_version (no stdin): no prompt, the edited kiosk.conf kept"
else
    fail "non-interactive upgrade to $new_version stopped or lost the edits:"
    show "$work/upgrade.log"
    diff "$work/kiosk.conf.edited" "$conf" | show
fi

# 8. Purge: the configuration and the key go; the database stays, and the note says so.
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
exec 3>&-
dpkg --purge kiosk >"$work/purge.log" 2>&1 || fail "dpkg --purge kiosk failed: $(cat "$work/purge.log")"
if [ ! -e /etc/kiosk/central.key ] && [ ! -e /etc/kiosk ] && [ ! -e /usr/bin/kioskd ] && [ -d /var/lib/kiosk ] &&
    grep -q "/var/lib/kiosk was kept" "$work/purge.log" && ! grep -q kioskctl "$work/purge.log"; then
    pass "purge: /etc/kiosk and central.key removed, /var/lib/kiosk kept with a note that names no removed tool"
else
    fail "purge: expected /etc/kiosk (central.key) gone, /var/lib/kiosk kept, a note without kioskctl:"
    show "$work/purge.log"
fi

echo "check-installed: $failures failure(s)"
[ "$failures" -eq 0 ]
