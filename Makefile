# AsylumPortal: day-to-day commands. The work is in scripts/; see the comment atop each script.
#   make run    release stack on http://127.0.0.1:8080 (data kept in .run/), logs until Ctrl-C
#   make stop   stop what `make run` started (if its terminal went away)
#   make test   Swift + browser tests against a fresh stack in .run-test/ (port 8089)
#   make bench  pages vs a C baseline (bench/baseline/, built in .build-baseline/), outbox drain,
#               worker kill figures (stack in .run-bench/, port 8090); BENCH_ONLY=pages: pages only
#   make soak   the pages for SOAK_SECONDS (600), RSS every minute; FAIL if it grows (stack in .run-bench/)
#   make i18n-check  the catalogues against Views/ and Sources/ (make test runs it too)
#   make format  swift-format over Sources, Tests and Package.swift (make test lints the same)
#   make fuzz   libFuzzer over the parsers, FUZZ_SECONDS (60) per target (builds in .fuzz/)
#   make clean  stop everything, delete .run .run-test .run-bench (keeps .build)
SHELL := /bin/bash

.PHONY: all deps build build-debug run stop test bench soak fuzz format i18n-check clean

all: build

deps:
	@scripts/deps.sh

build: deps
	swift build -c release

build-debug: deps
	swift build
	swift build --build-tests

run: build
	@scripts/run.sh

stop:
	@scripts/services.sh stop .run

test: build-debug
	@scripts/test.sh

bench: build
	@scripts/bench.sh

soak: build
	@scripts/soak.sh

i18n-check:
	swift build --product asylum-admin
	.build/debug/asylum-admin i18n-check

format:
	swift-format format --in-place --recursive --parallel Sources Tests Package.swift

fuzz:
	@scripts/fuzz.sh

clean:
	@for d in .run .run-test .run-bench; do scripts/services.sh stop $$d; done
	rm -rf .run .run-test .run-bench
