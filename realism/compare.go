package realism

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/galforge/galforge/morph"
	"github.com/galforge/galforge/nn"
	"github.com/galforge/galforge/pix"
)

// Options configures Compare.
type Options struct {
	Seed    uint64 // seeds the classifier's split and training (same seed, same report)
	Workers int    // parallel morphology workers (0 = GOMAXPROCS)
	Steps   int    // classifier training steps (default 400)
	Bins    int    // power-spectrum bins (default 16)
}

// StatDistance compares one statistic between the sets.
type StatDistance struct {
	Name         string
	MeanA, MeanB float64
	StdA, StdB   float64
	// W1 is the Wasserstein-1 distance between the two empirical
	// distributions, ∫|F_A − F_B|; W1Norm divides it by the pooled standard
	// deviation, so that ≲ 0.2 is small and ≳ 0.5 large whatever the units.
	W1, W1Norm float64
}

// C2ST is the result of the two-sample classifier test.
type C2ST struct {
	Accuracy      float64 // on the held-out half
	StdErr        float64 // binomial standard error √(p(1−p)/n) at p = 0.5
	NTrain, NTest int
	TrainAccuracy float64
	Features      int
}

// Report is the outcome of Compare.
type Report struct {
	A, B             string
	NA, NB           int
	FailedA, FailedB int // objects whose morphology could not be measured
	Stats            []StatDistance
	// Per-object statistic values (rows = objects, columns = morph.Names).
	ValuesA, ValuesB [][]float64
	// Mean log10 of the flux-normalised power spectrum per k bin (cycles/pixel).
	PowerK, PowerA, PowerB []float64
	PowerDist              float64 // rms difference of PowerA and PowerB, dex
	Classifier             C2ST
}

type objFeatures struct {
	stats []float64 // morph.Names order; NaN when failed
	logP  []float64 // log10 normalised power per bin
	thumb []float64 // 8x8 flux-normalised thumbnail
	ok    bool
}

func features(img *pix.Image, bins int) objFeatures {
	f := objFeatures{stats: make([]float64, len(morph.Names))}
	st, err := morph.Measure(img, morph.Options{SubtractBackground: true})
	if err == nil {
		f.stats = st.Values()
		f.ok = true
	} else {
		for i := range f.stats {
			f.stats[i] = math.NaN()
		}
	}
	_, p := morph.PowerSpectrum(img, bins)
	tot := 0.0
	for _, v := range p {
		if !math.IsNaN(v) {
			tot += v
		}
	}
	f.logP = make([]float64, bins)
	for i, v := range p {
		f.logP[i] = math.Log10(math.Max(v/tot, 1e-30))
	}
	f.thumb = thumbnail(img, 8, st.Background)
	return f
}

// thumbnail bins img into n×n blocks and normalises them to unit sum.
func thumbnail(img *pix.Image, n int, bg float64) []float64 {
	t := make([]float64, n*n)
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			t[(y*n/img.Ny)*n+x*n/img.Nx] += img.At(x, y) - bg
		}
	}
	s := 0.0
	for _, v := range t {
		s += math.Abs(v)
	}
	if s > 0 {
		for i := range t {
			t[i] /= s
		}
	}
	return t
}

func computeFeatures(s *Set, bins, workers int) []objFeatures {
	out := make([]objFeatures, len(s.Images))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = features(s.Images[i], bins)
			}
		}()
	}
	for i := range s.Images {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// Compare measures both sets and compares them (see the package comment).
func Compare(a, b *Set, opt Options) (*Report, error) {
	if err := Compatible(a, b); err != nil {
		return nil, err
	}
	if len(a.Images) < 4 || len(b.Images) < 4 {
		return nil, fmt.Errorf("realism: need at least 4 objects per set (have %d in %s, %d in %s)",
			len(a.Images), a.Name, len(b.Images), b.Name)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Steps == 0 {
		opt.Steps = 400
	}
	if opt.Bins == 0 {
		opt.Bins = 16
	}
	fa := computeFeatures(a, opt.Bins, opt.Workers)
	fb := computeFeatures(b, opt.Bins, opt.Workers)
	r := &Report{A: a.Name, B: b.Name, NA: len(fa), NB: len(fb)}
	for _, f := range fa {
		if !f.ok {
			r.FailedA++
			continue
		}
		r.ValuesA = append(r.ValuesA, f.stats)
	}
	for _, f := range fb {
		if !f.ok {
			r.FailedB++
			continue
		}
		r.ValuesB = append(r.ValuesB, f.stats)
	}
	for j, name := range morph.Names {
		va, vb := column(r.ValuesA, j), column(r.ValuesB, j)
		d := StatDistance{Name: name}
		d.MeanA, d.StdA = meanStd(va)
		d.MeanB, d.StdB = meanStd(vb)
		d.W1 = Wasserstein1(va, vb)
		pooled := math.Sqrt(0.5 * (d.StdA*d.StdA + d.StdB*d.StdB))
		d.W1Norm = d.W1 / pooled
		r.Stats = append(r.Stats, d)
	}
	r.PowerK = make([]float64, opt.Bins)
	r.PowerA, r.PowerB = make([]float64, opt.Bins), make([]float64, opt.Bins)
	for i := range r.PowerK {
		r.PowerK[i] = (float64(i) + 0.5) * 0.5 / float64(opt.Bins)
	}
	meanLogP := func(fs []objFeatures, dst []float64) {
		for _, f := range fs {
			for i, v := range f.logP {
				dst[i] += v / float64(len(fs))
			}
		}
	}
	meanLogP(fa, r.PowerA)
	meanLogP(fb, r.PowerB)
	ss, nb := 0.0, 0
	for i := range r.PowerA {
		if d := r.PowerA[i] - r.PowerB[i]; !math.IsNaN(d) && !math.IsInf(d, 0) {
			ss += d * d
			nb++
		}
	}
	r.PowerDist = math.Sqrt(ss / float64(max(nb, 1)))
	c, err := twoSample(fa, fb, opt)
	if err != nil {
		return nil, err
	}
	r.Classifier = c
	return r, nil
}

func column(rows [][]float64, j int) []float64 {
	v := make([]float64, 0, len(rows))
	for _, r := range rows {
		if !math.IsNaN(r[j]) && !math.IsInf(r[j], 0) {
			v = append(v, r[j])
		}
	}
	return v
}

func meanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	if len(v) > 1 {
		std = math.Sqrt(std / float64(len(v)-1))
	}
	return mean, std
}

// Wasserstein1 returns the Wasserstein-1 (earth mover's) distance between
// the empirical distributions of samples a and b: ∫|F_a(t) − F_b(t)| dt.
// NaN when either sample is empty.
func Wasserstein1(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sa, sb := slices.Clone(a), slices.Clone(b)
	slices.Sort(sa)
	slices.Sort(sb)
	all := append(slices.Clone(sa), sb...)
	slices.Sort(all)
	w := 0.0
	ia, ib := 0, 0
	for i := 0; i < len(all)-1; i++ {
		t := all[i]
		for ia < len(sa) && sa[ia] <= t {
			ia++
		}
		for ib < len(sb) && sb[ib] <= t {
			ib++
		}
		fa, fb := float64(ia)/float64(len(sa)), float64(ib)/float64(len(sb))
		w += math.Abs(fa-fb) * (all[i+1] - t)
	}
	return w
}

// twoSample trains a small MLP (features → 32 ReLU → 1 logit) on half of
// each set, balanced, and scores it on the other half.
func twoSample(fa, fb []objFeatures, opt Options) (C2ST, error) {
	n := min(len(fa), len(fb))
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	pa, pb := rng.Perm(len(fa))[:n], rng.Perm(len(fb))[:n]
	vec := func(f objFeatures) []float64 {
		v := append(slices.Clone(f.stats), f.logP...)
		return append(v, f.thumb...)
	}
	var trX, teX [][]float64
	var trY, teY []float64
	for i := 0; i < n; i++ {
		xa, xb := vec(fa[pa[i]]), vec(fb[pb[i]])
		if i%2 == 0 {
			trX, trY = append(trX, xa, xb), append(trY, 1, 0)
		} else {
			teX, teY = append(teX, xa, xb), append(teY, 1, 0)
		}
	}
	d := len(trX[0])
	// Standardise with the training half; NaN → 0 (the training mean).
	mu, sd := make([]float64, d), make([]float64, d)
	for j := 0; j < d; j++ {
		var v []float64
		for _, x := range trX {
			if !math.IsNaN(x[j]) && !math.IsInf(x[j], 0) {
				v = append(v, x[j])
			}
		}
		mu[j], sd[j] = meanStd(v)
		if !(sd[j] > 0) {
			sd[j] = 1
		}
		if math.IsNaN(mu[j]) {
			mu[j] = 0
		}
	}
	flat := func(xs [][]float64) []float32 {
		out := make([]float32, 0, len(xs)*d)
		for _, x := range xs {
			for j, v := range x {
				z := (v - mu[j]) / sd[j]
				if math.IsNaN(z) || math.IsInf(z, 0) {
					z = 0
				}
				out = append(out, float32(math.Max(-10, math.Min(10, z))))
			}
		}
		return out
	}
	trData, teData := flat(trX), flat(teX)
	trLab := make([]float32, len(trY))
	for i, y := range trY {
		trLab[i] = float32(y)
	}
	nrng := nn.NewRNG(opt.Seed, 1)
	l1 := nn.NewLinear("c2st.fc1", d, 32, true, nrng)
	l2 := nn.NewLinear("c2st.fc2", 32, 1, true, nrng)
	params := append(l1.Params(), l2.Params()...)
	adam := nn.NewAdamW(params, 3e-3, 1e-2)
	tp := nn.NewTape()
	forward := func(x []float32, rows int) *nn.Tensor {
		h := tp.ReLU(l1.Forward(tp, tp.Const(x, rows, d)))
		return l2.Forward(tp, h)
	}
	for step := 0; step < opt.Steps; step++ {
		tp.Reset()
		loss := tp.BCEWithLogits(forward(trData, len(trY)), tp.Const(trLab, len(trY), 1))
		tp.Backward(loss)
		adam.Step()
	}
	acc := func(x []float32, y []float64) float64 {
		tp.Reset()
		tp.NoGrad = true
		defer func() { tp.NoGrad = false }()
		z := forward(x, len(y))
		ok := 0
		for i, v := range z.Data[:len(y)] {
			if (v > 0) == (y[i] > 0.5) {
				ok++
			}
		}
		return float64(ok) / float64(len(y))
	}
	c := C2ST{NTrain: len(trY), NTest: len(teY), Features: d}
	c.TrainAccuracy = acc(trData, trY)
	c.Accuracy = acc(teData, teY)
	c.StdErr = 0.5 / math.Sqrt(float64(len(teY)))
	return c, nil
}
