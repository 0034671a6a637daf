#!/usr/bin/env bash
# Fails when a module under Sources/ imports, or lists in Package.swift, a module that
# docs/architecture.md says it must not; when a Sources/ target lists a dependency none of its
# files imports; or when a module has no row in that document's table. The rules live in the
# table between "check-layers: begin" and "check-layers: end" in docs/architecture.md, and
# nowhere else.
#
#   bash .ci/check-layers.sh            # the repository
#   bash .ci/check-layers.sh DIR        # another checkout (a scratch copy, to see it fail)
#   bash .ci/check-layers.sh --graph    # each Sources/ target and what Package.swift lets it use
set -euo pipefail
graph=0
if [ "${1:-}" = "--graph" ]; then graph=1; shift; fi
root=${1:-"$(dirname "$0")/.."}
cd "$root"
doc=docs/architecture.md

# Package.swift: "target dependency" pairs, comments dropped, whitespace joined.
deps=$(sed 's://.*$::' Package.swift | tr '\n' ' ' | awk '{
    text = $0
    while (match(text, /\.(target|executableTarget|testTarget|systemLibrary)\(/)) {
        text = substr(text, RSTART + RLENGTH)
        end = match(text, /\.(target|executableTarget|testTarget|systemLibrary)\(/)
        body = end ? substr(text, 1, end - 1) : text
        if (!match(body, /name: *"[^"]+"/)) continue
        name = substr(body, RSTART, RLENGTH); sub(/name: *"/, "", name); sub(/"$/, "", name)
        print name " -"
        if (!match(body, /dependencies: *\[[^]]*\]/)) continue
        list = substr(body, RSTART, RLENGTH); sub(/dependencies: *\[/, "", list)
        while (match(list, /"[^"]+"/)) {
            print name " " substr(list, RSTART + 1, RLENGTH - 2)
            list = substr(list, RSTART + RLENGTH)
        }
    }
}')

if [ $graph = 1 ]; then
    for dir in Sources/*/; do
        module=$(basename "$dir")
        [ -n "$(find "$dir" -name '*.swift' -print -quit)" ] || continue
        echo "$module → $(echo "$deps" | awk -v m="$module" '$1 == m && $2 != "-" { printf "%s%s", sep, $2; sep = ", " }')"
    done
    exit 0
fi

# The table: "module layer forbidden..." with backticks and commas dropped.
table=$(sed -n '/check-layers: begin/,/check-layers: end/p' "$doc" | grep '^| `' | tr -d '`,' \
    | awk -F'|' '{ printf "%s %s %s\n", $2, $3, $4 }' | tr -s ' ' | sed 's/^ //')
[ -n "$table" ] || { echo "check-layers: no table between the check-layers markers in $doc"; exit 1; }
layer_of() { echo "$table" | awk -v m="$1" '$1 == m { print $2 }'; }
# A layer's name (singular or plural) stands for its modules.
forbidden_of() {
    local word
    for word in $(echo "$table" | awk -v m="$1" '$1 == m { for (i = 3; i <= NF; i++) print $i }'); do
        local layer=${word%s}
        if echo "$table" | awk '{ print $2 }' | sed 's/s$//' | grep -qx "$layer"; then
            echo "$table" | awk -v l="$layer" '{ x = $2; sub(/s$/, "", x) } x == l { print $1 }'
        else
            echo "$word"
        fi
    done | grep -vx "$1" || true
}

failures=0
fail() { echo "check-layers: $*"; failures=$((failures + 1)); }

for dir in Sources/*/; do
    module=$(basename "$dir")
    files=$(find "$dir" -name '*.swift' | sort)
    [ -n "$files" ] || continue # C targets
    if [ -z "$(layer_of "$module")" ]; then
        fail "$module has no row in $doc's table: say its layer and what it must not import"
        continue
    fi
    forbidden=$(forbidden_of "$module")
    # Every import line, also inside #if and with attributes: "file:line module".
    # shellcheck disable=SC2086
    imports=$(grep -nE '^\s*(@[A-Za-z_]+(\([^)]*\))?\s+)*import\s+((struct|class|enum|protocol|func|var|let|typealias)\s+)?[A-Za-z_]' $files \
        | sed -E 's/^([^:]+:[0-9]+):.*import\s+((struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_0-9]+).*/\1 \4/' || true)
    for bad in $forbidden; do
        echo "$imports" | awk -v b="$bad" '$2 == b { print $1 }' | while read -r where; do
            echo "check-layers: $where: $module imports $bad, which docs/architecture.md forbids for it"
        done
        if echo "$deps" | awk -v m="$module" -v b="$bad" '$1 == m && $2 == b { found = 1 } END { exit !found }'; then
            fail "Package.swift: $module depends on $bad, which docs/architecture.md forbids for it"
        fi
    done
    count=$(for bad in $forbidden; do echo "$imports" | awk -v b="$bad" '$2 == b'; done | grep -c . || true)
    [ "$count" = 0 ] || failures=$((failures + count))
    # Declared but never imported: a stale edge in the graph.
    for dep in $(echo "$deps" | awk -v m="$module" '$1 == m && $2 != "-" { print $2 }'); do
        echo "$imports" | awk -v d="$dep" '$2 == d { found = 1 } END { exit !found }' \
            || fail "Package.swift: $module lists $dep, but no file of Sources/$module imports it: remove it"
    done
done

# Foundation's Process crashes now and then on Linux (Swift 6.3: its run() reads past a buffer
# of /proc/self/fd; swift-corelibs-foundation#5472): children are started with KioskSystem's
# ChildProcess (tests: KioskTestSupport's TestProcess).
while read -r where; do
    [ -n "$where" ] || continue
    fail "$where: Foundation's Process; start children with ChildProcess (KioskSystem) or TestProcess (tests)"
done <<<"$(grep -rnE '(^|[^A-Za-z_.])Process\(\)|: *Process\b[^.]|-> *Process\b' Sources Tests --include='*.swift' | cut -d: -f1,2 || true)"

# Dispatch's read and write sources on Linux: tearing one down can leave libdispatch's epoll
# loop an entry it has freed, and its manager thread then crashes the process (a CI run's test
# process, in _dispatch_event_loop_drain; swift-corelibs-libdispatch#949). Read a descriptor
# with blocking reads on a thread of its own (NamedThread), or with poll(2) as the devices do.
while read -r where; do
    [ -n "$where" ] || continue
    fail "$where: a Dispatch read/write source; read on a NamedThread or with poll(2) instead"
done <<<"$(grep -rnE 'readabilityHandler|writeabilityHandler|makeReadSource|makeWriteSource|DispatchIO' Sources Tests --include='*.swift' | grep -vE '^[^:]+:[0-9]+:\s*//' | cut -d: -f1,2 || true)"

if [ $failures -gt 0 ]; then
    echo "check-layers: $failures problem(s); the rules are the table in $doc"
    exit 1
fi
echo "check-layers: every module imports only what $doc allows ($(echo "$table" | grep -c .) modules)"
