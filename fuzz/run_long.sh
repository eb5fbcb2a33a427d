#!/usr/bin/env bash
# The documented fuzz run: every target for 10^6 executions from its seeds and
# minimised corpus; prints one line per target (executions, crashes).
# Usage: fuzz/run_long.sh [RUNS]   (docs/robustness.md holds the figures)
set -uo pipefail
cd "$(dirname "$0")"
RUNS=${1:-1000000}
TC=+nightly-2026-05-20
cargo $TC fuzz build -a >/dev/null 2>&1 || { echo "build failed"; exit 1; }
for t in $(cargo $TC fuzz list); do
  mkdir -p corpus/$t
  seeds=""; for d in seeds/$t corpus-min/$t; do [ -d $d ] && seeds="$seeds $d"; done
  start=$(date +%s)
  cargo $TC fuzz run -a $t corpus/$t $seeds -- -runs=$RUNS -print_final_stats=1 > /tmp/fuzz_$t.log 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' /tmp/fuzz_$t.log | grep -o '[0-9]*$')
  crashes=$(ls artifacts/$t 2>/dev/null | wc -l)
  echo "$t executions=${execs:-0} crashes=$crashes rc=$rc seconds=$(( $(date +%s) - start ))"
done
