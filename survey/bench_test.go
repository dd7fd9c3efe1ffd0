package survey

import (
	"fmt"
	"testing"
)

// benchStamps reports galaxies/s drawing 64x64 stamps (noise included) of a
// config on one goroutine.
func benchStamps(b *testing.B, yaml string) {
	c, err := Parse([]byte(yaml), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sim, err := NewSim(c.WithCount(1 << 20))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := sim.Stamp(i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "galaxies/s")
}

const benchImage = `
seed: 1
image: {type: stamps, stamp_size: 64, pixel_scale: 0.2, noise: {type: gaussian, sigma: 1}}
psf: {spec: "moffat beta=3.5 fwhm=0.7"}
lensing: {type: constant, g1: 0.02, g2: 0.01}
`

// Parametric: Sérsic n in {1, 1.5, 2.5} (tables cached), hlr 0.3-0.8".
func BenchmarkParametric64(b *testing.B) {
	benchStamps(b, benchImage+`galaxies: {flux: 1000, hlr: {type: uniform, min: 0.3, max: 0.8}, e_rms: 0.2,
  parametric: {n: {type: choice, values: [1, 1.5, 2.5]}}}`)
}

// Real: the bundled COSMOS galaxy by the deconvolve-shear-reconvolve recipe,
// with noise whitening.
func BenchmarkReal64(b *testing.B) {
	benchStamps(b, benchImage+`galaxies: {source: real, flux: 5000, hlr: {type: uniform, min: 0.5, max: 1}}`)
}

// RealNoWhiten: the same without whitening (the recipe's drawing alone).
func BenchmarkRealNoWhiten64(b *testing.B) {
	benchStamps(b, benchImage+`galaxies: {source: real, flux: 5000, hlr: {type: uniform, min: 0.5, max: 1}, real: {noise: none}}`)
}

// Generator: one sample per galaxy from an untrained 16x16 CVAE (the
// bundled models are larger; see BENCH notes in the report).
func BenchmarkGenerator64(b *testing.B) {
	benchStamps(b, benchImage+fmt.Sprintf(`galaxies: {source: generator, flux: 1000, generator: {model: %s}}`, tinyModel(b)))
}

// GeneratorBundled: the bundled gz-decals-rings flow model (skipped when
// models/ does not have it); one ODE sample per galaxy dominates.
func BenchmarkGeneratorBundled64(b *testing.B) {
	const model = "../models/gz-decals-rings-flow"
	if !exists(model + "/model.json") {
		b.Skip("no bundled model at " + model)
	}
	benchStamps(b, benchImage+`galaxies: {source: generator, flux: 1000, hlr: {type: uniform, min: 0.4, max: 0.8}, generator: {model: `+model+`}}`)
}
