package fits

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Benchmarks of reading, each fully materialising native-endian arrays.
// The files are generated at benchmark time; set GALFORGE_FITS_BENCH_DIR to
// keep them in a directory (bench/fits_vs_astropy.sh reads them with astropy).

const (
	benchImageN   = 4096    // the uncompressed image is benchImageN² float32
	benchGzipN    = 2048    // the gzipped image is benchGzipN² float32
	benchTableRow = 1000000 // rows of the 10-column table
)

func benchDir(b *testing.B) string {
	if d := os.Getenv("GALFORGE_FITS_BENCH_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		return d
	}
	return b.TempDir()
}

// benchImage returns a smooth galaxy-like profile plus noise, in whole counts
// as raw CCD data are, so that gzip compresses it about as much as real images.
func benchImage(n int) *Image {
	img := NewImage(n, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			r2 := float64((x-n/2)*(x-n/2)+(y-n/2)*(y-n/2)) / float64(n*n/16)
			img.Data[y*n+x] = math.Round(1000*math.Exp(-r2) + 10*rng.NormFloat64())
		}
	}
	return img
}

func ensureImage(b *testing.B, name string, n int) string {
	p := filepath.Join(benchDir(b), name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if err := WriteImageFile(p, nil, benchImage(n), -32); err != nil {
		b.Fatal(err)
	}
	return p
}

func ensureTable(b *testing.B) string {
	p := filepath.Join(benchDir(b), "bench_table.fits")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	n := benchTableRow
	rng := rand.New(rand.NewPCG(3, 4))
	ra, dec, mag := make([]float64, n), make([]float64, n), make([]float64, n)
	flux, size := make([]float32, n), make([]float32, n)
	id := make([]int64, n)
	flag, nobs := make([]int32, n), make([]int32, n)
	class := make([]int16, n)
	band := make([]uint8, n)
	for i := range n {
		ra[i], dec[i], mag[i] = rng.Float64()*360, rng.Float64()*180-90, 18+rng.Float64()*8
		flux[i], size[i] = float32(rng.ExpFloat64()), float32(rng.Float64())
		id[i], flag[i], nobs[i] = int64(i)*7919, int32(rng.IntN(16)), int32(rng.IntN(100))
		class[i], band[i] = int16(rng.IntN(5)), uint8(rng.IntN(6))
	}
	w, err := Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteTable(nil, []Column{
		{Name: "ID", Data: id}, {Name: "RA", Data: ra}, {Name: "DEC", Data: dec}, {Name: "MAG", Data: mag},
		{Name: "FLUX", Data: flux}, {Name: "SIZE", Data: size}, {Name: "FLAG", Data: flag},
		{Name: "NOBS", Data: nobs}, {Name: "CLASS", Data: class}, {Name: "BAND", Data: band},
	}); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

func readNativeImage(b *testing.B, p string) int64 {
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	h, err := f.HDU(0)
	if err != nil {
		b.Fatal(err)
	}
	v, err := h.Float32()
	if err != nil {
		b.Fatal(err)
	}
	return int64(4 * len(v))
}

// BenchmarkReadImage reads a 4096x4096 float32 image into a caller-owned
// []float32 (HDU.NativeInto), as a loop over many images does.
func BenchmarkReadImage(b *testing.B) {
	p := ensureImage(b, "bench_image.fits", benchImageN)
	b.SetBytes(int64(4 * benchImageN * benchImageN))
	dst := make([]float32, benchImageN*benchImageN)
	readImageInto(b, p, dst) // warm up, as the astropy side does
	b.ResetTimer()
	for b.Loop() {
		readImageInto(b, p, dst)
	}
}

// BenchmarkReadImageAlloc reads the same image into a new []float32 each
// time (HDU.Float32): the cost of fresh memory included.
func BenchmarkReadImageAlloc(b *testing.B) {
	p := ensureImage(b, "bench_image.fits", benchImageN)
	b.SetBytes(int64(4 * benchImageN * benchImageN))
	readNativeImage(b, p)
	b.ResetTimer()
	for b.Loop() {
		readNativeImage(b, p)
	}
}

func readImageInto(b *testing.B, p string, dst []float32) {
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	h, err := f.HDU(0)
	if err != nil {
		b.Fatal(err)
	}
	if err := h.NativeInto(dst); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReadGzipImage reads a gzipped 2048x2048 float32 image into a
// []float32 (bytes counted uncompressed).
func BenchmarkReadGzipImage(b *testing.B) {
	p := ensureImage(b, "bench_image.fits.gz", benchGzipN)
	b.SetBytes(int64(4 * benchGzipN * benchGzipN))
	readNativeImage(b, p) // warm up, as the astropy side does
	b.ResetTimer()
	for b.Loop() {
		readNativeImage(b, p)
	}
}

// BenchmarkReadTable reads a 1,000,000-row, 10-column binary table into one
// native slice per column (HDU.ReadColumns, one pass over the rows).
func BenchmarkReadTable(b *testing.B) {
	p := ensureTable(b)
	b.SetBytes(tableBytes(b, p))
	readTableColumns(b, p) // warm up, as the astropy side does
	b.ResetTimer()
	for b.Loop() {
		readTableColumns(b, p)
	}
}

// BenchmarkReadTableInMemory is BenchmarkReadTable through Table (the whole
// table read into memory) and Table.Native per column.
func BenchmarkReadTableInMemory(b *testing.B) {
	p := ensureTable(b)
	b.SetBytes(tableBytes(b, p))
	b.ResetTimer()
	for b.Loop() {
		f, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		h, _ := f.HDU(1)
		t, err := h.Table()
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range t.Columns() {
			if _, err := t.Native(c.Name); err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
}

func readTableColumns(b *testing.B, p string) {
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	h, _ := f.HDU(1)
	cols, err := h.ReadColumns()
	if err != nil || len(cols) != 10 {
		b.Fatal(err)
	}
}

func tableBytes(b *testing.B, p string) int64 {
	f, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	h, _ := f.HDU(1)
	return h.DataSize()
}
