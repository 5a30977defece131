#!/usr/bin/env bash
# tests/installed_headers.sh BUILD_DIR CXX: installs the build into a temporary prefix, then
# compiles each installed header alone with only that prefix on Interlock's include path, and
# fails if one does not compile or pulls in any Boost header (the fiber switch and
# Boost.Context are the engine's internals: no public header may need them).
set -euo pipefail
build=$1
cxx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/interlock-headers.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
include="$work/prefix/include"
[ -f "$include/interlock/core/Setup.hpp" ] || { echo "no interlock/core/Setup.hpp installed" >&2; exit 1; }
failed=0
count=0
while IFS= read -r header; do
  name=${header#"$include"/}
  count=$((count + 1))
  printf '#include <%s>\n' "$name" >"$work/one.cpp"
  if ! "$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$include" \
       -M -MF "$work/one.d" "$work/one.cpp" 2>"$work/err.txt" ||
     ! "$cxx" -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$include" \
       "$work/one.cpp" 2>>"$work/err.txt"; then
    echo "FAIL: $name does not compile alone from the installed prefix:" >&2
    head -20 "$work/err.txt" >&2
    failed=1
    continue
  fi
  if grep -q '/boost/' "$work/one.d"; then
    echo "FAIL: $name includes Boost headers:" >&2
    tr ' \\' '\n\n' <"$work/one.d" | grep '/boost/' | head -5 >&2
    failed=1
  fi
  case $name in
    */detail/*) echo "FAIL: $name: an engine internal was installed" >&2; failed=1 ;;
  esac
done < <(find "$include" -name '*.hpp' | sort)
[ "$count" -gt 0 ] || { echo "no headers installed" >&2; exit 1; }
[ "$failed" -eq 0 ] || exit 1
echo "$count installed headers compile alone, without Boost"
