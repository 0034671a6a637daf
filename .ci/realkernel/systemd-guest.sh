#!/bin/bash
# The guest half of .ci/realkernel/systemd.sh: runs as a oneshot unit under the real systemd
# (PID 1) of the Debian 12 VM, after multi-user.target, with the kiosk package installed.
# Prints "KIOSKVM: PASS name" / "KIOSKVM: FAIL name: why" lines, then "KIOSKVM: END", and
# powers the VM off.
set -u
passes=0
fails=0
say() { echo "KIOSKVM: $*"; }
check() { # check NAME OK(0|1) DETAIL
    if [ "$2" = 0 ]; then
        say "PASS $1"
        passes=$((passes + 1))
    else
        say "FAIL $1: $3"
        fails=$((fails + 1))
    fi
}
journal() { journalctl -u kioskd --no-pager -o cat "$@" 2>/dev/null; }
printer_state() {
    kioskctl status --json 2>/dev/null |
        jq -r 'first(.. | objects | select(has("printer")) | .printer | if type == "object" then .state else . end) // empty' 2>/dev/null
}
wait_printer() { # wait_printer STATE SECONDS
    local i
    for i in $(seq "$2"); do
        [ "$(printer_state)" = "$1" ] && return 0
        sleep 1
    done
    return 1
}
main_pid() { systemctl show -p MainPID --value kioskd; }

say "guest up $(cut -d' ' -f1 /proc/uptime) s after boot; systemd $(systemctl --version | head -n 1 | cut -d' ' -f2); PID 1 is $(cat /proc/1/comm)"
check "PID 1 is systemd" "$([ "$(cat /proc/1/comm)" = systemd ] && echo 0 || echo 1)" "$(cat /proc/1/comm)"

# sysusers (postinst) made the user and groups.
groups=$(id -nG kiosk 2>&1)
check "sysusers: user kiosk exists, in dialout, input and lp" \
    "$(getent passwd kiosk >/dev/null && [[ " $groups " == *" dialout "* && " $groups " == *" input "* && " $groups " == *" lp "* ]] && echo 0 || echo 1)" \
    "id -nG kiosk: $groups"
check "sysusers: group kiosk-tech exists" "$(getent group kiosk-tech >/dev/null && echo 0 || echo 1)" "no group kiosk-tech"

# The site rule links the 16550A.
udevadm settle --timeout=30
link=$(readlink -f /dev/kiosk-printer 2>/dev/null)
check "udev: /dev/kiosk-printer -> /dev/ttyS1 (16550A)" "$([ "$link" = /dev/ttyS1 ] && echo 0 || echo 1)" "link: ${link:-missing}"
# The technician's step 3 of postinst's note, as root, with the key as the package wants it
# (root:kiosk 0640, tmpfiles line z).
check "kioskctl config check (as root, central.key root:kiosk 0640): no problem" "$(kioskctl config check /etc/kiosk/kiosk.conf >/tmp/cc.out 2>&1 && echo 0 || echo 1)" "$(tr '\n' ' ' </tmp/cc.out)"

# Type=notify: systemctl start returns once kioskd sent READY=1.
t0=$(date +%s.%N)
systemctl start kioskd
rc=$?
t1=$(date +%s.%N)
state=$(systemctl is-active kioskd)
say "MEASURE systemctl start kioskd (to READY=1) $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s"
check "Type=notify: systemctl start kioskd returns 0 and the unit is active" "$([ "$rc" = 0 ] && [ "$state" = active ] && echo 0 || echo 1)" \
    "rc=$rc is-active=$state; $(journal -n 20 | tr '\n' '|')"

# tmpfiles/StateDirectory: /var/lib/kiosk (kiosk, 0750), /run/kiosk (kiosk:kiosk-tech 2750).
st=$(stat -c '%U:%G %a' /var/lib/kiosk 2>&1)
check "tmpfiles/StateDirectory: /var/lib/kiosk is kiosk:kiosk 750" "$([ "$st" = "kiosk:kiosk 750" ] && echo 0 || echo 1)" "$st"
st=$(stat -c '%U:%G %a' /run/kiosk 2>&1)
check "tmpfiles: /run/kiosk is kiosk:kiosk-tech 2750" "$([ "$st" = "kiosk:kiosk-tech 2750" ] && echo 0 || echo 1)" "$st"
db=$(find /var/lib/kiosk -maxdepth 2 -type f -name '*.db*' -printf '%u:%g %m %p\n' 2>/dev/null | head -n 3 | tr '\n' ';')
check "kioskd (as kiosk) wrote its database under /var/lib/kiosk" "$([ -n "$db" ] && echo 0 || echo 1)" "$(ls -la /var/lib/kiosk 2>&1 | tr '\n' '|')"

# The sandbox really is in force, and kioskd still opens the printer through it.
pid=$(main_pid)
say "kioskd MainPID $pid uid_map: $(tr -s ' ' </proc/"$pid"/uid_map 2>/dev/null | tr '\n' ';') user: $(ps -o user= -p "$pid")"
maps=$(grep -c . /proc/"$pid"/uid_map 2>/dev/null || echo 0)
check "PrivateUsers=yes in force (kioskd in its own user namespace: 2 uid_map lines)" \
    "$([ "$(systemctl show -p PrivateUsers --value kioskd)" = yes ] && [ "$maps" = 2 ] && echo 0 || echo 1)" \
    "PrivateUsers=$(systemctl show -p PrivateUsers --value kioskd) uid_map lines=$maps"
if wait_printer ok 60; then ok=0; else ok=1; fi
check "PrivateUsers=yes + DevicePolicy=closed: kioskd opens /dev/kiosk-printer (16550A), printer ok" "$ok" \
    "state=$(printer_state); status: $(kioskctl status 2>&1 | tr '\n' '|'); journal: $(journal -p debug -n 30 | tr '\n' '|')"
if [ "$ok" != 0 ]; then
    say "PRIVATEUSERS-JOURNAL-BEGIN"
    journalctl -u kioskd --no-pager -o short-monotonic -n 60 | sed 's/^/KIOSKVM: | /'
    say "PRIVATEUSERS-JOURNAL-END"
fi
# (kioskctl status exits non-zero while degraded: no scanner is attached in this VM.)
kioskctl status >/tmp/st.out 2>&1
check "kioskctl status answers over /run/kiosk/control.sock (service running)" "$(grep -Eq '^service +running' /tmp/st.out && echo 0 || echo 1)" "$(tr '\n' '|' </tmp/st.out)"

# reload: ExecReload= sends SIGHUP, kioskd rereads the config.
before=$(journal | grep -c 'configuration reloaded')
systemctl reload kioskd
rc=$?
ok=1
for _ in $(seq 30); do
    [ "$(journal | grep -c 'configuration reloaded')" -gt "$before" ] && { ok=0; break; }
    sleep 1
done
check "systemctl reload kioskd: journal shows 'configuration reloaded', still active" \
    "$([ "$rc" = 0 ] && [ "$ok" = 0 ] && [ "$(systemctl is-active kioskd)" = active ] && echo 0 || echo 1)" \
    "rc=$rc; $(journal -n 10 | tr '\n' '|')"

# kill -s KILL: Restart=on-failure brings it back (new PID, READY again).
old=$(main_pid)
restarts=$(systemctl show -p NRestarts --value kioskd)
systemctl kill -s KILL kioskd
ok=1
for _ in $(seq 60); do
    new=$(main_pid)
    if [ "$new" != 0 ] && [ "$new" != "$old" ] && [ "$(systemctl is-active kioskd)" = active ]; then ok=0; break; fi
    sleep 1
done
check "systemctl kill -s KILL kioskd: systemd restarts it (new MainPID, active, NRestarts+1)" \
    "$([ "$ok" = 0 ] && [ "$(systemctl show -p NRestarts --value kioskd)" -gt "$restarts" ] && echo 0 || echo 1)" \
    "old=$old new=$(main_pid) is-active=$(systemctl is-active kioskd) NRestarts=$(systemctl show -p NRestarts --value kioskd)"
if wait_printer ok 60; then ok=0; else ok=1; fi
check "after the restart: printer ok again" "$ok" "state=$(printer_state)"

# journald: kioskd's <N> prefixes become priorities.
info=$(journal -p info | grep -c .)
warn=$(journal -p warning | grep -c .)
notice=$(journalctl -u kioskd --no-pager -o json 2>/dev/null | jq -r 'select(.PRIORITY == "5") | .MESSAGE' 2>/dev/null | grep -c .)
say "MEASURE journal lines of kioskd: -p info $info, -p warning $warn, PRIORITY=5 (notice) $notice"
check "journald: kioskd's lines carry priorities (-p warning < -p info, notice lines present)" \
    "$([ "$info" -gt "$warn" ] && [ "$notice" -gt 0 ] && echo 0 || echo 1)" "info=$info warning=$warn notice=$notice"
prefixed=$(journal | grep -c '^<[0-7]>')
check "journald: no raw '<N>' prefixes left in messages" "$([ "$prefixed" = 0 ] && echo 0 || echo 1)" "$prefixed lines"
journal -p warning -n 5 | sed 's/^/KIOSKVM: warning-line: /'

# Watchdog (WatchdogSec=30s): no watchdog kill so far.
wd=$(journalctl -u kioskd --no-pager | grep -ci 'watchdog timeout')
check "WatchdogSec=30s: no watchdog timeout in the journal" "$([ "$wd" = 0 ] && echo 0 || echo 1)" "$wd lines"

# Stop: SIGTERM, clean exit.
systemctl stop kioskd
result=$(systemctl show -p Result --value kioskd)
check "systemctl stop kioskd: Result=success" "$([ "$result" = success ] && echo 0 || echo 1)" "Result=$result"

say "guest done $(cut -d' ' -f1 /proc/uptime) s after boot"
say "$passes passed, $fails failed"
say "END"
systemctl poweroff --no-block
