#!/usr/bin/env bash
# Compare galforge's FITS reading speed with astropy's on the same files:
# a 4096x4096 float32 image, a 1,000,000-row 10-column binary table and a
# gzipped 2048x2048 float32 image, each fully materialised (astropy memory-maps,
# so it must touch every value: np.asarray(...).sum()).
# Ends with one line per case: speedup_<case>=<galforge MB/s / astropy MB/s>.
# Usage: bench/fits_vs_astropy.sh [benchtime, default 3x]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3x}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

echo "# galforge (go test -bench, files in $dir)"
GALFORGE_FITS_BENCH_DIR=$dir go test ./fits -run '^$' -bench 'BenchmarkRead(Image|Table|GzipImage)$' \
  -benchtime "$benchtime" -count 1 | tee "$dir/go.txt"
go_mbps() { awk -v n="BenchmarkRead$1" '$1 ~ "^"n"(-[0-9]+)?$" {for (i=1;i<=NF;i++) if ($(i+1)=="MB/s") print $i}' "$dir/go.txt"; }
g_image=$(go_mbps Image); g_table=$(go_mbps Table); g_gzip=$(go_mbps GzipImage)

echo "# astropy"
/usr/bin/python3 - "$dir" <<'PY' | tee "$dir/py.txt"
import os, sys, time
import numpy as np
from astropy.io import fits
d = sys.argv[1]

def best_mbps(fn, nbytes, reps=3):
    fn()  # warm the page cache and imports
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return nbytes / 1e6 / (sum(times) / len(times))

def image(p):
    def run():
        with fits.open(p) as h:
            return float(np.asarray(h[0].data).sum())
    return run

def table(p):
    def run():
        with fits.open(p) as h:
            t = h[1].data
            return sum(float(np.asarray(t[c]).sum()) for c in t.columns.names)
    return run

with fits.open(os.path.join(d, 'bench_table.fits')) as h:
    tbytes = h[1].header['NAXIS1'] * h[1].header['NAXIS2']
print('astropy_image_MBps=%.1f' % best_mbps(image(os.path.join(d, 'bench_image.fits')), 4 * 4096 * 4096))
print('astropy_table_MBps=%.1f' % best_mbps(table(os.path.join(d, 'bench_table.fits')), tbytes))
print('astropy_gzip_MBps=%.1f' % best_mbps(image(os.path.join(d, 'bench_image.fits.gz')), 4 * 2048 * 2048))
PY
a_image=$(sed -n 's/^astropy_image_MBps=//p' "$dir/py.txt")
a_table=$(sed -n 's/^astropy_table_MBps=//p' "$dir/py.txt")
a_gzip=$(sed -n 's/^astropy_gzip_MBps=//p' "$dir/py.txt")
echo "galforge_image_MBps=$g_image galforge_table_MBps=$g_table galforge_gzip_MBps=$g_gzip"
awk -v g="$g_image" -v a="$a_image" 'BEGIN {printf "speedup_image=%.2f\n", g/a}'
awk -v g="$g_table" -v a="$a_table" 'BEGIN {printf "speedup_table=%.2f\n", g/a}'
awk -v g="$g_gzip" -v a="$a_gzip" 'BEGIN {printf "speedup_gzip=%.2f\n", g/a}'
