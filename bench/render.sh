#!/usr/bin/env bash
# Stamp rendering speed of galforge against GalSim's, single-threaded, for
# the cases of testdata/galsim/galsim_rates.json (same descriptions: the
# object is built and drawn for every stamp; the real galaxy's
# deconvolution tables are built once, as in GalSim's measurement).
#
# galforge's rate is 1e9 / (process CPU ns per stamp) measured by
# `go test -bench` with GOMAXPROCS=1: on an idle machine that equals the
# wall-clock rate GalSim's numbers are; on a loaded one it is the fair
# figure. The wall-clock rate is printed too.
# Ends with one line per case: speedup_<case>=<galforge stamps/s ÷ GalSim stamps/s>.
# Usage: bench/render.sh [benchtime, default 2s]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-2s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# One line per case: <galsim_rates.json case> <package> <benchmark>.
# To add a case, append a line here.
cases="
sersic_moffat ./profile BenchmarkRenderSersicMoffat
exp_gauss ./profile BenchmarkRenderExpGauss
real_galaxy ./profile BenchmarkRenderRealGalaxy
hsm_adaptive ./shapes BenchmarkAdaptiveMoments64
"

echo "# galforge (go test -bench, GOMAXPROCS=1)"
for pkg in $(echo "$cases" | awk 'NF {print $2}' | sort -u); do
  names=$(echo "$cases" | awk -v p="$pkg" '$2 == p {printf "%s%s", s, $3; s="|"}')
  GOMAXPROCS=1 go test "$pkg" -run '^$' -bench "^($names)\$" -cpu 1 \
    -benchtime "$benchtime" -count 1 | tee -a "$out"
done

# metric <benchmark name> <unit>: the value before that unit.
metric() { awk -v n="$1" -v u="$2" '$1 == n {for (i=2;i<=NF;i++) if ($(i+1)==u) print $i}' "$out"; }
# galsim <case>: GalSim's median stamps/s.
galsim() {
  awk -v c="\"$1\"" '$1 == c":" {f=1} f && /median_rate_per_s/ {gsub(/[",]/,"",$2); print $2; exit}' \
    testdata/galsim/galsim_rates.json
}

echo "# stamps/s: case galforge(cpu) galforge(wall) galsim"
lines=()
while read -r c _ b; do
  [ -n "$c" ] || continue
  cpu=$(metric "$b" cpu-ns/op); wall=$(metric "$b" ns/op); g=$(galsim "$c")
  [ -n "$cpu" ] || cpu=$wall
  rate=$(awk -v n="$cpu" 'BEGIN {printf "%.1f", 1e9/n}')
  wrate=$(awk -v n="$wall" 'BEGIN {printf "%.1f", 1e9/n}')
  echo "$c $rate $wrate $g"
  lines+=("speedup_$c=$(awk -v a="$rate" -v b="$g" 'BEGIN {printf "%.2f", a/b}')")
done <<< "$cases"
printf '%s\n' "${lines[@]}"
