#!/usr/bin/env bash
# bench/instructions.sh [INTERLOCK]: instructions per execution and per step of naive DFS on
# the bench programs (and of dpor and odpor on two; a run is a complete or sleep-set-blocked
# execution), counted by valgrind (callgrind, inclusive cost of the search loop). Unlike
# seconds, these counts do not drift with the host's load: compare builds with them.
#
# INTERLOCK defaults to build-bench/interlock (bash bench/run.sh builds it). Needs valgrind and
# python3 (installed with apt-get when missing).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
interlock=${1:-$(dirname "$here")/build-bench/interlock}
[[ -x $interlock ]] || { echo "bench/instructions.sh: $interlock not built (run bash bench/run.sh)" >&2; exit 2; }
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-28s %-6s %10s %14s %12s\n' program search runs "Ir/run" "Ir/step"
# Naive on five programs, then the reducing searches on two (their race analysis per execution).
for entry in "locked-counter 3x1|bench/locked-counter|threads=3 rounds=1|naive" "lastzero 3|bench/lastzero|n=3|naive" \
             "readers 3|bench/readers|n=3|naive" "indexer 2|bench/indexer|n=2|naive" "filesystem 2|bench/filesystem|n=2|naive" \
             "locked-counter 3x2|bench/locked-counter|threads=3 rounds=2|dpor" \
             "locked-counter 3x2|bench/locked-counter|threads=3 rounds=2|odpor" \
             "lastzero 8|bench/lastzero|n=8|dpor" "lastzero 8|bench/lastzero|n=8|odpor"; do
  IFS='|' read -r label scenario params strategy <<<"$entry"
  args=(run "$scenario" --strategy "$strategy" --no-minimize --max-executions 3000 --json)
  for p in $params; do args+=(--param "$p"); done
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$interlock" "${args[@]}" >"$tmp/out.json" 2>/dev/null || true
  # The search loop's inclusive cost: process start-up and output are left out.
  # awk reads to the end: grep -m1 would close the pipe early and pipefail end the script.
  ir=$(callgrind_annotate --inclusive=yes "$tmp/cg" 2>/dev/null | awk '/searchPart/ && !done {gsub(",", "", $1); print $1; done = 1}')
  python3 - "$tmp/out.json" "$label" "$ir" "$strategy" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))["stats"]
ir = float(sys.argv[3])
# Sleep-set-blocked executions cost too: counted with the complete ones.
runs = stats["executions"] + stats["sleep_set_blocked"]
print("%-28s %-6s %10d %14.0f %12.0f" % (sys.argv[2], sys.argv[4], runs, ir / runs, ir / stats["steps"]))
PY
done
