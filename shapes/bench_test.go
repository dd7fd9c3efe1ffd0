package shapes

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/galforge/galforge/pix"
)

// benchStamps draws n 64x64 Sérsic(n=1.5, hlr 0.5", flux 1000, random
// shear |g| < 0.3) ⊗ Moffat(β=3, FWHM 0.7") stamps at 0.2"/px, the set
// GalSim's hsm_adaptive rate in testdata/galsim/galsim_rates.json uses.
func benchStamps(b *testing.B, n int) ([]*pix.Image, *pix.Image) {
	b.Helper()
	psf, psfImg := testPSF(b, 64, 0, 0)
	rng := rand.New(rand.NewPCG(20240601, 1))
	stamps := make([]*pix.Image, n)
	for i := range stamps {
		g := 0.3 * math.Sqrt(rng.Float64())
		th := rng.Float64() * math.Pi
		stamps[i] = drawSheared(b, mcGalaxy{1.5, 0.5, 0}, 0, [2]float64{g * math.Cos(2*th), g * math.Sin(2*th)}, psf, 64)
	}
	return stamps, psfImg
}

// cpuNow returns the process CPU time (user + system).
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds shapes/s (wall clock) and cpu-ns/op (process CPU time, the
// fair figure on a loaded machine when run with GOMAXPROCS=1).
func report(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "shapes/s")
	if c := cpuNow() - cpu0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkAdaptiveMoments64(b *testing.B) {
	stamps, _ := benchStamps(b, 64)
	b.ResetTimer()
	cpu0 := cpuNow()
	for i := 0; i < b.N; i++ {
		if _, err := AdaptiveMoments(stamps[i%len(stamps)], MomentsOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}

func BenchmarkRegauss64(b *testing.B) {
	stamps, psf := benchStamps(b, 64)
	b.ResetTimer()
	cpu0 := cpuNow()
	for i := 0; i < b.N; i++ {
		if _, err := Regauss(stamps[i%len(stamps)], psf, ShearOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}

func BenchmarkMetacal64(b *testing.B) {
	stamps, psf := benchStamps(b, 16)
	b.ResetTimer()
	cpu0 := cpuNow()
	for i := 0; i < b.N; i++ {
		if _, err := Metacal(stamps[i%len(stamps)], psf, MetacalOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}

// BenchmarkMetacalBatch64 reuses one prepared PSF for all stamps, as a
// catalogue run does.
func BenchmarkMetacalBatch64(b *testing.B) {
	stamps, psf := benchStamps(b, 16)
	mp, err := NewMetacalPSF(psf, 64, 64, MetacalOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuNow()
	for i := 0; i < b.N; i++ {
		if _, err := mp.Measure(stamps[i%len(stamps)]); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}
