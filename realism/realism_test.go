package realism

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/pix"
)

const dataDir = "../data"

func TestWasserstein1(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{0}, []float64{1}, 1},
		{[]float64{0, 1, 2}, []float64{0.5, 1.5, 2.5}, 0.5}, // a shift moves all the mass by 0.5
		{[]float64{0, 0, 1, 1}, []float64{0, 1}, 0},         // same distribution
		{[]float64{0, 2}, []float64{1}, 1},                  // half the mass moves 1 each way
	}
	for _, c := range cases {
		if got := Wasserstein1(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("W1(%v, %v) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}

// blobs is a deliberately wrong "generator": elliptical Gaussian blobs on
// a flat sky with a little noise.
func blobs(n int, seed uint64) *Set {
	rng := rand.New(rand.NewPCG(seed, 9))
	s := &Set{Name: "gaussian-blobs"}
	for k := 0; k < n; k++ {
		img := pix.New(128, 128, 0)
		sig := 4 + 8*rng.Float64()
		q := 0.5 + 0.5*rng.Float64()
		th := math.Pi * rng.Float64()
		c, sn := math.Cos(th), math.Sin(th)
		for y := 0; y < 128; y++ {
			for x := 0; x < 128; x++ {
				dx, dy := float64(x)-63.5, float64(y)-63.5
				u, v := dx*c+dy*sn, -dx*sn+dy*c
				r2 := (u*u*q + v*v/q) / (sig * sig)
				img.Set(x, y, 16+120*math.Exp(-r2/2)+rng.NormFloat64())
			}
		}
		s.Images = append(s.Images, img)
	}
	return s
}

func TestCompareRealHalvesAndBlobs(t *testing.T) {
	n := 80
	if testing.Short() {
		n = 40
	}
	a, err := LoadSet("gz-decals-rings:train:1/2", dataDir, n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadSet("gz-decals-rings:train:2/2", dataDir, n)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(a, b, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("halves: accuracy %.3f ± %.3f (train %.3f), power %.3f dex, verdict %q",
		r.Classifier.Accuracy, r.Classifier.StdErr, r.Classifier.TrainAccuracy, r.PowerDist, r.Verdict())
	maxW := 0.0
	for _, s := range r.Stats {
		t.Logf("  %-14s W1/σ = %.3f", s.Name, s.W1Norm)
		maxW = math.Max(maxW, s.W1Norm)
	}
	if !testing.Short() && math.Abs(r.Classifier.Accuracy-0.5) > 0.1 {
		t.Errorf("two halves of one set: classifier accuracy %.3f, want 0.5 ± 0.1", r.Classifier.Accuracy)
	}
	// Two samples of 80 from one distribution give W1/σ ≈ 0.2 ± 0.1.
	if maxW > 0.4 || r.PowerDist > 0.15 {
		t.Errorf("two halves of one set: largest W1/σ %.3f, power distance %.3f dex: not small", maxW, r.PowerDist)
	}

	bl := blobs(len(a.Images), 2)
	rb, err := Compare(a, bl, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("blobs: accuracy %.3f, power %.3f dex, verdict %q", rb.Classifier.Accuracy, rb.PowerDist, rb.Verdict())
	large := 0
	for _, s := range rb.Stats {
		t.Logf("  %-14s W1/σ = %.3f", s.Name, s.W1Norm)
		if s.W1Norm > 0.5 {
			large++
		}
	}
	if rb.Classifier.Accuracy < 0.9 || large < 3 {
		t.Errorf("Gaussian blobs vs real: accuracy %.3f, %d large distances; want > 0.9 and >= 3", rb.Classifier.Accuracy, large)
	}

	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, rb, a, bl); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "grid_a.png", "grid_b.png", "power.png", "hist_gini.png", "report.json"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 || fi.Mode().Perm() != 0o644 {
			t.Errorf("report file %s: %v %v, want a non-empty 0644 file", f, fi, err)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("report directory: %v %v, want mode 0755", fi, err)
	}
	// A second report replaces the first; a foreign directory is refused.
	if err := WriteReport(dir, rb, a, bl); err != nil {
		t.Errorf("rewriting a report: %v", err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "keep.txt"), []byte("x"), 0o644)
	if err := WriteReport(other, rb, a, bl); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("overwriting a foreign directory: %v", err)
	}
}

func TestLoadSetErrors(t *testing.T) {
	for _, spec := range []string{"no-such-set:train", "gz-decals-rings:train:3/2", "gz-decals-rings:nosplit", "justaname"} {
		if _, err := LoadSet(spec, dataDir, 5); err == nil {
			t.Errorf("LoadSet(%q) succeeded", spec)
		} else {
			t.Logf("%s: %v", spec, err)
		}
	}
}

// TestLoadWithPrepareAndCompatible: --real-field/--size give train's crop
// and block average; sets of other sizes, band counts or units are refused
// naming the fix; small stamps are enlarged to fill their grid tile.
func TestLoadWithPrepareAndCompatible(t *testing.T) {
	raw, err := LoadWith("gz-decals-rings:test", dataDir, LoadOptions{Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	prep, err := LoadWith("gz-decals-rings:test", dataDir, LoadOptions{Limit: 4, Field: 64, Size: 32})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Bands != 3 || raw.Unit != "display" || prep.Images[0].Nx != 32 || prep.Images[0].Ny != 32 {
		t.Fatalf("bands %d unit %q prepared %dx%d, want 3, display, 32x32", raw.Bands, raw.Unit, prep.Images[0].Nx, prep.Images[0].Ny)
	}
	// Prepared pixel (5, 7) is the mean of raw pixels 32+2*(5..5.5), 32+2*(7..7.5).
	r := raw.Images[1]
	want := (r.At(42, 46) + r.At(43, 46) + r.At(42, 47) + r.At(43, 47)) / 4
	if got := prep.Images[1].At(5, 7); math.Abs(got-want) > 1e-4*math.Abs(want) {
		t.Errorf("prepared pixel %g, want the 2x2 block mean %g", got, want)
	}
	if err := Compatible(raw, prep); err == nil || !strings.Contains(err.Error(), "--real-field") {
		t.Errorf("128 px vs 32 px: %v, want a refusal naming --real-field", err)
	}
	one, err := LoadWith("gz-decals-rings:test", dataDir, LoadOptions{Limit: 4, Band: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Compatible(raw, one); err == nil || !strings.Contains(err.Error(), "--band") {
		t.Errorf("3 bands vs 1: %v, want a refusal naming --band", err)
	}
	if got := one.Images[0].At(10, 10); got < 0 || got > 255 || one.Bands != 1 {
		t.Errorf("band 2: pixel %g bands %d", got, one.Bands)
	}
	jy := &Set{Name: "radio", Images: one.Images, Bands: 1, Unit: "JY/BEAM"}
	if err := Compatible(jy, one); err == nil || !strings.Contains(err.Error(), "JY/BEAM") {
		t.Errorf("Jy/beam vs display: %v, want a refusal naming the units", err)
	}
	if _, err := LoadWith("gz-decals-rings:test", dataDir, LoadOptions{Limit: 1, Field: 1000, Size: 32}); err == nil ||
		!strings.Contains(err.Error(), "1000") || !strings.Contains(err.Error(), "128") {
		t.Errorf("field 1000 of 128 px stamps: %v", err)
	}
	g := enlarge(pix.Stretch{Func: pix.StretchAsinh}.Gray(prep.Images[0]), 96)
	if b := g.Bounds(); b.Dx() != 96 || b.Dy() != 96 {
		t.Errorf("32 px stamp enlarged to %v, want 96x96", b)
	}
}
