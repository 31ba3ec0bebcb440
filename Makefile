# kalshi-fix: `make run` (the main job), `make test` (the test suite), `make bench` (benchmarks).
# Each target first installs missing Debian packages (as root: apt-get; otherwise it says what to install).

SWIFT ?= swift
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: run test bench fuzz deps build release clean

deps:
	@scripts/install-deps.sh

## The main job: the demo against the embedded simulated Kalshi gateway (loopback TLS), in release.
run: deps
	$(SWIFT) build -c release --product kalshi-fix
	.build/release/kalshi-fix demo

## The test suite (the command CI runs).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

## libFuzzer over the decoder: `make fuzz` (30 s), `make fuzz FUZZ_SECONDS=3600` for a long run.
FUZZ_SECONDS ?= 30
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

## Benchmarks in release, one Markdown table each: codec, rtt, book, track, roundtrip, log
## (rtt and roundtrip at 20 000 round trips per row; about 1 minute after the build).
## `make bench BENCH_ARGS=--json` prints JSON lines instead.
BENCH_ARGS ?=
bench: deps
	$(SWIFT) build -c release --product Bench
	$(SWIFT) build -c release --product QuickFixPeer
	.build/release/Bench all $(BENCH_ARGS)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

clean:
	rm -rf .build
