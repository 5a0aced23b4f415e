#!/usr/bin/env bash
# Runs a libFuzzer binary for a fixed time over a copy of its corpus (the checked-in corpus
# stays as it is) and reports what it found. A crash, a leak, a sanitizer report or an input
# slower than 10 s makes it fail; the input that did it is kept under WORK_DIR/crashes/.
#
#   tests/fuzz/run_fuzzer.sh FUZZER CORPUS_DIR WORK_DIR SECONDS [MAX_LEN]
#
# One job only (the fuzzer runs in this process), inputs of at most MAX_LEN bytes (4096).
set -euo pipefail

if [[ $# -lt 4 || $# -gt 5 ]]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
fuzzer=$1 corpus=$2 work=$3 seconds=$4 max_len=${5:-4096}
name=$(basename "$fuzzer")

rm -rf "$work/corpus" "$work/crashes"
mkdir -p "$work/corpus" "$work/crashes"
cp -r "$corpus"/. "$work/corpus/"
before=$(find "$work/corpus" -type f | wc -l)
log=$work/$name.log

echo "fuzz: running $name for ${seconds}s over $before inputs (log: $log)"
status=0
"$fuzzer" -max_len="$max_len" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/corpus" >"$log" 2>&1 || status=$?

after=$(find "$work/corpus" -type f | wc -l)
# The last progress line: executions, coverage (cov: edges, ft: features), corpus, speed.
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
if [[ $status -ne 0 ]]; then
  tail -n 60 "$log"
  echo "fuzz: $name FAILED (exit status $status); the input is in $work/crashes/" >&2
  exit "$status"
fi
echo "fuzz: $name found $((after - before)) new inputs ($before -> $after in $work/corpus)."
echo "      Copy the few worth keeping into $corpus: the unit tests replay every file there."
