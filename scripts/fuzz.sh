#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the request parsing layer and the catalogue formatter.
#   scripts/fuzz.sh [target...]      default: every fuzz/targets/*.swift
#   FUZZ_SECONDS=60 (per target), FUZZ_JOBS=1, FUZZ_OUT=.fuzz (builds, corpora, crash artefacts)
# Each target is its own binary: the parsers' sources (Sources/HTTP, Language, Catalogue) are
# compiled straight into it with -sanitize=fuzzer,address, so `swift build` and `make test` are
# untouched. Seeds are committed in fuzz/seeds/TARGET; what libFuzzer learns goes to
# $FUZZ_OUT/corpus/TARGET (not committed); a crash leaves $FUZZ_OUT/crashes/TARGET-crash-*
# and makes this script fail (replay it: $FUZZ_OUT/bin/TARGET FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
OUT=${FUZZ_OUT:-$ROOT/.fuzz}
SWIFTC=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
mkdir -p "$OUT/bin" "$OUT/lib" "$OUT/corpus" "$OUT/crashes"
# libFuzzer reports a crash itself; Swift's backtracer would hang under ASan.
export SWIFT_BACKTRACE=enable=no

# swift-log (FastCGIServer logs through it): its checkout comes from `swift package resolve`.
LOGGING_SRC=$ROOT/.build/checkouts/swift-log/Sources/Logging
[ -d "$LOGGING_SRC" ] || swift package resolve >/dev/null
if [ ! -f "$OUT/lib/Logging.swiftmodule" ] || [ -n "$(find "$LOGGING_SRC" -newer "$OUT/lib/Logging.swiftmodule" -name '*.swift' | head -1)" ]; then
    echo "fuzz: building swift-log"
    (cd "$OUT/lib" && "$SWIFTC" -O -parse-as-library -module-name Logging -package-name swift_log \
        -emit-module -emit-library -static -o libLogging.a $(find "$LOGGING_SRC" -name '*.swift'))
fi

# swift-http-types (HTTP's methods, statuses and fields), built the same way.
TYPES_SRC=$ROOT/.build/checkouts/swift-http-types/Sources/HTTPTypes
if [ ! -f "$OUT/lib/HTTPTypes.swiftmodule" ] || [ -n "$(find "$TYPES_SRC" -newer "$OUT/lib/HTTPTypes.swiftmodule" -name '*.swift' | head -1)" ]; then
    echo "fuzz: building swift-http-types"
    (cd "$OUT/lib" && "$SWIFTC" -O -parse-as-library -module-name HTTPTypes -package-name swift_http_types \
        -emit-module -emit-library -static -o libHTTPTypes.a $(find "$TYPES_SRC" -name '*.swift'))
fi

# The languages and catalogues moved to Sources/I18n (issue 11); Domain brings the 2D-Doc reader.
SUBJECTS=("$ROOT"/Sources/HTTP/*.swift "$ROOT"/Sources/I18n/*.swift $(find "$ROOT/Sources/Domain" -name '*.swift')
          "$ROOT/fuzz/shims/Config.swift")
if [ $# -gt 0 ]; then targets=("$@"); else targets=($(cd fuzz/targets && ls *.swift | sed 's/\.swift$//')); fi

failed=()
for t in "${targets[@]}"; do
    bin=$OUT/bin/$t
    if [ ! -x "$bin" ] || [ -n "$(find "${SUBJECTS[@]}" "fuzz/targets/$t.swift" -newer "$bin" | head -1)" ]; then
        echo "fuzz: building $t"
        # (ld.gold warns about every ASan helper symbol: the log is shown only on failure.)
        "$SWIFTC" -O -g -sanitize=fuzzer,address -parse-as-library -module-name Fuzz \
            -I "$ROOT/Sources/CFastCGI" -I "$OUT/lib" -L "$OUT/lib" -lLogging -lHTTPTypes \
            "${SUBJECTS[@]}" "fuzz/targets/$t.swift" -o "$bin" >"$OUT/$t.build.log" 2>&1 \
            || { grep -v 'Cannot export local symbol' "$OUT/$t.build.log" >&2; exit 1; }
    fi
    mkdir -p "$OUT/corpus/$t"
    seeds=()
    [ -d "fuzz/seeds/$t" ] && seeds=("fuzz/seeds/$t")
    echo "fuzz: $t for ${SECONDS_PER_TARGET}s"
    if ! "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" "$OUT/corpus/$t" "${seeds[@]}" \
            2>"$OUT/$t.log"; then
        failed+=("$t")
    fi
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)' "$OUT/$t.log" \
        | tr '\n' ' ' | sed "s/^/fuzz: $t: /"; echo
    grep -E '^#[0-9]+' "$OUT/$t.log" | tail -1 | sed "s/^/fuzz: $t: last: /"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in ${failed[*]}: see $OUT/crashes/ and $OUT/TARGET.log" >&2
    exit 1
fi
echo "fuzz: no crash in ${targets[*]}"
