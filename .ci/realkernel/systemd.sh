#!/usr/bin/env bash
# Real systemd as PID 1: boots a Debian 12 root file system (mmdebstrap) with the packaged
# kiosk (.ci/build-deb.sh) under QEMU (TCG, no KVM needed), Debian's kernel from /boot, and
# checks the shipped unit the way a technician uses it: systemctl start (Type=notify READY),
# reload, kill -s KILL -> restart, journald priorities, sysusers/tmpfiles, and that the
# sandbox (PrivateUsers=yes, DevicePolicy=closed) still lets kioskd open the printer: a
# 16550A (isa-serial -> /dev/ttyS1, host end a unix socket read by kiosk-bench printer-socket).
#
# STANDALONE: not run by .ci/run (it downloads ~100 MB of Debian packages and takes minutes
# under TCG). docs/realkernel.md, "Real systemd as PID 1".
#
#   bash .ci/realkernel/systemd.sh
#
# Environment:
#   KIOSK_DEB=FILE       the package to test (default: out/kiosk_*.deb if there, else build it
#                        with .ci/build-deb.sh, a release build: slow)
#   KIOSK_BENCH=FILE     kiosk-bench for the printer's host end (default .build/debug/kiosk-bench,
#                        built with swift build --product kiosk-bench when missing)
#   KIOSK_VM_CACHE=DIR   where the Debian base tarball is kept between runs (default
#                        ~/.cache/kiosk-systemd-vm; delete it to take newer Debian packages)
#   KIOSK_VM_KEEP=1      keep the work folder (image, console log, receipts) also on success
#   KIOSK_VM_TIMEOUT=S   give up on the guest after S seconds (default 900)
#
# Output: PASS/FAIL lines from the guest, MEASURE lines, last line `N passed, N failed`;
# exit 1 on any failure or when the guest never reported.
set -euo pipefail
umask 022
cd "$(dirname "$0")/../.."
repo=$(pwd)
started=$(date +%s)

[ "$(id -u)" = 0 ] || { echo "systemd.sh: run as root (mmdebstrap, chroot and dpkg into the image's root)" >&2; exit 2; }
for tool in mmdebstrap qemu-system-x86_64 mkfs.ext4; do
    command -v "$tool" >/dev/null || { echo "systemd.sh: $tool is missing: apt-get install -y mmdebstrap qemu-system-x86 e2fsprogs" >&2; exit 2; }
done
kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "systemd.sh: no /boot/vmlinuz-*-amd64: apt-get install -y linux-image-amd64" >&2; exit 2; }
initrd=/boot/initrd.img-${kernel#/boot/vmlinuz-}
[ -r "$initrd" ] || { echo "systemd.sh: $initrd is missing (update-initramfs -c -k ${kernel#/boot/vmlinuz-})" >&2; exit 2; }

deb=${KIOSK_DEB:-}
if [ -z "$deb" ]; then
    deb=$(ls -1t out/kiosk_*.deb 2>/dev/null | head -n 1 || true)
    [ -n "$deb" ] || deb=$(bash .ci/build-deb.sh | tail -n 1)
fi
[ -r "$deb" ] || { echo "systemd.sh: package $deb not found" >&2; exit 2; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
bench=${KIOSK_BENCH:-$repo/.build/debug/kiosk-bench}
if [ ! -x "$bench" ]; then
    swift build -j 1 --product kiosk-bench >&2
fi

work=$(mktemp -d /tmp/kiosk-systemd-vm.XXXXXX)
cache=${KIOSK_VM_CACHE:-$HOME/.cache/kiosk-systemd-vm}
mkdir -p "$cache"
qemu_pid=
bench_pid=
cleanup() {
    if [ -n "${root:-}" ]; then umount "$root/proc" "$root/dev" 2>/dev/null || true; fi
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
    [ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null || true
    if [ "${KIOSK_VM_KEEP:-}" = 1 ] || [ "${failed_run:-1}" != 0 ]; then
        echo "systemd.sh: work folder kept: $work" >&2
    else
        rm -rf --one-file-system "$work"
    fi
}
trap cleanup EXIT

# 1. Debian 12 base (cached): systemd, udev and the package's libraries.
base=$cache/bookworm-base.tar
if [ ! -s "$base" ]; then
    echo "systemd.sh: mmdebstrap bookworm -> $base" >&2
    mmdebstrap --variant=apt --format=tar \
        --include=systemd,systemd-sysv,udev,dbus,libssl3,libsqlite3-0,unifont,init-system-helpers,procps,jq \
        bookworm "$base.part" \
        "deb http://deb.debian.org/debian bookworm main" \
        "deb http://deb.debian.org/debian-security bookworm-security main" >&2
    mv "$base.part" "$base"
fi

# 2. The root: base + the package (dpkg -i: its dependencies are in the base: postinst runs
#    systemd-sysusers and enables the unit) + the test unit and its script.
root=$work/root
mkdir -p "$root"
tar -C "$root" -xf "$base"
cp "$deb" "$root/tmp/kiosk.deb"
mount --bind /dev "$root/dev" 2>/dev/null || true
mount -t proc proc "$root/proc" 2>/dev/null || true
if ! chroot "$root" dpkg -i /tmp/kiosk.deb >"$work/apt.log" 2>&1; then
    umount "$root/proc" "$root/dev" 2>/dev/null || true
    echo "systemd.sh: installing $deb in the root failed:" >&2
    tail -n 20 "$work/apt.log" >&2
    exit 1
fi
umount "$root/proc" "$root/dev" 2>/dev/null || true
rm -f "$root/tmp/kiosk.deb"
echo "vmkiosk" >"$root/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
# No root password prompt on the console; no getty needed.
sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
# The site's local rule (docs/install.md): the printer on the built-in UART ttyS1.
cat >"$root/etc/udev/rules.d/59-kiosk-site.rules" <<'EOF'
SUBSYSTEM=="tty", KERNEL=="ttyS1", ENV{KIOSK_ROLE}="printer"
EOF
# The site's configuration: 9600 baud, no flow control (QEMU's 16550A), the central server
# on loopback (none runs: events queue), its key.
sed -i -e 's/^Baud=.*/Baud=9600/' -e 's/^FlowControl=.*/FlowControl=none/' \
    -e 's|^URL=.*|URL=http://127.0.0.1:8480|' -e 's/^LogLevel=.*/LogLevel=info/' \
    "$root/etc/kiosk/kiosk.conf"
printf 'vm-test-key-0123456789abcdef-0123456789abcdef' >"$root/etc/kiosk/central.key"
chmod 0640 "$root/etc/kiosk/central.key"
chroot "$root" chgrp kiosk /etc/kiosk/central.key
install -m 0755 .ci/realkernel/systemd-guest.sh "$root/usr/local/sbin/kiosk-vm-checks"
cat >"$root/etc/systemd/system/kiosk-vm-checks.service" <<'EOF'
[Unit]
Description=kiosk real-systemd checks (VM test)
After=multi-user.target systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kiosk-vm-checks
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
EOF
ln -s /etc/systemd/system/kiosk-vm-checks.service "$root/etc/systemd/system/multi-user.target.wants/kiosk-vm-checks.service"
# The test starts kioskd itself (systemctl start): not at boot.
rm -f "$root/etc/systemd/system/multi-user.target.wants/kioskd.service"
# Quieter console: no getty on it.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"

image=$work/root.img
mkfs.ext4 -q -F -L kioskroot -d "$root" "$image" 2G
rm -rf --one-file-system "$root"
prepared=$(date +%s)

# 3. The VM (its UART's host end a unix socket QEMU serves), then the printer at that end.
mkdir -p "$work/receipts"
qemu-system-x86_64 -machine q35,accel=tcg -cpu max -m 1024 -smp 1 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "root=/dev/vda rw console=ttyS0,115200 quiet loglevel=3 systemd.show_status=0 panic=-1" \
    -drive "file=$image,format=raw,if=virtio" \
    -serial "file:$work/console.log" \
    -chardev "socket,id=uart,path=$work/uart.sock,server=on,wait=off" -device "isa-serial,chardev=uart" \
    -nic none -monitor none </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
for _ in $(seq 300); do [ -S "$work/uart.sock" ] && break; sleep 0.1; done
"$bench" printer-socket --socket "$work/uart.sock" --out "$work/receipts" \
    --profiles "$repo/Hardware/printers" >"$work/printer-emulator.log" 2>&1 &
bench_pid=$!
deadline=$(( $(date +%s) + ${KIOSK_VM_TIMEOUT:-900} ))
while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "systemd.sh: guest still running after ${KIOSK_VM_TIMEOUT:-900} s; stopped" >&2
        kill "$qemu_pid"
        break
    fi
    sleep 2
done
wait "$qemu_pid" 2>/dev/null || true
qemu_pid=
ended=$(date +%s)

# 4. The guest's results (lines "KIOSKVM: ..." on its console).
tr -d '\r' <"$work/console.log" | sed -n 's/^.*KIOSKVM: //p' | grep -v '^[0-9]* passed, [0-9]* failed$' | grep -v '^END$' || true
passes=$(tr -d '\r' <"$work/console.log" | grep -c 'KIOSKVM: PASS ' || true)
fails=$(tr -d '\r' <"$work/console.log" | grep -c 'KIOSKVM: FAIL ' || true)
if ! grep -q 'KIOSKVM: END' "$work/console.log"; then
    echo "FAIL guest finished its checks: no END line (console: $work/console.log)"
    tail -n 30 "$work/console.log" | tr -d '\r' >&2
    fails=$((fails + 1))
fi
receipts=$(ls "$work/receipts" 2>/dev/null | grep -c . || true)
echo "MEASURE root prepared in $((prepared - started)) s; VM (boot + checks + poweroff) $((ended - prepared)) s; total $((ended - started)) s"
echo "MEASURE receipts at the host emulator: $receipts"
failed_run=$([ "$fails" = 0 ] && echo 0 || echo 1)
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
