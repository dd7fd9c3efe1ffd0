#!/usr/bin/env bash
# Compare galforge's nn with PyTorch on the conv VAE of testdata/torch/
# (network, loss and timing protocol in its README): median training-step
# time (batch 64, 64x64x1, 20 steps after 3 warm-up steps) and decoder
# generation rate (batch 256), both on the same thread count.
#
#   bench/nn_vs_torch.sh [threads=2] [up=nearest|convT] [rounds=2]
#
# The two sides run in turn, alternating, `rounds` times; each side's best
# round counts (the machine is shared: the best round is the least
# disturbed one). The last two lines are
#   speedup_train=<torch s/step / galforge s/step>
#   speedup_generate=<galforge images/s / torch images/s>
# Measure on a quiet machine (the load average is printed around the runs).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
UP=${2:-nearest}
ROUNDS=${3:-2}
PY=${PYTHON:-/usr/bin/python3}
echo "load: $(uptime | sed 's/.*load average/load average/')"
bin=$(mktemp -d)/vaebench
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -o "$bin" ./nn/internal/vaebench
gstep=inf grate=0 tstep=inf trate=0
for ((r = 1; r <= ROUNDS; r++)); do
	g=$(GOMAXPROCS=$THREADS GALFORGE_THREADS=$THREADS "$bin" -threads "$THREADS" -up "$UP")
	echo "$g"
	t=$(cd testdata/torch && "$PY" vae_bench_reference.py "$THREADS" "$UP")
	echo "$t"
	gstep=$(echo "$g" | sed -n 's/.*median train step \([0-9.]*\)s.*/\1/p' | awk -v b="$gstep" '{print (b == "inf" || $1 < b) ? $1 : b}')
	tstep=$(echo "$t" | sed -n 's/.*median train step \([0-9.]*\)s.*/\1/p' | awk -v b="$tstep" '{print (b == "inf" || $1 < b) ? $1 : b}')
	grate=$(echo "$g" | sed -n 's/.*generate:.*, \([0-9.]*\) images\/s.*/\1/p' | awk -v b="$grate" '{print ($1 > b) ? $1 : b}')
	trate=$(echo "$t" | sed -n 's/.*generate:.*, \([0-9.]*\) images\/s.*/\1/p' | awk -v b="$trate" '{print ($1 > b) ? $1 : b}')
done
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "best: galforge ${gstep}s/step ${grate} images/s; torch ${tstep}s/step ${trate} images/s"
awk -v g="$gstep" -v t="$tstep" 'BEGIN { printf "speedup_train=%.2f\n", t / g }'
awk -v g="$grate" -v t="$trate" 'BEGIN { printf "speedup_generate=%.2f\n", g / t }'
