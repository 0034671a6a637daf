#!/bin/bash
# Threads of kioskd (docs/architecture.md, "Threads of kioskd"): on emulated hardware (the
# printer and a serial scanner from `kiosk-bench emulate`, a loopback kiosk-central, the
# control socket), idle; with three idle control clients; busy for 10 s (one client sending
# intakes back to back, two asking status back to back, scans typed on the scanner: the most
# threads seen); then `kioskd --demo` idle. Not run by CI; needs python3.
#
#   bash .ci/measure-threads.sh [BINDIR]     # BINDIR holds kioskd, kiosk-bench, kiosk-central
#                                            # (default .build/debug)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$root/.build/debug}" && pwd)
work=$(mktemp -d /tmp/threads-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkfifo "$work/scans"
KIOSK_DATA_DIR=$root/Hardware "$bin/kiosk-bench" emulate --printer "$work/printer" --scanner "$work/scanner" \
    --profile generic-80mm --out "$work/receipts" <"$work/scans" >"$work/emulator.log" 2>&1 &
pids+=($!)
exec 3>"$work/scans"
head -c 48 /dev/urandom | base64 | head -c 48 >"$work/central.key"; chmod 600 "$work/central.key"
"$bin/kiosk-central" --db "$work/central.db" --kiosk "BENCH-01=$work/central.key" --listen 127.0.0.1:0 \
    >"$work/central.log" 2>&1 &
pids+=($!)
for i in $(seq 100); do grep -q ready "$work/emulator.log" && grep -q "listening on" "$work/central.log" && break; sleep 0.1; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$work/central.log")
cat >"$work/kiosk.conf" <<CONF
[Kiosk]
Id=BENCH-01
Office=Bưu điện huyện Văn Yên
StateDirectory=$work/state
Procedures=$root/Hardware/examples/procedures.conf
CodePrefix=BENCH
LogLevel=notice
[Printer]
Device=$work/printer
Baud=115200
FlowControl=none
Profile=generic-80mm
[Scanner]
Device=$work/scanner
Mode=serial
[Central]
URL=http://127.0.0.1:$port
KeyFile=$work/central.key
PollUpdates=1min
[Control]
Socket=$work/control.sock
CONF
KIOSK_DATA_DIR=$root/Hardware "$bin/kioskd" --config "$work/kiosk.conf" >"$work/kioskd.log" 2>&1 &
kpid=$!
pids+=($kpid)
for i in $(seq 200); do grep -q "scanner ok" "$work/kioskd.log" && [ -S "$work/control.sock" ] && break; sleep 0.1; done
sleep 3
names() { cat /proc/$kpid/task/*/comm | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}'; echo; }
echo "idle: $(ls /proc/$kpid/task | wc -l) threads"; echo "  $(names)"
python3 - "$work/control.sock" "$kpid" <<'PY' &
import socket, sys, time
s = [socket.socket(socket.AF_UNIX) for _ in range(3)]
for c in s: c.connect(sys.argv[1])
time.sleep(4)
PY
cpid=$!
sleep 2
echo "three idle control clients: $(ls /proc/$kpid/task | wc -l) threads"; echo "  $(names)"
wait $cpid
sleep 1
# Busy: three clients doing intakes back to back, scans typed on the scanner, for 10 s.
python3 - "$work/control.sock" <<'PY' &
import socket, sys, time, threading
card = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021"
def client(n):
    c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); f = c.makefile("rwb")
    end = time.time() + 10
    while time.time() < end:
        req = '{"request":"intake","idCard":"%s","procedure":"1.001234"}\n' % card if n == 0 else '{"request":"status"}\n'
        f.write(req.encode()); f.flush(); f.readline()
ts = [threading.Thread(target=client, args=(i,)) for i in range(3)]
for t in ts: t.start()
for t in ts: t.join()
PY
bpid=$!
max=0; samples=0
while kill -0 $bpid 2>/dev/null; do
    n=$(ls /proc/$kpid/task 2>/dev/null | wc -l); [ "$n" -gt "$max" ] && max=$n && snap=$(names)
    samples=$((samples+1)); echo "1.001234" >&3; sleep 0.2
done
echo "busy (10 s: one client doing intakes, two asking status, scans on the scanner; $samples samples): max $max threads"
echo "  at max: $snap"
echo "receipts printed: $(ls "$work/receipts" | grep -c txt)"
sleep 3
echo "idle again: $(ls /proc/$kpid/task | wc -l) threads"
cleanup
trap - EXIT

# The demo: the emulated printer and kiosk-central in the process.
demo=$(mktemp -d /tmp/threads-demo-XXXXXX)
mkfifo "$demo/in"
KIOSK_DATA_DIR=$root/Hardware "$bin/kioskd" --demo <"$demo/in" >"$demo/demo.log" 2>&1 &
pid=$!
exec 3>"$demo/in"
for i in $(seq 100); do grep -q "receipts" "$demo/demo.log" && break; sleep 0.1; done
sleep 4
echo "demo idle: $(ls /proc/$pid/task | wc -l) threads"
echo "  $(cat /proc/$pid/task/*/comm | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
exec 3>&-
wait $pid
rm -rf "$demo"
