#!/bin/bash
# Runs the 100,000-galaxy stamp survey of deploy/memory-100k.yaml under
# /usr/bin/time -v and prints its wall time and peak RSS (not run in CI:
# it writes 1.6 GB). Usage: deploy/memory-check.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)/survey-100k}
go build -o "$out.galforge" ./cmd/galforge
/usr/bin/time -v "$out.galforge" survey -q deploy/memory-100k.yaml -o "$out" 2> "$out.time"
grep -E "Elapsed|Maximum resident" "$out.time"
echo "outputs in $out (delete when done: 1.6 GB)"
