#!/usr/bin/env bash
# The example as a user would build it: configure, build and install Interlock from this
# repository into a temporary prefix, build examples/ against that prefix with
# find_package(Interlock), then check the example's scenarios with the resulting binary; then
# the same for examples/driver-c copied into an empty directory (a driver's own C source).
# KEEP=1 keeps the temporary directory; CMAKE_GENERATOR picks the generator (default:
# Ninja when installed). Exits non-zero at the first step that does not do what it should.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/interlock-example.XXXXXX")
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
if [ -z "${CMAKE_GENERATOR:-}" ] && command -v ninja >/dev/null; then export CMAKE_GENERATOR=Ninja; fi
prefix="$work/prefix"

step() { echo; echo "== $*"; }
fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
# Runs a command and fails unless it exits with the given status.
expect_status() {
  local want=$1; shift
  local got=0
  "$@" || got=$?
  [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
  echo "-> exit $got, as expected"
}

step "configure, build and install Interlock into $prefix"
cmake -S "$root" -B "$work/interlock-build" -DINTERLOCK_TESTS=OFF
cmake --build "$work/interlock-build"
cmake --install "$work/interlock-build" --prefix "$prefix"
config=$(find "$prefix" -name InterlockConfig.cmake -print -quit)
[ -n "$config" ] || fail "no package config was installed"
if grep -rqF "$root" "$(dirname "$config")"; then
  fail "the installed package refers to the source tree ($root)"
fi

step "configure and build the example against the installed package only"
cmake -S "$here" -B "$work/example-build" -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$work/example-build" 2>&1 | tee "$work/example-build.log"
# Its own -Wall -Wextra: the example is what users copy, so it must build without a warning.
if grep -q 'warning:' "$work/example-build.log"; then fail "the example builds with warnings"; fi
bin="$work/example-build/my-interlock"
[ -x "$bin" ] || fail "no my-interlock executable was built"

step "my-interlock list: the built-in catalogue and the example's scenarios"
"$bin" list | tee "$work/list.txt"
grep -q '^eresource/suspended-owner ' "$work/list.txt" || fail "the built-in catalogue is missing"
grep -q '^example/cache-ioctl-unprotected ' "$work/list.txt" || fail "the example's scenarios are missing"

step "my-interlock check 'example/*': every expected verdict met"
expect_status 0 "$bin" check 'example/*' --junit "$work/example.xml" --sarif "$work/example.sarif"
for report in "$work/example.xml" "$work/example.sarif"; do
  [ -s "$report" ] || fail "check did not write $report"
done

step "my-interlock run example/cache-ioctl-unprotected: the bug is found"
expect_status 1 "$bin" run example/cache-ioctl-unprotected

step "my-interlock run example/cache-ioctl-critical-region: the fix passes"
expect_status 0 "$bin" run example/cache-ioctl-critical-region

step "examples/driver-c as a project of its own: copied to an empty directory, built against the package"
mkdir "$work/driver-c"
cp "$here/driver-c/driver.c" "$here/driver-c/harness.cpp" "$here/driver-c/CMakeLists.txt" "$work/driver-c/"
cmake -S "$work/driver-c" -B "$work/driver-c-build" -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$work/driver-c-build" --target example-driver-interlock example-driver-no-critical-region-interlock 2>&1 |
  tee "$work/driver-c-build.log"
if grep -q 'warning:' "$work/driver-c-build.log"; then fail "the example driver builds with warnings"; fi

step "example-driver-interlock check: the correct driver passes"
expect_status 0 "$work/driver-c-build/example-driver-interlock" check

step "example-driver-no-critical-region-interlock run: the seeded bug is found"
expect_status 1 "$work/driver-c-build/example-driver-no-critical-region-interlock" run example/requests-during-unload

echo
echo "run.sh: the installed package builds a user project and a driver's C source, and their scenarios check as expected"
