#!/usr/bin/env bash
# Fuzzes every parser of the product with libFuzzer: scans, keymaps, the evdev and serial
# decoders, kiosk.conf, procedures.conf, holidays.conf, the ESC/POS interpreter, the printer's
# status replies, control socket requests, the central receiver's request heads, event batches
# and authentication path (signature, clock at any Int64, every header it reads), and the
# kiosk's reading of central's answers (batch results, updates pages, error bodies,
# Retry-After, HTTP dates, the Authorization header), and the transport's reading of an HTTP
# answer from the socket (status, 1xx, fields, Content-Length, chunks, until-close).
#
# ONE fuzz executable holds every target (Tests/Fuzz/FuzzTargets.swift lists them): the
# modules it tests are compiled once each with `swiftc -sanitize=fuzzer,address` (a subset
# of a module's files where the whole module would pull in devices, sockets or TLS), then
# linked with the entry files of Tests/Fuzz/. Tests/Fuzz is no SwiftPM target, so
# `swift build` never sees these files. Compiled modules are reused while their sources and
# flags are unchanged (.build/fuzz/modules/*.key).
#
# Seeds: Tests/Fuzz/corpus/TARGET/ (valid inputs, so the fuzzer starts from structure).
# A crash, leak, timeout or out-of-memory leaves its input in .build/fuzz/TARGET/crash-*
# (or oom-*, timeout-*) and fails the script.
#
#   bash .ci/fuzz.sh                      # every target in turn, FUZZ_SECONDS (default 20) each
#   FUZZ_SECONDS=300 bash .ci/fuzz.sh escpos-interpreter control-request
#   bash .ci/fuzz.sh --ci                 # CI: one run, all targets at once (the first input
#                                         # byte picks the parser), FUZZ_SECONDS (default 90)
#   bash .ci/fuzz.sh --list               # the target names
#   bash .ci/fuzz.sh --build              # build only
#
# Reproduce a crash: FUZZ_TARGET=TARGET .build/fuzz/fuzzer .build/fuzz/TARGET/crash-…
# (a crash of the --ci run: .build/fuzz/fuzzer .build/fuzz/all/crash-…, no FUZZ_TARGET).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=.build/fuzz
mods=$out/modules
mkdir -p "$mods" "$out/shim"
jobs=$(nproc 2>/dev/null || echo 2)

mode=targets
case "${1:-}" in
    --ci) mode=ci; shift ;;
    --list) mode=list; shift ;;
    --build) mode=build; shift ;;
    -h | --help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
seconds=${FUZZ_SECONDS:-$([ $mode = ci ] && echo 90 || echo 20)}

# CKioskShim as a Clang module for swiftc (SwiftPM generates the same for its build).
cat > "$out/shim/module.modulemap.new" <<MAP
module CKioskShim { header "$root/Sources/CKioskShim/include/CKioskShim.h" export * }
MAP
cmp -s "$out/shim/module.modulemap.new" "$out/shim/module.modulemap" || mv "$out/shim/module.modulemap.new" "$out/shim/module.modulemap"
rm -f "$out/shim/module.modulemap.new"

# -package-name: modules share `package` declarations (KioskControl's ControlLineBuffer), as SwiftPM builds them.
# -O: the parsers run 5-20 times faster than at -Onone, which pays for the longer compile
# within a 90 s run (FUZZ_OPT=-Onone compiles in a third of the time).
flags=(-sanitize=fuzzer,address -parse-as-library "${FUZZ_OPT:--O}" -g -swift-version 6 -enable-testing -package-name KioskController
    -I "$mods" -I "$out/shim" -I Sources/COpenSSL -module-cache-path "$out/module-cache")

S=Sources
# Module name, the modules it imports (their keys go into its own), and its files.
declare -A module_deps module_files
add_module() { module_deps[$1]=$2; module_files[$1]=$3; }
add_module KioskDomain "" "$(echo $S/KioskDomain/*.swift)"
add_module KioskSystem "" "$(echo $S/KioskSystem/*.swift)"
add_module KioskProtocol "KioskDomain" "$(echo $S/KioskProtocol/*.swift)"
# KioskConfig without the data-folder lookups (they load printer profiles and keymap files).
add_module KioskConfig "KioskDomain KioskSystem KioskProtocol" "$(ls $S/KioskConfig/*.swift | grep -vE '/(HardwareData|CalibratedProfile)\.swift$' | tr '\n' ' ')"
add_module ESCPOS "" "$(echo $S/ESCPOS/*.swift)"
# Subsets: the parsers and the types they use, not the sockets, devices and TLS around them.
d=$S/KioskDevices
add_module KioskDevices "KioskSystem" "$d/Keymap.swift $d/KeymapParser.swift $d/KeymapError.swift $d/KeyCodeName.swift
    $d/EvdevDecoder.swift $d/KeyCode.swift $d/InputEvent.swift $d/InputEventRecordBuffer.swift $d/ScanDropReason.swift
    $d/SerialScanDecoder.swift $d/PrinterReplyFilter.swift $d/PrinterStatus.swift $d/PrinterState.swift
    $d/HIDPOSDescriptor.swift $d/HIDPOSDescriptorError.swift $d/HIDPOSReportAssembler.swift $d/HIDPOSScan.swift"
c=$S/KioskControl
add_module KioskControl "KioskProtocol" "$c/ControlJSONReader.swift $c/ControlJSONWriter.swift $c/ControlRequest.swift
    $c/ControlRequestHandling.swift
    $c/ControlValue+Fields.swift $c/ControlLineBuffer.swift"
c=$S/KioskCentral
add_module KioskCentral "KioskProtocol KioskSystem" "$c/HTTPRequestReader.swift $c/HTTPMessage.swift $c/Socket.swift
    $c/BatchIntake.swift $c/EventPayloadRules.swift $c/Route.swift $c/RequestAuthentication.swift"
f=$S/KioskForwarding
add_module KioskForwarding "KioskProtocol" "$f/RetryAfter.swift $f/CentralAnswer.swift $f/HTTPMessage.swift
    $f/TransportError.swift $f/CentralURL.swift $f/HTTPByteSource.swift $f/HTTPResponseReader.swift"
# Build order: each wave only needs modules of earlier waves; up to $jobs compile at once.
waves=("KioskDomain KioskSystem ESCPOS" "KioskProtocol KioskDevices" "KioskConfig KioskControl KioskCentral KioskForwarding")

# The key of a module: its flags, its sources and the keys of what it imports.
module_key() {
    local name=$1 dep
    {
        echo "${flags[*]}"
        # shellcheck disable=SC2086
        cat ${module_files[$name]}
        for dep in ${module_deps[$name]}; do cat "$mods/$dep.key"; done
    } | sha256sum | cut -d' ' -f1
}

build_module() {
    local name=$1 key
    key=$(module_key "$name")
    if [ -f "$mods/$name.o" ] && [ "$(cat "$mods/$name.key" 2>/dev/null)" = "$key" ]; then return 0; fi
    rm -f "$mods/$name.key"
    # shellcheck disable=SC2086
    if ! swiftc "${flags[@]}" -wmo -c -module-name "$name" -emit-module -emit-module-path "$mods/$name.swiftmodule" \
        -o "$mods/$name.o" ${module_files[$name]} > "$mods/$name.log" 2>&1; then
        echo "fuzz: compiling $name failed:"; cat "$mods/$name.log"; return 1
    fi
    echo "$key" > "$mods/$name.key"
}

build() {
    local started=$SECONDS wave name pids failed=0
    for wave in "${waves[@]}"; do
        pids=()
        for name in $wave; do
            while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || failed=1; done
            build_module "$name" & pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
        [ $failed = 0 ] || exit 1
    done
    # The decoder target parses us.keymap, embedded as a string (a fuzzer has no files around).
    { echo 'let fuzzKeymapText = #"""'; cat Hardware/keymaps/us.keymap; echo '"""#'; } > "$out/UsKeymap.swift.new"
    cmp -s "$out/UsKeymap.swift.new" "$out/UsKeymap.swift" || mv "$out/UsKeymap.swift.new" "$out/UsKeymap.swift"
    rm -f "$out/UsKeymap.swift.new"
    local key
    key=$({ echo "${flags[*]}"; cat Tests/Fuzz/*.swift "$out/UsKeymap.swift" "$mods"/*.key Sources/CKioskShim/shim.c Sources/CKioskShim/spawn.c Sources/CKioskShim/include/*.h; } | sha256sum | cut -d' ' -f1)
    if [ ! -x "$out/fuzzer" ] || [ "$(cat "$out/fuzzer.key" 2>/dev/null)" != "$key" ]; then
        rm -f "$out/fuzzer.key"
        # The C shim (KioskSystem names its threads and starts children through it), compiled as
        # SwiftPM does; not its SQLite VFS, which no fuzzed module uses.
        clang -c -O2 -fPIC -I Sources/CKioskShim/include Sources/CKioskShim/shim.c -o "$out/shim/shim.o"
        clang -c -O2 -fPIC -I Sources/CKioskShim/include Sources/CKioskShim/spawn.c -o "$out/shim/spawn.o"
        swiftc "${flags[@]}" -use-ld=lld -module-name FuzzTargets -o "$out/fuzzer" \
            Tests/Fuzz/*.swift "$out/UsKeymap.swift" "$mods"/*.o "$out/shim/shim.o" "$out/shim/spawn.o" -lssl -lcrypto
        echo "$key" > "$out/fuzzer.key"
    fi
    echo "== fuzz: built $out/fuzzer in $((SECONDS - started)) s"
}

build
mapfile -t all_targets < <(FUZZ_LIST=1 "$out/fuzzer")
[ $mode = build ] && exit 0
[ $mode = list ] && { printf '%s\n' "${all_targets[@]}"; exit 0; }

# Seeds of a target: its checked-in corpus, and the example files of the repository that
# are its inputs (captures, keymaps, example configuration, printer profiles).
seed_paths() {
    local target=$1
    [ -d "Tests/Fuzz/corpus/$target" ] && echo "Tests/Fuzz/corpus/$target"/*
    case $target in
        evdev-decoder) echo Hardware/captures/*.events ;;
        keymap-parser) echo Hardware/keymaps/*.keymap ;;
        kiosk-config) echo Hardware/examples/kiosk.conf Hardware/examples/kiosk.dev.conf ;;
        procedure-catalog) echo Hardware/examples/procedures.conf ;;
        holiday-list) echo Hardware/examples/holidays.conf ;;
        printer-profile) echo Hardware/printers/*.conf ;;
        escpos-render) echo Tests/Fuzz/corpus/escpos-interpreter/receipt.bin ;;
    esac
    return 0
}

# Copies the seeds of TARGET into DIR, each prefixed with the byte PREFIX (octal) if given.
copy_seeds() {
    local target=$1 dir=$2 prefix=${3:-} file
    for file in $(seed_paths "$target"); do
        [ -f "$file" ] || continue
        if [ -n "$prefix" ]; then
            { printf "\\$prefix"; cat "$file"; } > "$dir/$target-$(basename "$file")"
        else
            cp "$file" "$dir/$target-$(basename "$file")"
        fi
    done
}

# Runs the fuzzer in DIR with the extra arguments (PARALLEL processes sharing the corpus
# when above 1); prints its figures, or its failure and the input that caused it.
run() {
    local name=$1 dir=$2 parallel=$3; shift 3
    echo "== fuzz $name: run ${seconds}s$([ "$parallel" -gt 1 ] && echo " × $parallel processes")"
    local options=(-max_total_time="$seconds" -timeout=10 -max_len="${FUZZ_MAX_LEN:-4096}" -print_final_stats=1
        -artifact_prefix=./)
    [ "$parallel" -gt 1 ] && options+=(-jobs="$parallel" -workers="$parallel")
    rm -f "$dir"/run.log "$dir"/fuzz-*.log
    local status=0
    (cd "$dir" && SWIFT_BACKTRACE=enable=no "$root/$out/fuzzer" "${options[@]}" "$@" > run.log 2>&1) || status=1
    if [ $status != 0 ] || compgen -G "$dir/crash-*" > /dev/null || compgen -G "$dir/oom-*" > /dev/null \
        || compgen -G "$dir/timeout-*" > /dev/null || compgen -G "$dir/leak-*" > /dev/null; then
        echo "fuzz $name FAILED (inputs: $(ls "$dir" | grep -E '^(crash|oom|timeout|leak)-' | sed "s|^|$dir/|" | tr '\n' ' ')):"
        for log in "$dir"/run.log "$dir"/fuzz-*.log; do
            [ -f "$log" ] && grep -qE "ERROR|Fatal error|==ABORTING|deadly signal" "$log" && tail -n 60 "$log"
        done
        return 1
    fi
    # Figures summed over the processes.
    { cat "$dir"/run.log "$dir"/fuzz-*.log 2>/dev/null || true; } | awk '
        /^stat::number_of_executed_units:/ { runs += $2 }
        /^stat::new_units_added:/ { added += $2 }
        /^stat::peak_rss_mb:/ { if ($2 > rss) rss = $2 }
        /^fuzz: executions per target:/ {
            sub(/^fuzz: executions per target: /, "")
            n = split($0, parts, ", ")
            for (k = 1; k <= n; k++) { split(parts[k], pair, " "); if (!(pair[1] in count)) order[++targets] = pair[1]; count[pair[1]] += pair[2] }
        }
        END {
            printf "  executions %d, new corpus units %d, peak RSS %d MB\n", runs, added, rss
            line = ""
            for (k = 1; k <= targets; k++) line = line (k > 1 ? ", " : "") order[k] " " count[order[k]]
            if (targets > 0) print "  executions per target: " line
        }'
}

failed=0
if [ $mode = ci ]; then
    # One run for every target: each seed gets its target's number as first byte.
    dir=$out/all
    rm -rf "$dir/seeds"
    mkdir -p "$dir/seeds" "$dir/corpus"
    for index in "${!all_targets[@]}"; do
        copy_seeds "${all_targets[$index]}" "$dir/seeds" "$(printf '%03o' "$index")"
    done
    run all "$dir" "${FUZZ_JOBS:-$jobs}" corpus seeds || failed=1
    exit $failed
fi

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    printf '%s\n' "${all_targets[@]}" | grep -qx -- "$target" || {
        echo "fuzz: unknown target $target (${all_targets[*]})"
        exit 2
    }
    dir=$out/$target
    rm -rf "$dir/seeds"
    mkdir -p "$dir/corpus" "$dir/seeds"
    copy_seeds "$target" "$dir/seeds"
    FUZZ_TARGET=$target run "$target" "$dir" 1 corpus seeds || failed=1
done
exit $failed
