#!/usr/bin/env bash
# The HID-POS real-kernel check: boots Debian's kernel (linux-image-amd64) under QEMU TCG with
# virtme-ng, as the real-kernel test does, and runs guest/hidpos_uhid.py inside: a uhid device
# with a HID-POS report descriptor (usage page 0x8C) stands in for the scanner on the kernel's
# own hid-generic/hidraw drivers; kioskd with [Scanner] Mode=hidpos reads it, and the intake's
# receipt (read from the printer's pseudo-terminal, rendered by kioskctl) must carry the ID
# card's Vietnamese name exactly; then kioskctl devices and scan-test on the same device.
#
#   bash .ci/realkernel/hidpos.sh          (after `swift build`; as root)
#
# Prints PASS/FAIL lines and "N passed, N failed" last; exit 0 when nothing failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
fail() { echo "FAIL hidpos realkernel prerequisites: $*"; echo "0 passed, 1 failed"; exit 1; }
if ! command -v vng >/dev/null; then
    pip install --quiet virtme-ng >/dev/null 2>&1 || pip install --quiet --break-system-packages virtme-ng \
        || fail "pip install virtme-ng failed"
    hash -r
fi
command -v vng >/dev/null || fail "vng not on PATH after pip install virtme-ng"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (apt: qemu-system-x86)"
kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || fail "no /boot/vmlinuz-*-amd64 (apt: linux-image-amd64)"
bindir=$(swift build --show-bin-path 2>/dev/null)
for tool in kioskd kioskctl; do
    [ -x "$bindir/$tool" ] || fail "$bindir/$tool not built (run swift build first)"
done
guest="/usr/bin/python3 $repo/.ci/realkernel/guest/hidpos_uhid.py"
out=$(mktemp /tmp/kiosk-hidpos-vm.XXXXXX)
timeout "${KIOSK_VM_TIMEOUT:-540}" vng --run "$kernel" --disable-kvm --memory 1G --cpus 2 \
    --exec "$guest check-kioskd $bindir/kioskd $bindir/kioskctl; $guest check-kioskctl $bindir/kioskctl" \
    >"$out" 2>&1 || true
grep -E '^(PASS|FAIL|HIDRAW|kept:)' "$out" || true
passed=$(grep -c '^PASS' "$out" || true)
failed=$(grep -c '^FAIL' "$out" || true)
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL hidpos realkernel: the guest printed no check (VM did not boot?); output in $out"
    failed=1
else
    rm -f "$out"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
