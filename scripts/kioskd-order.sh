#!/bin/bash
# Regenerates .ci/kioskd.order, the function order lld links kioskd's text in
# (--symbol-ordering-file in .ci/release-flags.sh): every function of kioskd that runs from
# start to idle, through one intake and a minute of idling (the 60 s timers), as
# `kiosk-bench idle` drives it (emulated printer and scanner, loopback central). Packed
# together at the start of .text, the code an idle kiosk touches fills fewer of the page-cache
# folios the kernel maps around each fault: idle VmRSS -2.0 to -2.6 MiB (docs/memory.md).
#
#   scripts/kioskd-order.sh [SETTLE_SECONDS]     (default 65; needs valgrind)
#
# Records the functions with valgrind's callgrind (names only, no timings), keeps those
# kioskd defines, in the order callgrind lists them. A stale order file costs only locality:
# lld places the functions it names first and links every other function after them as
# before (names it no longer finds are skipped), so the binary stays correct; rerun this
# script after large changes to kioskd's start-up, idle or intake paths.
set -euo pipefail
cd "$(dirname "$0")/.."
settle="${1:-65}"
jobs="${JOBS:-1}"
command -v valgrind >/dev/null || { echo "kioskd-order: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
swift build -c release -j "$jobs" --product kiosk-bench
# shellcheck source=.ci/release-flags.sh
source .ci/release-flags.sh
swift build "${release_flags[@]}" -j "$jobs" --product kioskd
kioskd="$(swift build "${release_flags[@]}" --show-bin-path)/kioskd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# kiosk-bench idle runs --kioskd with kioskd's arguments: run the real one under callgrind.
cat >"$work/kioskd" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --dump-instr=no --demangle=no --compress-strings=no \\
    --callgrind-out-file="$work/callgrind.%p" "$kioskd" "\$@" 2>>"$work/valgrind.log"
EOF
chmod +x "$work/kioskd"
KIOSK_DATA_DIR="$PWD/Hardware" .build/release/kiosk-bench idle --kioskd "$work/kioskd" \
    --starts 1 --settle "$settle" >&2
nm --defined-only "$kioskd" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$work/defined"
# One symbol a line, nothing else (lld's format has no comments).
cat "$work"/callgrind.* | sed -n 's/^fn=//p' | awk '!seen[$0]++' | grep -Fx -f "$work/defined" >.ci/kioskd.order
# SwiftPM relinks only when an object changes: drop the binary so the next build links anew.
rm -f "$kioskd"
echo "kioskd-order: $(wc -l <.ci/kioskd.order) functions in .ci/kioskd.order" >&2
