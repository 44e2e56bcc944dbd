#!/usr/bin/env bash
# Builds the library with CMake and runs every C, C++ and install test under ctest, twice:
# a normal build in build/ and an AddressSanitizer + UBSan build in build-sanitize/. Then runs
# every C test program of the normal build once more under valgrind memcheck, which also sees
# inside the (uninstrumented) Rust library: any memory error or definitely-lost byte fails.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

bash "$repo/.ci/setup.sh" c
command -v cargo >/dev/null || { echo "test.sh: cargo not found; install Rust >= 1.74 (https://rustup.rs)" >&2; exit 1; }

summaries=()
run_build() {
  local build_dir=$1
  shift
  echo "==> $build_dir: configure, build, test"
  cmake -S "$repo" -B "$build_dir" "$@"
  cmake --build "$build_dir" -j2
  local log=$build_dir/ctest.log
  # ctest's own exit status decides; the log only feeds the summary below.
  (cd "$build_dir" && ctest --output-on-failure) 2>&1 | tee "$log"
  summaries+=("$(basename "$build_dir"): $(grep -E 'tests passed|tests failed' "$log" | tail -n 1)")
}

# One program under memcheck; prints "<program>: <errors> errors, <bytes> bytes definitely lost"
# and fails unless the program passed with both at zero. "Possibly lost" and "still reachable"
# are expected (Rust statics, the never-freed global client) and not counted.
run_under_valgrind() {
  local program=$1 log_dir=$2
  local name log status=0
  name=$(basename "$program")
  log=$log_dir/$name.log
  # Time limits in the tests are multiplied by this: memcheck runs code 20-50 times slower.
  MT_TEST_TIME_SCALE=20 valgrind --tool=memcheck --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite --log-file="$log" "$program" >"$log_dir/$name.out" 2>&1 ||
    status=$?
  local errors lost
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1 | tr -d ,)
  lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
  # Without leaks, memcheck prints "All heap blocks were freed" instead of a leak summary.
  if [[ -z $lost ]] && grep -q 'All heap blocks were freed' "$log"; then
    lost=0
  fi
  echo "valgrind $name: ${errors:-?} errors, ${lost:-?} bytes definitely lost (exit $status)"
  if ((status != 0)) || [[ $errors != 0 || $lost != 0 ]]; then
    echo "---- $name output:" && cat "$log_dir/$name.out"
    echo "---- $name memcheck log (full: $log):" && grep -v '^==[0-9]*== *$' "$log" | tail -n 80
    return 1
  fi
}

run_valgrind() {
  local build_dir=$1
  local log_dir=$build_dir/valgrind
  echo "==> $build_dir: C test programs under valgrind memcheck"
  mkdir -p "$log_dir"
  # The programs ctest runs as c.<name> (test_<name>), not whatever else lies in the build tree;
  # c.* tests without a program of their own (scripts) have nothing for memcheck to see.
  local names
  names=$(cd "$build_dir" && ctest -N -R '^c[.]' | sed -n 's/^ *Test *#[0-9]*: c[.]\(.*\)$/\1/p')
  local lines=() failed=0 line name
  for name in $names; do
    local program=$build_dir/tests/c/test_$name
    [[ -f $program && -x $program ]] || continue
    # In a forked child the library leaves the parent's sender thread state alone on purpose
    # (docs/c-api.md, "fork()"); memcheck follows the child and calls the vanished thread's
    # start block definitely lost, failing the child. The parent side is checked by ASan.
    [[ $name == fork ]] && continue
    if line=$(run_under_valgrind "$program" "$log_dir"); then
      echo "$line"
      lines+=("$line")
    else
      echo "$line"
      lines+=("$(head -n 1 <<<"$line")")
      failed=$((failed + 1))
    fi
  done
  ((${#lines[@]} > 0)) || { echo "test.sh: no C test programs in $build_dir/tests/c" >&2; exit 1; }
  summaries+=("valgrind: $((${#lines[@]} - failed)) of ${#lines[@]} programs clean" "${lines[@]/#/  }")
  return "$failed"
}

run_build "$repo/build" -DMT_SANITIZE=OFF
run_build "$repo/build-sanitize" -DMT_SANITIZE=ON
valgrind_status=0
run_valgrind "$repo/build" || valgrind_status=1

echo
printf '%s\n' "${summaries[@]}"
exit "$valgrind_status"
