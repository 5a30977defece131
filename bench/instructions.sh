#!/usr/bin/env bash
# bench/instructions.sh [INTERLOCK]: instructions per execution and per step of naive DFS on
# the bench programs, counted by valgrind (callgrind, inclusive cost of the search loop). Unlike
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

printf '%-28s %10s %14s %12s\n' program executions "Ir/execution" "Ir/step"
for entry in "locked-counter 3x1|bench/locked-counter|threads=3 rounds=1" "lastzero 3|bench/lastzero|n=3" \
             "readers 3|bench/readers|n=3" "indexer 2|bench/indexer|n=2" "filesystem 2|bench/filesystem|n=2"; do
  IFS='|' read -r label scenario params <<<"$entry"
  args=(run "$scenario" --strategy naive --no-minimize --max-executions 3000 --json)
  for p in $params; do args+=(--param "$p"); done
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$interlock" "${args[@]}" >"$tmp/out.json" 2>/dev/null || true
  # The search loop's inclusive cost: process start-up and output are left out.
  # awk reads to the end: grep -m1 would close the pipe early and pipefail end the script.
  ir=$(callgrind_annotate --inclusive=yes "$tmp/cg" 2>/dev/null | awk '/searchPart/ && !done {gsub(",", "", $1); print $1; done = 1}')
  python3 - "$tmp/out.json" "$label" "$ir" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))["stats"]
ir = float(sys.argv[3])
print("%-28s %10d %14.0f %12.0f" % (sys.argv[2], stats["executions"], ir / stats["executions"], ir / stats["steps"]))
PY
done
