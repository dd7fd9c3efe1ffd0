#!/usr/bin/env bash
# Compare galforge's nn with PyTorch on the conv VAE of testdata/torch/
# (network, loss and timing protocol in its README): median training-step
# time (batch 64, 64x64x1, 20 steps after 3 warm-up steps) and decoder
# generation rate (batch 256), both on the same thread count, run in turn.
#
#   bench/nn_vs_torch.sh [threads=2] [up=nearest|convT]
#
# The last two lines are
#   speedup_train=<torch s/step / galforge s/step>
#   speedup_generate=<galforge images/s / torch images/s>
# Measure on a quiet machine (the load average is printed first).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
UP=${2:-nearest}
PY=${PYTHON:-/usr/bin/python3}
echo "load: $(uptime | sed 's/.*load average/load average/')"
bin=$(mktemp -d)/vaebench
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -o "$bin" ./nn/internal/vaebench
g=$(GOMAXPROCS=$THREADS GALFORGE_THREADS=$THREADS "$bin" -threads "$THREADS" -up "$UP")
echo "$g"
t=$(cd testdata/torch && "$PY" vae_bench_reference.py "$THREADS" "$UP")
echo "$t"
echo "load: $(uptime | sed 's/.*load average/load average/')"
gstep=$(echo "$g" | sed -n 's/.*median train step \([0-9.]*\)s.*/\1/p')
tstep=$(echo "$t" | sed -n 's/.*median train step \([0-9.]*\)s.*/\1/p')
grate=$(echo "$g" | sed -n 's/.*generate:.*, \([0-9.]*\) images\/s.*/\1/p')
trate=$(echo "$t" | sed -n 's/.*generate:.*, \([0-9.]*\) images\/s.*/\1/p')
awk -v g="$gstep" -v t="$tstep" 'BEGIN { printf "speedup_train=%.2f\n", t / g }'
awk -v g="$grate" -v t="$trate" 'BEGIN { printf "speedup_generate=%.2f\n", g / t }'
