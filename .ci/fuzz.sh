#!/usr/bin/env bash
# Fuzzes the scanner's parsers with libFuzzer: the scan parser (KioskDomain), the keymap file
# parser, and the evdev and serial decoders fed random records and bytes.
#
# Each target is its entry file in Tests/Fuzz/ compiled with the module sources it tests into
# one executable by `swiftc -sanitize=fuzzer,address` (Tests/Fuzz is no SwiftPM target, so
# `swift build` never sees these files). Each runs for FUZZ_SECONDS (default 20); a crash
# leaves its input in .build/fuzz/TARGET/crash-* and fails the script.
#
#   bash .ci/fuzz.sh                 # all targets, 20 s each
#   FUZZ_SECONDS=300 bash .ci/fuzz.sh evdev-decoder
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${FUZZ_SECONDS:-20}
out=.build/fuzz
mkdir -p "$out/shim"
# CKioskShim as a Clang module for swiftc (SwiftPM generates the same for its build).
cat > "$out/shim/module.modulemap" <<MAP
module CKioskShim { header "$root/Sources/CKioskShim/include/CKioskShim.h" export * }
MAP

devices=Sources/KioskDevices
keymap_files="$devices/Keymap.swift $devices/KeymapParser.swift $devices/KeymapError.swift $devices/KeyCodeName.swift"
# The decoder target parses us.keymap, embedded as a string (a fuzzer has no files around).
{ echo 'let fuzzKeymapText = #"""'; cat Hardware/keymaps/us.keymap; echo '"""#'; } > "$out/UsKeymap.swift"
decoder_files="$out/UsKeymap.swift $keymap_files $devices/EvdevDecoder.swift $devices/KeyCode.swift $devices/InputEvent.swift
  $devices/InputEventRecordBuffer.swift $devices/ScanDropReason.swift $devices/SerialScanDecoder.swift"

declare -A sources=(
    [scan-parser]="Tests/Fuzz/ScanParserFuzz.swift $(ls Sources/KioskDomain/*.swift | tr '\n' ' ')"
    [keymap-parser]="Tests/Fuzz/KeymapParserFuzz.swift $keymap_files"
    [evdev-decoder]="Tests/Fuzz/EvdevDecoderFuzz.swift $decoder_files"
)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(scan-parser keymap-parser evdev-decoder)

failed=0
for target in "${targets[@]}"; do
    [ -n "${sources[$target]:-}" ] || { echo "fuzz: unknown target $target (scan-parser keymap-parser evdev-decoder)"; exit 2; }
    dir="$out/$target"
    mkdir -p "$dir/corpus"
    echo "== fuzz $target: build"
    # shellcheck disable=SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name FuzzTarget \
        -I "$out/shim" -o "$dir/fuzzer" ${sources[$target]}
    # Seeds: the recorded captures for the decoder, the keymaps for the keymap parser.
    case $target in
        evdev-decoder) cp Hardware/captures/*.events "$dir/corpus/" 2>/dev/null || true ;;
        keymap-parser) cp Hardware/keymaps/*.keymap "$dir/corpus/" ;;
        scan-parser) printf '%s' 'EA123456785VN' > "$dir/corpus/s10"; printf '%s' 'YBVY01-261121-0019-*' > "$dir/corpus/tracking"
            printf '%s' '001094012345|012345678|Nguyễn Văn A|01011990|Nam|Hà Nội|15082021' > "$dir/corpus/cccd" ;;
    esac
    echo "== fuzz $target: run ${seconds}s"
    if ! (cd "$dir" && ./fuzzer -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=./ corpus > run.log 2>&1); then
        echo "fuzz $target FAILED:"; tail -n 40 "$dir/run.log"; failed=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$dir/run.log" | sed "s/^/  /"
    fi
done
exit $failed
