package lensing

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/galforge/galforge/pix"
)

func BenchmarkGenerateShearGrid256(b *testing.B) {
	ps := PowerSpectrum{E: func(k float64) float64 { return 1e-4 / (k + 0.01) }}
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := GenerateShearGrid(ps, 256, 1, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(256*256*b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkShearGridLensAt(b *testing.B) {
	ps := PowerSpectrum{E: func(k float64) float64 { return 1e-4 / (k + 0.01) }}
	g, _ := GenerateShearGrid(ps, 128, 1, rand.New(rand.NewPCG(1, 2)))
	var s float64
	x := 0.0
	for b.Loop() {
		x += 0.37
		s += g.LensAt(x, 0.5*x).Gamma1
	}
	_ = s
}

func BenchmarkRayTraceSIE(b *testing.B) {
	sie, _ := NewSIE(1, 0.7, 0.4)
	ext, _ := NewExternalShear(0.05, -0.02)
	img := pix.New(128, 128, 0.05)
	src := gaussSource{0.1}
	opt := TraceOptions{Oversample: 4, SourceX: 0.1}
	for b.Loop() {
		if err := RayTrace(img, Sum{sie, ext}, src, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(128*128*16*b.N)/b.Elapsed().Seconds(), "rays/s")
}

func BenchmarkNFWLensAt(b *testing.B) {
	h, _ := NewNFW(1e15, 4, 0.3, 1, DefaultCosmology)
	var s float64
	for i := 0; b.Loop(); i++ {
		s += h.LensAt(math.Mod(float64(i), 300), 20).Gamma1
	}
	_ = s
}
