#!/usr/bin/env bash
# `make test`: Swift tests then browser tests against a fresh throwaway stack in .run-test/
# (http://127.0.0.1:8089, postgres port 5545, debug build;
# ASYLUM_TEST_HTTP_PORT / ASYLUM_TEST_PG_PORT move them). The stack is always stopped at the
# end, quietly (into .run-test/logs/stop.log), so the test runner's summary is the last line.
# Expects `swift build` and `swift build --build-tests` to have been run (the Makefile does it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)
RUN=$ROOT/.run-test
# Ports can be moved so two checkouts can test side by side.
HTTP_PORT=${ASYLUM_TEST_HTTP_PORT:-8089}
PG_PORT=${ASYLUM_TEST_PG_PORT:-5545}

# The code's layout is swift-format's (.swift-format); `make format` fixes what this refuses.
swift-format lint --strict --recursive --parallel Sources Tests Package.swift
# The catalogues: nothing missing in a reviewed language, nothing unused, no undeclared key family.
.build/debug/asylum-admin i18n-check

scripts/services.sh stop "$RUN" >/dev/null 2>&1 || true
rm -rf "$RUN"
trap 'mkdir -p "$RUN/logs"; scripts/services.sh stop "$RUN" >>"$RUN/logs/stop.log" 2>&1 || true' EXIT

# Without browser tests yet, pytest would end with "no tests ran" (exit 5): say so now, so the
# Swift summary stays the last line.
run_e2e=1
if [ -z "$(find Tests/e2e -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]; then
    echo "test.sh: no browser tests in Tests/e2e yet: pytest will be skipped"
    run_e2e=0
fi

# A throwaway cluster does not need durable writes.
# The demo viewer on, as `make run` has it: the suite checks it stays admin-only and off public pages.
ASYLUM_DEMO_MESSAGES=1 ASYLUM_PG_FAST=1 ASYLUM_ENV=test scripts/services.sh start "$RUN" "$HTTP_PORT" "$PG_PORT" debug
# shellcheck source=/dev/null
source "$RUN/env"
export ASYLUM_TEST_DATABASE_URL=$ASYLUM_DATABASE_URL
export ASYLUM_TEST_BASE_URL=http://127.0.0.1:$HTTP_PORT
export ASYLUM_TEST_RUNDIR=$RUN
export CHROMIUM=/usr/bin/chromium

# Without Swift Testing tests, its runner would still close with "Test run with 0 tests", which
# reads as if nothing ran: leave it out then, so XCTest's "Executed N tests" line closes.
swift_test=(swift test --skip-build)
grep -rqs --include='*.swift' '^import Testing' Tests || swift_test+=(--disable-swift-testing)
"${swift_test[@]}"

if [ "$run_e2e" = 1 ]; then
    .build/debug/asylum-admin seed-demo
    .venv/bin/python -m pytest Tests/e2e -p no:cacheprovider
else
    .build/debug/asylum-admin seed-demo >"$RUN/logs/seed-demo.log"    # still checked
fi
