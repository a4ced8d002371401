#!/usr/bin/env bash
# Measures the event log against raw JetStream in one run, on the same
# embedded server settings (file storage, SyncAlways), and prints each rate
# and the ratios. These machines are noisy: compare ratios, not rates.
#
#   scripts/bench.sh             # about a minute
#   BENCHTIME=5s scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${BENCHTIME:-3s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "== event log (events/jetstream), -benchtime $benchtime"
go test -run '^$' -bench '^(BenchmarkRawPublish|BenchmarkAppend|BenchmarkReplay)$' -benchtime "$benchtime" ./events/jetstream/ | tee "$out"

awk '
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 2; i < NF; i++) if ($(i+1) == "events/s") rate[name] = $i
	}
	function ratio(label, ours, raw, target) {
		if (!(ours in rate) || !(raw in rate)) { printf "%-40s missing\n", label; return }
		printf "%-40s %9.0f / %9.0f events/s = %5.2fx (target %s)\n", label, rate[ours], rate[raw], rate[ours] / rate[raw], target
	}
	END {
		print ""
		print "== ratios against raw JetStream in this run"
		ratio("Append, 16 goroutines", "BenchmarkAppend/goroutines=16", "BenchmarkRawPublish/goroutines=16", ">= 1.0x")
		ratio("Append, 256 goroutines", "BenchmarkAppend/goroutines=256", "BenchmarkRawPublish/goroutines=256", ">= 5x")
		ratio("Replay of 200,000 events", "BenchmarkReplay/reader", "BenchmarkReplay/raw", ">= 0.7x")
	}' "$out"
