#!/usr/bin/env bash
# Builds and runs the libFuzzer target over FixCodec's decoder.
#   scripts/fuzz.sh [seconds]      (default 30; CI runs a short bounded run)
# Longer runs: scripts/fuzz.sh 3600 — crashes land in .build/fuzz/ as crash-* files;
# reproduce one with .build/fuzz/decoder-fuzz .build/fuzz/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
export PATH="/opt/swift/usr/bin:$PATH"
swift build --target FixCodec >/dev/null   # runs the build plugin: generated sources
generated=$(find .build/plugins/outputs -path '*FixCodec/destination/FixCodegenPlugin/generated' -type d | head -1)
[ -n "$generated" ] || { echo "fuzz: generated sources not found under .build/plugins/outputs" >&2; exit 1; }
mkdir -p .build/fuzz/corpus
swiftc -sanitize=fuzzer,address -O -parse-as-library -module-name FixCodec \
  $(find Sources/FixCodec -name '*.swift') "$generated"/*.swift Fuzz/DecoderFuzz.swift \
  -o .build/fuzz/decoder-fuzz 2> >(grep -v "Cannot export local symbol" >&2)
cd .build/fuzz
./decoder-fuzz -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 corpus ../../Fuzz/seeds 2>&1 | tail -12
