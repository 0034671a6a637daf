#!/usr/bin/env bash
# The real-kernel test: boots Debian's kernel (linux-image-amd64) under QEMU TCG (no KVM)
# with virtme-ng (the host's root filesystem, copy-on-write) and runs the built kioskd,
# kioskctl and kiosk-central inside against real drivers: usbhid/evdev (QEMU usb-kbd, typed
# through QMP), uinput, a 16550A UART and an FTDI USB-serial adapter whose host ends are read
# by `kiosk-bench printer-socket` (the project's ESC/POS interpreter). See README
# "Real-kernel test" and docs/realkernel.md.
#
#   bash .ci/realkernel/run.sh            (after `swift build`; as root or with sudo)
#
# Prints each check (PASS/FAIL name) and measurement; the last line is "N passed, N failed".
# Exit 0 when nothing failed. KIOSK_VM_KEEP=1 keeps the work folder (logs, receipts);
# KIOSK_VM_PHASES=usb,uart,uinput,hidpos,usblp runs only those phases (all by default): hidpos is
# a uhid HID-POS scanner (guest/hidpos_uhid.py), usblp a USB printer made of dummy_hcd + the
# printer gadget with usblp on the host side (guest/usblp_gadget.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

fail() { echo "FAIL realkernel prerequisites: $*"; echo "0 passed, 1 failed"; exit 1; }

# virtme-ng from PyPI (Debian 12 does not package it).
if ! command -v vng >/dev/null; then
    pip install --quiet virtme-ng >/dev/null 2>&1 || pip install --quiet --break-system-packages virtme-ng \
        || fail "pip install virtme-ng failed"
    hash -r
fi
command -v vng >/dev/null || fail "vng not on PATH after pip install virtme-ng"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (apt: qemu-system-x86)"
/usr/bin/python3 -c "import evdev" 2>/dev/null || fail "python3-evdev missing (apt: python3-evdev)"
kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || fail "no /boot/vmlinuz-*-amd64 (apt: linux-image-amd64)"
[ -d "/lib/modules/${kernel#/boot/vmlinuz-}" ] || fail "no modules for $kernel"
bindir=$(swift build --show-bin-path 2>/dev/null)
for tool in kioskd kioskctl kiosk-central kiosk-bench; do
    [ -x "$bindir/$tool" ] || fail "$bindir/$tool not built (run swift build first)"
done

# KIOSK_VM_PRODUCTS=DIR runs another build's kioskd, kioskctl and kiosk-central (e.g. to see a
# check fail on the code before a fix); kiosk-bench (the host's printer) stays this build's.
products=${KIOSK_VM_PRODUCTS:-$bindir}

work=$(mktemp -d /tmp/kiosk-realkernel.XXXXXX)
chmod 755 "$work"
status=0
/usr/bin/python3 .ci/realkernel/host.py "$work" "$repo" "$bindir" "$kernel" "$products" || status=$?
# Logs and receipts stay in $work (host.py names it) when a check failed or KIOSK_VM_KEEP=1.
if [ "$status" = 0 ] && [ "${KIOSK_VM_KEEP:-}" != 1 ]; then rm -rf "$work"; fi
exit "$status"
