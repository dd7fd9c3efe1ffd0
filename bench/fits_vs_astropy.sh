#!/usr/bin/env bash
# Compare galforge's FITS reading speed with astropy's on the same files:
#   image: a 4096x4096 float32 image, read into a caller-owned []float32
#          (image_alloc: into a new slice each time, fresh memory included),
#   table: a 1,000,000-row, 10-column binary table,
#   gzip:  a gzipped 2048x2048 float32 image (MB counted uncompressed),
# each fully materialised: galforge into native-endian Go slices (the
# BenchmarkRead* benchmarks of ./fits), astropy touching every value
# (np.asarray(...).sum(), since astropy memory-maps).
# The two sides run in turn, round after round, each timing the mean of 5 reads
# after a warm-up, and each keeps its best round: the fairest figure on a
# shared, busy machine.
# Ends with one line per case: speedup_<case>=<galforge MB/s / astropy MB/s>.
# Usage: bench/fits_vs_astropy.sh [rounds, default 7]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

go test -c -o "$dir/fits.test" ./fits
export GALFORGE_FITS_BENCH_DIR=$dir
gobench() { "$dir/fits.test" -test.run '^$' -test.bench 'BenchmarkRead(Image|ImageAlloc|Table|GzipImage)$' -test.benchtime 5x; }
gobench >/dev/null # writes the files

cat >"$dir/astropy_bench.py" <<'PY'
import os, sys, time
import numpy as np
from astropy.io import fits
d = sys.argv[1]

def image(p):
    with fits.open(p) as h:
        return float(np.asarray(h[0].data).sum())

def table(p):
    with fits.open(p) as h:
        t = h[1].data
        return sum(float(np.asarray(t[c]).sum()) for c in t.columns.names)

with fits.open(os.path.join(d, 'bench_table.fits')) as h:
    tbytes = h[1].header['NAXIS1'] * h[1].header['NAXIS2']
for name, fn, f, nbytes in [('Image', image, 'bench_image.fits', 4 * 4096 * 4096),
                            ('Table', table, 'bench_table.fits', tbytes),
                            ('GzipImage', image, 'bench_image.fits.gz', 4 * 2048 * 2048)]:
    p = os.path.join(d, f)
    fn(p)  # warm up
    t0 = time.perf_counter()
    for _ in range(5):
        fn(p)
    print('astropy_%s %.1f MB/s' % (name, 5 * nbytes / 1e6 / (time.perf_counter() - t0)))
PY

for ((r = 1; r <= rounds; r++)); do
  gobench | awk '$1 ~ /^BenchmarkRead/ {sub(/-[0-9]+$/, "", $1); sub(/^BenchmarkRead/, "", $1); for (i=1;i<NF;i++) if ($(i+1)=="MB/s") print "galforge_" $1, $i, "MB/s"}' >>"$dir/all.txt"
  /usr/bin/python3 "$dir/astropy_bench.py" "$dir" >>"$dir/all.txt"
done
cat "$dir/all.txt"
best() { awk -v k="$1" '$1 == k && $2 > b {b = $2} END {print b}' "$dir/all.txt"; }
echo "# best of $rounds rounds (MB/s)"
for c in Image ImageAlloc Table GzipImage; do
  a=$(best astropy_${c/ImageAlloc/Image})
  echo "galforge_${c}=$(best galforge_$c) astropy_${c/ImageAlloc/Image}=$a"
done
for pair in image:Image:Image image_alloc:ImageAlloc:Image table:Table:Table gzip:GzipImage:GzipImage; do
  IFS=: read -r n gcase acase <<<"$pair"
  awk -v n="$n" -v g="$(best galforge_$gcase)" -v a="$(best astropy_$acase)" \
    'BEGIN {printf "speedup_%s=%.2f\n", n, g/a}'
done
