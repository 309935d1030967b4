#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what is missing, build with warnings as errors, and run every test:
# the cmocka unit tests, the fuzz-corpus replays (meson suites unit and
# fuzz-replay) and the integration tests (pytest under Debian's python3, as
# root: they make network namespaces). Ends with one line
# "total: N passed, N failed[, N skipped]"; exits non-zero if anything failed.
#
#   scripts/test.sh                 everything
#   scripts/test.sh -k PATTERN      only integration tests matching PATTERN (pytest -k)
#   BUILD=dir scripts/test.sh       use another build directory (default: build)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
pytest_args=("$@")

step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
scripts/deps.sh || exit 1

step "build ($build, warnings are errors)"
if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" -Dwerror=true -Dtests=true || exit 1
else
    meson configure "$build" -Dwerror=true -Dtests=true || exit 1
fi
ninja -C "$build" || exit 1

passed=0 failed=0 skipped=0

step "unit and fuzz-replay tests"
log=$(mktemp)
meson test -C "$build" --suite unit --suite fuzz-replay --print-errorlogs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
tout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
rm -f "$log"
passed=$((passed + ${ok:-0}))
failed=$((failed + ${fail:-0} + ${tout:-0}))
skipped=$((skipped + ${skip:-0}))
if (( rc != 0 && ${fail:-0} + ${tout:-0} == 0 )); then
    failed=$((failed + 1)) # meson itself failed
fi
echo "unit: ${ok:-0} passed, $(( ${fail:-0} + ${tout:-0} )) failed"

step "integration tests"
if (( EUID != 0 )); then
    echo "integration tests need root (network namespaces, net_tap): counted as failed"
    failed=$((failed + 1))
else
    junit="$build/integration-junit.xml"
    rm -f "$junit"
    GREWAY="$top/$build/app/greway/greway" /usr/bin/python3 -m pytest tests/integration \
        -v -rs -p no:cacheprovider --junitxml="$junit" "${pytest_args[@]}"
    rc=$?
    if [[ -f $junit ]]; then
        read -r t f e s < <(/usr/bin/python3 - "$junit" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
tot = lambda k: sum(int(x.get(k, 0)) for x in suites)
print(tot("tests"), tot("failures"), tot("errors"), tot("skipped"))
PY
        )
        passed=$((passed + t - f - e - s))
        failed=$((failed + f + e))
        skipped=$((skipped + s))
        # exit 5 is "no tests collected": nothing ran, which is a failure here
        if (( rc != 0 && f + e == 0 )); then
            failed=$((failed + 1))
        fi
    else
        failed=$((failed + 1))
    fi
fi

echo
echo "total: $passed passed, $failed failed, $skipped skipped"
(( failed == 0 ))
