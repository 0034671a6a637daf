#!/usr/bin/env bash
# Reads a `swift test` log whose run did not finish (the test process crashed or was killed)
# and prints what a reader of CI's output needs to find the cause: the crash report's headline,
# the crashed thread's first frames, and the tests that started and never ended.
set -uo pipefail
log=$1
echo "CI: the test process did not finish its run (crashed or killed)."
grep -m 1 -E "Program crashed|Fatal error|CONTINUATION MISUSE|error: Exited with" "$log"
echo "-- the crashed thread:"
grep -m 1 -A 14 -E "^Thread [0-9]+ .*crashed:$" "$log"
started=$(mktemp)
ended=$(mktemp)
sed -n 's/^◇ Test \(.*\) started\.$/\1/p' "$log" | sort -u >"$started"
sed -nE 's/^(✔|✘|➜) Test (.*) (passed|failed|skipped)( after .*|\.)$/\2/p' "$log" | sort -u >"$ended"
open=$(comm -23 "$started" "$ended")
echo "-- $(echo "$open" | grep -c .) test(s) started and never ended (the first 20):"
echo "$open" | head -n 20 | sed 's/^/   /'
rm -f "$started" "$ended"
