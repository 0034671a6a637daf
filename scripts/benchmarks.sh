#!/bin/bash
# Regenerates docs/benchmarks.md in one run: builds kioskd and kiosk-bench with -c release (and
# kioskd once more as the package ships it, .ci/release-flags.sh, into .build-release),
# installs the peers (python-escpos 3.1, persist-queue 1.1.0) from PyPI into a venv under
# out/, and runs `kiosk-bench all`, which runs every benchmark the page quotes and writes it.
#
#   scripts/benchmarks.sh [--large] [--intakes N] [--only WORD,...]
#
# --large adds the 1,000,000-event sizes (longer; not timed yet); the default run takes a few
# minutes after the build (4 on a loaded 2-core machine). JOBS=N: build parallelism (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-1}"
swift build -c release -j "$jobs" --product kioskd
swift build -c release -j "$jobs" --product kiosk-bench
# kioskd as the package ships it (.ci/build-deb.sh's flags), for its idle-memory section.
# shellcheck source=.ci/release-flags.sh
source .ci/release-flags.sh
swift build "${release_flags[@]}" -j "$jobs" --product kioskd
KIOSK_BENCH_SHIPPED_KIOSKD="$(swift build "${release_flags[@]}" --show-bin-path)/kioskd"
export KIOSK_BENCH_SHIPPED_KIOSKD
venv=out/bench-venv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check python-escpos==3.1 persist-queue==1.1.0
# store-flat runs its persist-queue peer with the python3 on PATH: the venv's.
export PATH="$PWD/$venv/bin:$PATH"
exec .build/release/kiosk-bench all --python "$venv/bin/python" --out docs/benchmarks.md \
    --command "scripts/benchmarks.sh${*:+ $*}" "$@"
