package generator

import (
	"math/rand/v2"
	"testing"
)

func benchCard(model string, size, bands int) *Card {
	return &Card{Format: CardFormat, Model: model, Size: size, Bands: bands,
		Norm:       Norm{Kind: "linear", A: 0, B: 1, Lo: -10, Hi: 10},
		Conds:      []CondSpec{{Name: "ring", Kind: "category", Labels: []string{"0", "1"}}, {Name: "size", Kind: "number", Std: 1}},
		TrainConds: [][]float64{{0, 1}, {1, 2}}}
}

func benchTrain(b *testing.B, model string) {
	const size, bands, n = 32, 3, 32
	c := benchCard(model, size, bands)
	m, err := NewTrainer(c, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*bands*size*size)
	for i := range x {
		x[i] = float32(rng.Float64()*2 - 1)
	}
	cv := make([]float32, n*c.CondWidth())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Step(x, cv, n, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "img/s")
}

func benchSample(b *testing.B, model string) {
	c := benchCard(model, 32, 3)
	m, err := NewTrainer(c, 1)
	if err != nil {
		b.Fatal(err)
	}
	const n = 32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Sample(nil, n, uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "img/s")
}

// Training and generation speed at 32x32x3, batch 32, default architectures.
func BenchmarkFlowTrain(b *testing.B)  { benchTrain(b, "flow") }
func BenchmarkFlowSample(b *testing.B) { benchSample(b, "flow") }
func BenchmarkCVAETrain(b *testing.B)  { benchTrain(b, "cvae") }
func BenchmarkCVAESample(b *testing.B) { benchSample(b, "cvae") }
func BenchmarkCGANTrain(b *testing.B)  { benchTrain(b, "cgan") }
func BenchmarkCGANSample(b *testing.B) { benchSample(b, "cgan") }
