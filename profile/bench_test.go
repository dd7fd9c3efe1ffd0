package profile

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/galforge/galforge/pix"
)

// randomShear draws |g| uniform below gmax and a uniform position angle.
func randomShear(r *rand.Rand, gmax float64) (g1, g2 float64) {
	g := gmax * r.Float64()
	a := 2 * math.Pi * r.Float64()
	return g * math.Cos(a), g * math.Sin(a)
}

// The Render benchmarks are the cases of testdata/galsim/galsim_rates.json
// (bench/render.sh compares them with GalSim): the object is built and
// drawn for every stamp.

func BenchmarkRenderSersicMoffat(b *testing.B) {
	r := rand.New(rand.NewPCG(20240601, 1))
	img := pix.New(64, 64, 0.2)
	n, c0 := 0, cpuTime()
	for b.Loop() {
		n++
		g1, g2 := randomShear(r, 0.3)
		gal, err := Sersic(1.5, 0.5, 1000)
		if err != nil {
			b.Fatal(err)
		}
		psf, _ := Moffat(3, 0.7, 1)
		p, err := Compose(gal, psf, ObjectTransform{G1: g1, G2: g2})
		if err != nil {
			b.Fatal(err)
		}
		if err := Draw(p, img, DrawOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, n, c0)
}

func BenchmarkRenderExpGauss(b *testing.B) {
	r := rand.New(rand.NewPCG(20240601, 2))
	img := pix.New(64, 64, 0.2)
	n, c0 := 0, cpuTime()
	for b.Loop() {
		n++
		g1, g2 := randomShear(r, 0.3)
		gal, _ := ExponentialHLR(0.6, 1000)
		psf, _ := GaussianFWHM(0.7, 1)
		p, err := Compose(gal, psf, ObjectTransform{G1: g1, G2: g2})
		if err != nil {
			b.Fatal(err)
		}
		if err := Draw(p, img, DrawOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, n, c0)
}

func BenchmarkRenderRealGalaxy(b *testing.B) {
	gal, _, err := pix.ReadFITS("../data/cosmos-example/147246.0_150.416558_1.998697_masknoise.fits", "")
	if err != nil {
		b.Skip(err)
	}
	psfImg, _, err := pix.ReadFITS("../data/cosmos-example/147246.0_150.416558_1.998697.psf.fits", "")
	if err != nil {
		b.Skip(err)
	}
	real, err := RealGalaxy(gal, psfImg, 0.03, 0)
	if err != nil {
		b.Fatal(err)
	}
	real.KValue(0, 0) // build the DFT tables once, as GalSim does
	r := rand.New(rand.NewPCG(20240601, 3))
	img := pix.New(60, 60, 0.2)
	n, c0 := 0, cpuTime()
	for b.Loop() {
		n++
		g1, g2 := randomShear(r, 0.1)
		psf, _ := Gaussian(0.5, 1)
		p, err := Compose(real, psf, ObjectTransform{G1: g1, G2: g2})
		if err != nil {
			b.Fatal(err)
		}
		if err := Draw(p, img, DrawOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, n, c0)
}

// reportCPU adds the process CPU time per operation as a metric.
func reportCPU(b *testing.B, n int, c0 time.Duration) {
	if c := cpuTime() - c0; c > 0 && n > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
