#!/usr/bin/env bash
# The HID-POS real-kernel check alone. It is the `hidpos` phase of the one VM boot of
# .ci/realkernel/run.sh (which .ci/run runs): a uhid device with a HID-POS report descriptor
# (guest/hidpos_uhid.py) read by kioskd with [Scanner] Mode=hidpos, kioskctl devices and
# scan-test. This script runs only that phase.
#
#   bash .ci/realkernel/hidpos.sh          (after `swift build`; as root)
exec env KIOSK_VM_PHASES=hidpos bash "$(dirname "$0")/run.sh" "$@"
