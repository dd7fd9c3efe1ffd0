#!/usr/bin/env bash
# Shape-measurement speed of galforge beside GalSim's, single-threaded, on
# the stamps GalSim's hsm_adaptive rate uses (testdata/galsim/galsim_rates.json:
# 64x64 Sersic n=1.5 (x) Moffat stamps, used in turn): adaptive moments
# (GalSim hsm.FindAdaptiveMom), re-Gaussianization and metacalibration
# (GalSim has no metacal rate here; it is reported alone; metacal_batch
# reuses one prepared PSF for all stamps, as a catalogue run does).
#
# galforge's rate is 1e9 / (process CPU ns per shape) from `go test -bench`
# with GOMAXPROCS=1 (the wall-clock rate is printed too).
# Ends with: speedup_hsm_adaptive=<galforge shapes/s ÷ GalSim shapes/s>.
# Usage: bench/shapes.sh [benchtime, default 2s]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-2s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "# galforge (go test -bench, GOMAXPROCS=1)"
GOMAXPROCS=1 go test ./shapes -run '^$' -bench 'Benchmark(AdaptiveMoments|Regauss|Metacal|MetacalBatch)64' -cpu 1 \
  -benchtime "$benchtime" -count 1 | tee "$out"

metric() { awk -v n="$1" -v u="$2" '$1 == n {for (i=2;i<=NF;i++) if ($(i+1)==u) print $i}' "$out"; }
galsim=$(awk '$1 == "\"hsm_adaptive\":" {f=1} f && /median_rate_per_s/ {gsub(/[",]/,"",$2); print $2; exit}' \
  testdata/galsim/galsim_rates.json)

echo "# shapes/s: case galforge(cpu) galforge(wall) galsim"
for pair in hsm_adaptive:AdaptiveMoments64 regauss:Regauss64 metacal:Metacal64 metacal_batch:MetacalBatch64; do
  c=${pair%%:*}; b=Benchmark${pair##*:}
  cpu=$(metric "$b" cpu-ns/op); wall=$(metric "$b" ns/op)
  [ -n "$cpu" ] || cpu=$wall
  g=-; [ "$c" = hsm_adaptive ] && g=$galsim
  echo "$c $(awk -v n="$cpu" 'BEGIN {printf "%.1f", 1e9/n}') $(awk -v n="$wall" 'BEGIN {printf "%.1f", 1e9/n}') $g"
done
cpu=$(metric BenchmarkAdaptiveMoments64 cpu-ns/op)
echo "speedup_hsm_adaptive=$(awk -v n="$cpu" -v g="$galsim" 'BEGIN {printf "%.2f", 1e9/n/g}')"
