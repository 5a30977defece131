#!/usr/bin/env bash
# bench/run.sh [BUILD_DIR]: Interlock against Relacy on the benchmark programs, in one run.
#
# Installs what it needs (relacy-dev, time, python3) with apt-get when missing, configures a
# Release build in BUILD_DIR (default build-bench/), builds interlock, interlock_bench and the
# Relacy programs (bench/relacy/), then prints one table: for each benchmark program, the
# executions, seconds, executions/s and peak memory of Interlock's strategies (naive, dfs,
# dpor, odpor, split with --jobs 2 where it says) and of Relacy's exhaustive search
# (rl::sched_full) on the same program; then dpor and odpor on programs only reduction
# finishes; then the ratios against the aims (docs/performance.md); then bench/driver.sh: the
# example driver's C source against the same logic as C++ scenarios.
#
# Environment: BENCH_TIME_LIMIT (seconds per run, default 60), BENCH_BUILD_JOBS (default 2),
# BENCH_JOBS_REPEATS (further --jobs 1/--jobs 2 pairs of the long searches, default 3),
# BENCH_RATE_REPEATS (further naive/Relacy pairs of aim 1's larger programs, default 3) and
# BENCH_RATE_SECONDS (the time limit of those, default 10),
# BENCH_QUICK=1 (only the smallest sizes: a smoke test of the script itself).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-bench}
limit=${BENCH_TIME_LIMIT:-60}
jobs=${BENCH_BUILD_JOBS:-2}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench/run.sh: $*"; exit 2; }

# --- what it needs -------------------------------------------------------------------------
missing=()
[[ -f /usr/include/relacy/relacy.hpp ]] || missing+=(relacy-dev)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  say "installing ${missing[*]} ..."
  sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2 || die "cannot install ${missing[*]}"
fi

# --- build -----------------------------------------------------------------------------------
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
say "configuring a Release build in $build ..."
cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DINTERLOCK_TESTS=OFF >/dev/null || die "cmake configure failed"
say "building interlock, interlock_bench and the Relacy programs ..."
cmake --build "$build" --target interlock interlock_bench relacy_bench -j "$jobs" >&2 ||
  die "build failed"

interlock=$build/interlock
micro=$build/bench/interlock_bench
relacy_dir=$build/bench

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- what this interlock can do --------------------------------------------------------------
help=$("$interlock" run --help 2>&1 || true)
cli_has() { grep -q -- "$1" <<<"$help"; }
# The CLI runs a benchmark when it takes --param; for a binary without it interlock_bench
# drives the same library (naive only: it cannot vouch for --jobs).
strategy_in_cli() {
  local strategy=$1
  cli_has '--param' || return 1
  if cli_has '--strategy'; then
    grep -A3 -- '--strategy' <<<"$help" | grep -qw -- "$strategy"
  else
    [[ $strategy == naive ]]  # a binary without --strategy runs naive
  fi
}

# --- one measured run -----------------------------------------------------------------------
# Sets: r_exec r_secs r_rss r_status (finished | timeout | n/a: ... | failed: ...)
json_field() {  # json_field FILE PATH.TO.FIELD
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    value = json.load(open(sys.argv[1]))
    for key in sys.argv[2].split('.'):
        value = value[key]
    print(value)
except Exception:
    print('')
PY
}

# An incomplete search: the time limit, or the --max-executions the caller asked for.
cut_short() { if [[ $1 == *--max-executions* ]]; then echo stopped; else echo timeout; fi; }

line_field() { sed -n "s/^$2: //p" "$1" | head -n1; }

measure() {  # measure COMMAND...: runs it under time and a hard limit
  local rc=0
  /usr/bin/time -f '%M' -o "$tmp/rss" timeout -k 5 $((limit + 30)) "$@" >"$tmp/out" 2>"$tmp/err" ||
    rc=$?
  r_rss=$(tail -n1 "$tmp/rss" 2>/dev/null || true)
  [[ $r_rss =~ ^[0-9]+$ ]] || r_rss=""
  return $rc
}

run_interlock() {  # run_interlock SCENARIO STRATEGY JOBS [KEY=VALUE...] [-- EXTRA CLI ARGS]
  local scenario=$1 strategy=$2 njobs=$3
  shift 3
  local params=() extra=()
  while (($#)); do
    if [[ $1 == -- ]]; then shift; extra=("$@"); break; fi
    params+=("$1"); shift
  done
  r_exec="" r_secs="" r_rss="" r_status="" r_blocked=""
  if strategy_in_cli "$strategy" && { ((njobs == 1)) || cli_has '--jobs'; }; then
    local args=(run "$scenario" --json)
    cli_has '--strategy' && args+=(--strategy "$strategy")
    cli_has '--jobs' && args+=(--jobs "$njobs")
    cli_has '--time-limit' && args+=(--time-limit "$limit")
    for p in "${params[@]}"; do args+=(--param "$p"); done
    local rc=0
    measure "$interlock" "${args[@]}" "${extra[@]}" || rc=$?
    r_exec=$(json_field "$tmp/out" stats.executions)
    r_secs=$(json_field "$tmp/out" stats.elapsed_seconds)
    r_blocked=$(json_field "$tmp/out" stats.sleep_set_blocked)
    local result
    result=$(json_field "$tmp/out" verdict.result)
    if ((rc == 124 || rc == 137)); then r_status=timeout
    elif [[ $result == pass ]]; then r_status=finished
    elif [[ $result == incomplete ]]; then r_status=$(cut_short "${extra[*]}")
    else r_status="failed: exit $rc ${result:-$(head -c 120 "$tmp/err")}"; fi
  elif ((njobs == 1)) && ! cli_has '--param'; then
    local args=(explore "$scenario" --strategy "$strategy" --time-limit "$limit")
    for p in "${params[@]}"; do args+=(--param "$p"); done
    local rc=0
    measure "$micro" "${args[@]}" "${extra[@]}" || rc=$?
    if ((rc == 4)); then r_status="n/a: strategy not available"; return; fi
    r_exec=$(line_field "$tmp/out" executions)
    r_secs=$(line_field "$tmp/out" seconds)
    if ((rc == 124 || rc == 137)); then r_status=timeout
    elif [[ $(line_field "$tmp/out" finished) == no ]]; then r_status=$(cut_short "${extra[*]}")
    elif ((rc == 0)); then r_status=finished
    else r_status="failed: exit $rc $(line_field "$tmp/out" result)$(head -c 120 "$tmp/err")"; fi
  elif ((njobs > 1)) && ! cli_has '--jobs'; then
    r_status="n/a: --jobs not available"
  else
    r_status="n/a: strategy not available"
  fi
}

run_relacy() {  # run_relacy PROGRAM SIZE...
  local program=$relacy_dir/relacy_$1
  shift
  r_exec="" r_secs="" r_rss="" r_status="" r_blocked=""
  [[ -x $program ]] || { r_status="n/a: $program not built"; return; }
  local rc=0
  measure "$program" "$@" --time-limit "$limit" || rc=$?
  r_exec=$(line_field "$tmp/out" executions)
  r_secs=$(line_field "$tmp/out" seconds)
  if ((rc == 124 || rc == 137)) || [[ $(line_field "$tmp/out" finished) == no ]]; then
    r_status=timeout
  elif ((rc == 0)); then r_status=finished
  else r_status="failed: exit $rc $(line_field "$tmp/out" result)$(head -c 120 "$tmp/err")"; fi
}

# --- the table -------------------------------------------------------------------------------
declare -A EXEC SECS RSS STATUS BLOCKED
per_second() { python3 -c "import sys; e,s=float(sys.argv[1]),float(sys.argv[2]); print(f'{e/s:.0f}' if s>0 else '-')" "$1" "$2"; }

row() {  # row BENCHMARK TOOL: prints the last run and records it
  local key="$1|$2"
  EXEC[$key]=$r_exec SECS[$key]=$r_secs RSS[$key]=$r_rss STATUS[$key]=$r_status BLOCKED[$key]=$r_blocked
  local rate="-" note=""
  # Executions cut by their sleep set are not counted as executions; they still cost time.
  [[ ${r_blocked:-0} =~ ^[1-9][0-9]*$ ]] && note="+ $r_blocked sleep-set-blocked"
  case $r_status in
    finished) [[ -n $r_exec && -n $r_secs ]] && rate=$(per_second "$r_exec" "$r_secs") ;;
    timeout)
      note="did not finish in ${limit}s, >= ${r_exec:-?} executions${note:+; $note}"
      [[ -n $r_exec && -n $r_secs ]] && rate=$(per_second "$r_exec" "$r_secs")
      r_exec=">=${r_exec:-?}" ;;
    stopped)
      note="stopped at --max-executions, as asked"
      [[ -n $r_exec && -n $r_secs ]] && rate=$(per_second "$r_exec" "$r_secs") ;;
    *) note=$r_status; r_exec="-" r_secs="-" r_rss="-" ;;
  esac
  printf '| %-30s | %-17s | %12s | %8s | %12s | %9s | %s\n' "$1" "$2" "${r_exec:--}" "${r_secs:--}" \
    "$rate" "${r_rss:--}" "$note"
}

# benchmark label | scenario | parameters | Relacy program and sizes | long: also naive --jobs 2
# (a search of seconds, long enough for splitting it to pay; the others last milliseconds)
benchmarks=(
  "locked-counter 2x1|bench/locked-counter|threads=2 rounds=1|locked_counter 2 1"
  "locked-counter 2x2|bench/locked-counter|threads=2 rounds=2|locked_counter 2 2"
  "locked-counter 3x1|bench/locked-counter|threads=3 rounds=1|locked_counter 3 1"
  "locked-counter 3x2|bench/locked-counter|threads=3 rounds=2|locked_counter 3 2|long"
  "lastzero 3|bench/lastzero|n=3|lastzero 3"
  "lastzero 5|bench/lastzero|n=5|lastzero 5|long"
  "readers 3|bench/readers|n=3|readers 3"
  "readers 5|bench/readers|n=5|readers 5|long"
  "indexer 2|bench/indexer|n=2|indexer 2"
  "indexer 3|bench/indexer|n=3|indexer 3"
  "filesystem 2|bench/filesystem|n=2|filesystem 2"
  "filesystem 3|bench/filesystem|n=3|filesystem 3"
)
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  benchmarks=("${benchmarks[0]}" "${benchmarks[4]}" "${benchmarks[6]}" "${benchmarks[8]}" "${benchmarks[10]}")
fi

echo "# Interlock vs Relacy, $(date -u +%Y-%m-%d), $(nproc) cores ($(uname -m)), limit ${limit}s per run"
echo
echo "## interlock_bench"
echo '```'
"$micro"
echo '```'
echo
echo "## Benchmarks"
echo
printf '| %-30s | %-17s | %12s | %8s | %12s | %9s | %s\n' benchmark tool executions seconds executions/s "peak KiB" note
printf '|%s|%s|%s|%s|%s|%s|%s\n' "$(printf -- '-%.0s' {1..32})" "$(printf -- '-%.0s' {1..19})" \
  "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..14})" \
  "$(printf -- '-%.0s' {1..11})" "------"
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r label scenario params relacy long <<<"$entry"
  read -ra kv <<<"$params"
  read -ra rl <<<"$relacy"
  run_interlock "$scenario" naive 1 "${kv[@]}"; row "$label" "interlock naive"
  if [[ ${long:-} == long ]]; then
    run_interlock "$scenario" naive 2 "${kv[@]}"; row "$label" "interlock naive j2"
  fi
  run_interlock "$scenario" dfs 1 "${kv[@]}"; row "$label" "interlock dfs"
  run_interlock "$scenario" dpor 1 "${kv[@]}"; row "$label" "interlock dpor"
  run_interlock "$scenario" dpor 2 "${kv[@]}"; row "$label" "interlock dpor j2"
  run_interlock "$scenario" odpor 1 "${kv[@]}"; row "$label" "interlock odpor"
  run_relacy "${rl[@]}"; row "$label" "relacy sched_full"
done

# Programs only partial-order reduction finishes (naive and Relacy would run for hours):
# source-DPOR against optimal DPOR, and each split with --jobs 2.
large=(
  "lastzero 10|bench/lastzero|n=10"
  "indexer 15|bench/indexer|n=15"
  "filesystem 18|bench/filesystem|n=18"
)
[[ ${BENCH_QUICK:-0} == 1 ]] && large=()
for entry in "${large[@]}"; do
  IFS='|' read -r label scenario params <<<"$entry"
  read -ra kv <<<"$params"
  for strategy in dpor odpor; do
    run_interlock "$scenario" "$strategy" 1 "${kv[@]}"; row "$label" "interlock $strategy"
    run_interlock "$scenario" "$strategy" 2 "${kv[@]}"; row "$label" "interlock $strategy j2"
  done
done

# Memory flat in executions: the same search stopped after N and after 10 N executions.
mem_label="memory: locked-counter 3x2"
short_run=20000
run_interlock bench/locked-counter naive 1 threads=3 rounds=2 -- --max-executions $short_run
row "$mem_label" "naive ${short_run}"
run_interlock bench/locked-counter naive 1 threads=3 rounds=2 -- --max-executions $((short_run * 10))
row "$mem_label" "naive $((short_run * 10))"

# --- --jobs, again -----------------------------------------------------------------------------
# The long naive searches, --jobs 1 and --jobs 2 alternated BENCH_JOBS_REPEATS more times (default
# 3): this host's speed drifts from run to run by more than the margin the aim leaves, so the
# speed-up is also read off the fastest run of each (the least disturbed), as well as the table's.
repeats=${BENCH_JOBS_REPEATS:-3}
declare -A FASTEST RUNS PAIR
fastest() { python3 -c "import sys; print(min(sys.argv[1:], key=float))" "$@"; }
# side_by_side SCENARIO KEY=VALUE...: two independent --jobs 1 searches at once; prints the mean of
# their seconds. Two jobs sharing one search cannot beat two processes each running it whole at
# half the work, so 2 x (one alone) / this is the host's ceiling for the --jobs 2 speed-up.
side_by_side() {
  local scenario=$1
  shift
  local args=(run "$scenario" --json --strategy naive --jobs 1 --time-limit "$limit")
  for p in "$@"; do args+=(--param "$p"); done
  "$interlock" "${args[@]}" >"$tmp/pair1" 2>/dev/null &
  local first=$!
  "$interlock" "${args[@]}" >"$tmp/pair2" 2>/dev/null || true
  wait "$first" || true
  local a b
  a=$(json_field "$tmp/pair1" stats.elapsed_seconds) b=$(json_field "$tmp/pair2" stats.elapsed_seconds)
  [[ -n $a && -n $b ]] && python3 -c "import sys; print(f'{(float(sys.argv[1]) + float(sys.argv[2])) / 2:.4g}')" "$a" "$b"
}
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r label scenario params _ long <<<"$entry"
  [[ ${long:-} == long ]] || continue
  [[ ${STATUS[$label|interlock naive]:-} == finished && ${STATUS[$label|interlock naive j2]:-} == finished ]] || continue
  read -ra kv <<<"$params"
  one=("${SECS[$label|interlock naive]}") two=("${SECS[$label|interlock naive j2]}")
  pairs=()
  for ((i = 0; i < repeats; ++i)); do
    run_interlock "$scenario" naive 1 "${kv[@]}"
    [[ $r_status == finished ]] && one+=("$r_secs")
    run_interlock "$scenario" naive 2 "${kv[@]}"
    [[ $r_status == finished ]] && two+=("$r_secs")
    pair=$(side_by_side "$scenario" "${kv[@]}" || true)
    [[ -n $pair ]] && pairs+=("$pair")
  done
  FASTEST[$label|1]=$(fastest "${one[@]}") FASTEST[$label|2]=$(fastest "${two[@]}")
  RUNS[$label|1]=${#one[@]} RUNS[$label|2]=${#two[@]}
  ((${#pairs[@]} > 0)) && PAIR[$label]=$(fastest "${pairs[@]}") RUNS[$label|pair]=${#pairs[@]}
done

# --- executions/s, again ------------------------------------------------------------------------
# Aim 1's larger programs, Interlock's naive search and Relacy's alternated BENCH_RATE_REPEATS more
# times (default 3), each run cut at BENCH_RATE_SECONDS (default 10): the same host drift as above,
# so the ratio is also read off the fastest rate of each tool, the table's run included.
rate_repeats=${BENCH_RATE_REPEATS:-3}
rate_programs=("locked-counter 3x2" "lastzero 5" "readers 5" "indexer 3" "filesystem 3")
declare -A BEST_RATE RATE_RUNS
best_rate() {  # best_rate KEY: keeps the faster of BEST_RATE[KEY] and the last run's rate
  local key=$1
  [[ $r_status =~ ^(finished|timeout)$ && -n $r_exec && -n $r_secs ]] || return 0
  local rate
  rate=$(per_second "$r_exec" "$r_secs")
  [[ $rate =~ ^[0-9]+$ ]] || return 0
  RATE_RUNS[$key]=$((${RATE_RUNS[$key]:-0} + 1))
  local best=${BEST_RATE[$key]:-0}
  ((rate > best)) && BEST_RATE[$key]=$rate
  return 0
}
table_limit=$limit
limit=${BENCH_RATE_SECONDS:-10}
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r label scenario params relacy _ <<<"$entry"
  [[ " ${rate_programs[*]} " == *" $label "* ]] || continue
  read -ra kv <<<"$params"
  read -ra rl <<<"$relacy"
  for tool in "interlock naive" "relacy sched_full"; do  # the table's runs count as the first
    key="$label|$tool"
    r_status=${STATUS[$key]:-} r_exec=${EXEC[$key]:-} r_secs=${SECS[$key]:-}
    best_rate "$key"
  done
  for ((i = 0; i < rate_repeats; ++i)); do
    run_interlock "$scenario" naive 1 "${kv[@]}"; best_rate "$label|interlock naive"
    run_relacy "${rl[@]}"; best_rate "$label|relacy sched_full"
  done
done
limit=$table_limit

# --- the aims --------------------------------------------------------------------------------
ratio() {  # ratio A B: A/B to 2 decimals, or '-'
  python3 -c "import sys
try:
    a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b>0 else '-')
except ValueError: print('-')" "$1" "$2"
}
rate_of() {  # rate_of KEY: executions/s of a recorded run, or ''
  local key=$1
  [[ ${STATUS[$key]:-} =~ ^(finished|timeout|stopped)$ ]] || return 0
  [[ -n ${EXEC[$key]} && -n ${SECS[$key]} ]] || return 0
  per_second "${EXEC[$key]}" "${SECS[$key]}"
}

echo
echo "## Aims"
echo
echo "1. Interlock's exhaustive search (naive) vs Relacy's, executions/s (aim >= 1):"
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r label _ <<<"$entry"
  mine=$(rate_of "$label|interlock naive")
  theirs=$(rate_of "$label|relacy sched_full")
  if [[ -n $mine && -n $theirs ]]; then
    echo "   - $label: $mine / $theirs = $(ratio "$mine" "$theirs")"
  else
    echo "   - $label: n/a (${STATUS[$label|interlock naive]:-?} / ${STATUS[$label|relacy sched_full]:-?})"
  fi
  best_mine=${BEST_RATE[$label|interlock naive]:-} best_theirs=${BEST_RATE[$label|relacy sched_full]:-}
  if [[ -n $best_mine && -n $best_theirs ]]; then
    echo "     fastest of ${RATE_RUNS[$label|interlock naive]} and ${RATE_RUNS[$label|relacy sched_full]} runs, alternated: $best_mine / $best_theirs = $(ratio "$best_mine" "$best_theirs")"
  fi
done

key_dpor="locked-counter 3x2|interlock dpor"
key_relacy="locked-counter 3x2|relacy sched_full"
echo "2. Relacy executions / DPOR executions on locked-counter 3x2 (aim >= 1000):"
if [[ ${STATUS[$key_dpor]:-} == finished && -n ${EXEC[$key_relacy]:-} ]]; then
  at_least=""
  [[ ${STATUS[$key_relacy]} == timeout ]] && at_least=">= "
  echo "   ${at_least}${EXEC[$key_relacy]} / ${EXEC[$key_dpor]} = ${at_least}$(ratio "${EXEC[$key_relacy]}" "${EXEC[$key_dpor]}")"
  # Cut by the limit below the aim: the bound says how far Relacy got, not that the aim failed.
  if [[ -n $at_least ]] && ((EXEC[$key_relacy] < 1000 * EXEC[$key_dpor])); then
    echo "   (a bound the time limit set: Relacy stopped before 1000 x dpor's executions;" \
      "rerun with a larger BENCH_TIME_LIMIT to read the aim)"
  fi
else
  echo "   n/a (dpor: ${STATUS[$key_dpor]:-?}; relacy: ${STATUS[$key_relacy]:-?})"
fi

# speedup ONE TWO: seconds ratio when both finished (same executions), else the executions/s
# ratio of runs the time limit cut (throughput), else n/a.
speedup() {
  local one=$1 two=$2
  if [[ ${STATUS[$one]:-} == finished && ${STATUS[$two]:-} == finished ]]; then
    echo "${SECS[$one]} s / ${SECS[$two]} s = $(ratio "${SECS[$one]}" "${SECS[$two]}") (executions ${EXEC[$one]} and ${EXEC[$two]})"
  elif [[ -n $(rate_of "$one") && -n $(rate_of "$two") ]]; then
    echo "throughput $(rate_of "$two") / $(rate_of "$one") executions/s = $(ratio "$(rate_of "$two")" "$(rate_of "$one")") (${STATUS[$one]} / ${STATUS[$two]})"
  else
    echo "n/a (${STATUS[$one]:-?} / ${STATUS[$two]:-?})"
  fi
}
echo "3. --jobs 2 vs --jobs 1, speed-up (aim >= 1.7). Searches of seconds (naive):"
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r label _ _ _ long <<<"$entry"
  [[ ${long:-} == long ]] || continue
  echo "   - $label: $(speedup "$label|interlock naive" "$label|interlock naive j2")"
  if [[ -n ${FASTEST[$label|1]:-} ]]; then
    echo "     fastest of ${RUNS[$label|1]} and ${RUNS[$label|2]} runs, alternated: ${FASTEST[$label|1]} s / ${FASTEST[$label|2]} s = $(ratio "${FASTEST[$label|1]}" "${FASTEST[$label|2]}")"
  fi
  if [[ -n ${PAIR[$label]:-} ]]; then
    half=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / 2:.4g}')" "${PAIR[$label]}")
    echo "     the host's ceiling: two --jobs 1 searches side by side took ${PAIR[$label]} s each (fastest of ${RUNS[$label|pair]}), so at best ${FASTEST[$label|1]} s / $half s = $(ratio "${FASTEST[$label|1]}" "$half")"
  fi
done
echo "   Searches of milliseconds (dpor; the second job joins after 10 ms, so these run alone: what is left is the split's own cost, sleep-set-blocked executions above the cut):"
for entry in "${benchmarks[@]}" "${large[@]}"; do
  IFS='|' read -r label _ <<<"$entry"
  echo "   - $label: $(speedup "$label|interlock dpor" "$label|interlock dpor j2")"
done
echo "4. Peak memory flat in executions: peak RSS after $((short_run * 10)) vs $short_run executions (aim ~1):"
long_key="$mem_label|naive $((short_run * 10))" short_key="$mem_label|naive ${short_run}"
if [[ -n ${RSS[$long_key]:-} && -n ${RSS[$short_key]:-} ]]; then
  echo "   ${RSS[$long_key]} KiB / ${RSS[$short_key]} KiB = $(ratio "${RSS[$long_key]}" "${RSS[$short_key]}")"
else
  echo "   n/a (${STATUS[$long_key]:-?} / ${STATUS[$short_key]:-?})"
fi
echo "5. Optimal DPOR (odpor) vs source-DPOR (dpor): executions + sleep-set-blocked, seconds:"
for entry in "${benchmarks[@]}" "${large[@]}"; do
  IFS='|' read -r label _ <<<"$entry"
  for strategy in dpor odpor; do
    key="$label|interlock $strategy"
    [[ ${STATUS[$key]:-} == finished ]] || { echo "   - $label $strategy: ${STATUS[$key]:-n/a}"; continue; }
    echo "   - $label $strategy: ${EXEC[$key]} + ${BLOCKED[$key]:-0} blocked, ${SECS[$key]} s"
  done
done

# --- a driver's C source -------------------------------------------------------------------------
echo
bash "$here/driver.sh" "$build" | sed 's/^#/##/'
