#!/usr/bin/env bash
# bench/driver.sh [BUILD_DIR]: what checking a driver's own C source costs (docs/performance.md).
#
# Configures a Release build in BUILD_DIR (default build-bench/) unless it is configured, builds
# interlock, the example driver's checker (examples/driver-c, as interlock_add_driver builds it)
# and the two driver micro-benchmarks, then prints:
# - executions per second of each example scenario from the driver's C source and from the same
#   logic written as a C++ scenario (bench/example-driver-*), the fastest of BENCH_DRIVER_REPEATS
#   runs each (default 3, alternated), and their ratio (aim: the C source within 3x);
# - the cost of one instrumented access (interlock_race_bench);
# - the cost of the image restore, 64 KiB of globals (interlock_driver_bench).
# Environment: BENCH_BUILD_JOBS (default 2), BENCH_DRIVER_REPEATS (default 3).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-bench}
jobs=${BENCH_BUILD_JOBS:-2}
repeats=${BENCH_DRIVER_REPEATS:-3}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench/driver.sh: $*"; exit 2; }
command -v python3 >/dev/null || die "python3 is needed to read the JSON results"

if [[ ! -f $build/CMakeCache.txt ]]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  say "configuring a Release build in $build ..."
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DINTERLOCK_TESTS=OFF >/dev/null ||
    die "cmake configure failed"
fi
say "building interlock_example_twin, bench-example-driver-interlock, interlock_race_bench and interlock_driver_bench ..."
cmake --build "$build" -j "$jobs" --target interlock_example_twin bench-example-driver-interlock interlock_race_bench \
  interlock_driver_bench >&2 || die "build failed"

twin=$build/bench/interlock_example_twin
checker=$build/bench/bench-example-driver-interlock
for program in "$checker" "$twin"; do [[ -x $program ]] || die "no $program after the build"; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_one PROGRAM SCENARIO: prints "executions seconds" of a finished passing search
run_one() {
  "$1" run "$2" --json >"$tmp/out" 2>/dev/null || die "$1 run $2 did not pass"
  python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d["verdict"]["result"] != "pass":
    sys.exit("not a pass: " + d["verdict"]["result"])
print(d["stats"]["executions"], d["stats"]["elapsed_seconds"])
PY
}

faster() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$1" "$2"; }

echo "# Checking a driver's C source, $(date -u +%Y-%m-%d), $(nproc) cores ($(uname -m))"
echo
echo "## The example driver: its C source against the same logic as a C++ scenario"
echo
echo "Fastest of $repeats runs each (odpor, the default), alternated."
echo
printf '| %-32s | %-8s | %10s | %8s | %12s |\n' scenario "source" executions seconds executions/s
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..34})" "----------" "------------" "----------" "--------------"
pairs=("example/requests-during-unload|bench/example-driver-requests" "example/read-cancel|bench/example-driver-read-cancel")
ratios=()
for pair in "${pairs[@]}"; do
  IFS='|' read -r c_scenario twin_scenario <<<"$pair"
  best_c="" best_twin=""
  for ((i = 0; i < repeats; ++i)); do
    c_run=$(run_one "$checker" "$c_scenario") || exit 2  # run_one said why
    t_run=$(run_one "$twin" "$twin_scenario") || exit 2
    read -r c_exec c_secs <<<"$c_run"
    read -r t_exec t_secs <<<"$t_run"
    if [[ -z $best_c ]] || faster "$c_secs" "${best_c#* }"; then best_c="$c_exec $c_secs"; fi
    if [[ -z $best_twin ]] || faster "$t_secs" "${best_twin#* }"; then best_twin="$t_exec $t_secs"; fi
  done
  read -r c_exec c_secs <<<"$best_c"
  read -r t_exec t_secs <<<"$best_twin"
  c_rate=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$c_exec" "$c_secs")
  t_rate=$(python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$t_exec" "$t_secs")
  printf '| %-32s | %-8s | %10s | %8.3f | %12s |\n' "$c_scenario" "C" "$c_exec" "$c_secs" "$c_rate"
  printf '| %-32s | %-8s | %10s | %8.3f | %12s |\n' "$twin_scenario" "C++" "$t_exec" "$t_secs" "$t_rate"
  ratios+=("$c_scenario: $t_rate / $c_rate = $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$t_rate" "$c_rate")x")
done
echo
echo "Executions per second of the C++ scenario over the driver's C source (aim <= 3):"
for ratio in "${ratios[@]}"; do echo "- $ratio"; done
echo
echo "## One instrumented access"
echo '```'
"$build/bench/interlock_race_bench"
echo '```'
echo
echo "## The image restore"
echo '```'
"$build/bench/interlock_driver_bench"
echo '```'
