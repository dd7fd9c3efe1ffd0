package nn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
)

// stamps renders n 16×16 stamps, half Gaussian profiles exp(−r²/2σ²) and
// half exponential profiles exp(−r/h), with random half-light radii of
// 1.5–3 pixels (the same range for both), random sub-pixel centres, unit
// flux and Gaussian noise; labels are 1 for exponential.
func stamps(rng *rand.Rand, n int) (x, y []float32) {
	const S = 16
	x, y = make([]float32, n*S*S), make([]float32, n)
	for i := 0; i < n; i++ {
		expo := i%2 == 1
		hlr := 1.5 + 1.5*rng.Float64()
		cx, cy := 7.5+rng.Float64()-0.5, 7.5+rng.Float64()-0.5
		img := x[i*S*S : (i+1)*S*S]
		var sum float64
		for p := range img {
			dx, dy := float64(p%S)-cx, float64(p/S)-cy
			r := math.Hypot(dx, dy)
			var v float64
			if expo {
				v = math.Exp(-r * 1.678 / hlr) // h = hlr/1.678
			} else {
				s := hlr / 1.1774 // σ = hlr/√(2 ln 2)
				v = math.Exp(-r * r / (2 * s * s))
			}
			img[p] = float32(v)
			sum += v
		}
		for p := range img {
			img[p] = float32(float64(img[p])/sum*30) + float32(0.01*rng.NormFloat64())
		}
		if expo {
			y[i] = 1
		}
	}
	return x, y
}

type classifier struct {
	c1, c2 *Conv2dLayer
	fc     *LinearLayer
}

func newClassifier(seed uint64) *classifier {
	rng := NewRNG(seed, 0)
	return &classifier{
		c1: NewConv2d("c1", 1, 8, 3, ConvOpts{Pad: 1}, true, rng),
		c2: NewConv2d("c2", 8, 16, 3, ConvOpts{Pad: 1, Stride: 2}, true, rng),
		fc: NewLinear("fc", 16*4*4, 1, true, rng),
	}
}

func (c *classifier) Params() []*Tensor { return Collect(c.c1, c.c2, c.fc) }

func (c *classifier) logits(tp *Tape, x *Tensor) *Tensor {
	h := tp.ReLU(c.c1.Forward(tp, x))
	h = tp.ReLU(c.c2.Forward(tp, h))
	h = tp.AvgPool2d(h, 2, 2)
	return c.fc.Forward(tp, tp.Flatten(h))
}

// trainClassifier trains for steps mini-batches of 32 from a fixed training
// set and returns the model and its optimiser.
func trainClassifier(seed uint64, steps int, xs, ys []float32) (*classifier, *Adam) {
	m := newClassifier(seed)
	opt := NewAdam(m.Params(), 3e-3)
	tp := NewTape()
	trainSteps(m, opt, tp, 0, steps, xs, ys)
	return m, opt
}

// trainSteps runs steps [from, to): batch k takes samples in an order drawn
// from a generator seeded by the step number (so a resumed run sees the same data).
func trainSteps(m *classifier, opt Optimizer, tp *Tape, from, to int, xs, ys []float32) {
	const B = 32
	n := len(ys)
	for s := from; s < to; s++ {
		idx := NewRNG(1000, uint64(s)).Perm(n)[:B]
		bx, by := make([]float32, B*256), make([]float32, B)
		for k, i := range idx {
			copy(bx[k*256:(k+1)*256], xs[i*256:(i+1)*256])
			by[k] = ys[i]
		}
		tp.Reset()
		loss := tp.BCEWithLogits(m.logits(tp, tp.Const(bx, B, 1, 16, 16)), tp.Const(by, B, 1))
		tp.Backward(loss)
		opt.Step()
	}
}

func TestLearnsProfiles(t *testing.T) {
	forEachBLAS(t, func(t *testing.T) {
		xs, ys := stamps(NewRNG(11, 0), 1024)
		m, _ := trainClassifier(1, 200, xs, ys)
		tx, ty := stamps(NewRNG(12, 0), 400)
		tp := NewTape()
		tp.NoGrad, tp.Training = true, false
		z := m.logits(tp, tp.Const(tx, 400, 1, 16, 16))
		right := 0
		for i, v := range z.Data {
			if (v > 0) == (ty[i] == 1) {
				right++
			}
		}
		acc := float64(right) / 400
		t.Logf("accuracy on 400 held-out stamps: %.3f", acc)
		if acc < 0.95 {
			t.Errorf("accuracy %.3f < 0.95", acc)
		}
	})
}

// TestDeterministicTraining checks same seed, same bytes, and that a run
// checkpointed and resumed (model + Adam state) ends bit-identical to an
// uninterrupted one.
func TestDeterministicTraining(t *testing.T) { forEachBLAS(t, testDeterministicTraining) }

func testDeterministicTraining(t *testing.T) {
	xs, ys := stamps(NewRNG(11, 0), 256)
	a, _ := trainClassifier(3, 30, xs, ys)
	b, optB := trainClassifier(3, 30, xs, ys)
	if !bytes.Equal(floatBytes(a.Params()), floatBytes(b.Params())) {
		t.Fatal("two runs with the same seed differ")
	}
	dir := t.TempDir()
	ck := filepath.Join(dir, "ck.safetensors")
	if err := SaveCheckpoint(ck, b.Params(), optB, map[string]string{"seed": "3"}); err != nil {
		t.Fatal(err)
	}
	tp := NewTape()
	trainSteps(b, optB, tp, 30, 40, xs, ys)

	c := newClassifier(99) // different init, overwritten by the checkpoint
	optC := NewAdam(c.Params(), 3e-3)
	meta, err := LoadCheckpoint(ck, c.Params(), optC)
	if err != nil {
		t.Fatal(err)
	}
	if meta["seed"] != "3" || meta["optimizer_steps"] != "30" || meta["galforge_version"] == "" {
		t.Errorf("metadata %v", meta)
	}
	trainSteps(c, optC, NewTape(), 30, 40, xs, ys)
	if !bytes.Equal(floatBytes(b.Params()), floatBytes(c.Params())) {
		t.Fatal("resumed run differs from the uninterrupted one")
	}
	// A checkpoint of another shape is refused with the tensor's name.
	wrong := []*Tensor{NewParam("c1.weight", 8, 1, 5, 5)}
	if _, err := Load(ck, wrong); err == nil {
		t.Error("loading a mismatched shape succeeded")
	}
	if _, err := Load(ck, []*Tensor{NewParam("nope", 1)}); err == nil {
		t.Error("loading a missing tensor succeeded")
	}
}

func floatBytes(ts []*Tensor) []byte {
	var b []byte
	for _, t := range ts {
		for _, v := range t.Data {
			u := math.Float32bits(v)
			b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
	}
	return b
}

func TestModelCard(t *testing.T) {
	p := filepath.Join(t.TempDir(), "card.json")
	in := ModelCard{Name: "cvae", Architecture: "conv VAE", Hyper: map[string]any{"latent": 32.0},
		Data: "COSMOS 25.2", Seed: 7, Steps: 100, BLAS: BLASName()}
	if err := WriteModelCard(p, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadModelCard(p)
	if err != nil {
		t.Fatal(err)
	}
	if out.Name != "cvae" || out.Seed != 7 || out.Hyper["latent"] != 32.0 || out.Version == "" {
		t.Errorf("round trip gave %+v", out)
	}
}

func TestOptimizers(t *testing.T) {
	// Minimise ½‖p − target‖² with each optimiser; all must converge.
	target := []float32{1, -2, 3}
	for name, mk := range map[string]func([]*Tensor) Optimizer{
		"sgd":   func(p []*Tensor) Optimizer { return NewSGD(p, 0.1, 0.9) },
		"adam":  func(p []*Tensor) Optimizer { return NewAdam(p, 0.05) },
		"adamw": func(p []*Tensor) Optimizer { return NewAdamW(p, 0.05, 1e-4) },
	} {
		p := NewParam("p", 3)
		opt := mk([]*Tensor{p})
		tp := NewTape()
		for s := 0; s < 600; s++ {
			tp.Reset()
			tp.Backward(tp.Scale(tp.SSE(p, tp.Const(target, 3)), 0.5))
			opt.SetLR(WarmupCosine(0.05, 0.001, 10, 600)(s) * map[string]float64{"sgd": 2, "adam": 1, "adamw": 1}[name])
			opt.Step()
		}
		for i, v := range p.Data {
			if math.Abs(float64(v-target[i])) > 2e-2 {
				t.Errorf("%s: p = %v, want %v", name, p.Data, target)
				break
			}
		}
	}
	// Clipping: gradient (3, 4) has norm 5; clipped to 1 it is (0.6, 0.8).
	p := NewParam("p", 2)
	copy(p.Grad, []float32{3, 4})
	if n := ClipGradNorm([]*Tensor{p}, 1); math.Abs(n-5) > 1e-6 || math.Abs(float64(p.Grad[0])-0.6) > 1e-5 {
		t.Errorf("ClipGradNorm: norm %g grad %v", n, p.Grad)
	}
	if got := StepLR(1, 10, 0.5)(25); got != 0.25 {
		t.Errorf("StepLR = %g", got)
	}
	// EMA with decay ½ of a parameter jumping from 0 to 1: 0.5, 0.75.
	e := NewEMA([]*Tensor{p}, 0.5)
	p.Data[0] = 0
	e.Shadow[0].Data[0] = 0
	p.Data[0] = 1
	e.Update()
	e.Update()
	if e.Shadow[0].Data[0] != 0.75 {
		t.Errorf("EMA = %g, want 0.75", e.Shadow[0].Data[0])
	}
	e.Swap()
	if p.Data[0] != 0.75 {
		t.Errorf("Swap: p = %g", p.Data[0])
	}
}

func TestTapeReusesBuffers(t *testing.T) {
	m := newClassifier(1)
	x := Zeros(16, 1, 16, 16)
	tp := NewTape()
	step := func() {
		tp.Reset()
		tp.Backward(tp.Sum(m.logits(tp, x)))
	}
	step()
	var bufBytes int
	for _, b := range tp.used {
		bufBytes += 4 * len(b)
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range 5 {
		step()
	}
	runtime.ReadMemStats(&m1)
	perStep := int(m1.TotalAlloc-m0.TotalAlloc) / 5
	t.Logf("tape buffers %d bytes; allocated per step after the first: %d bytes", bufBytes, perStep)
	// Closures and tensor headers still allocate; the float buffers must not.
	if perStep > bufBytes/4 {
		t.Errorf("%d bytes allocated per step for %d bytes of buffers: buffers are not reused", perStep, bufBytes)
	}
}

func TestSinusoidalEmbedding(t *testing.T) {
	tp := NewTape()
	e := tp.SinusoidalEmbedding([]float32{0, 2}, 4)
	// ω = (1, 10000^(−1/2) = 0.01); row t: sin(t), sin(0.01t), cos(t), cos(0.01t)
	want := []float64{0, 0, 1, 1, math.Sin(2), math.Sin(0.02), math.Cos(2), math.Cos(0.02)}
	for i, w := range want {
		if math.Abs(float64(e.Data[i])-w) > 1e-6 {
			t.Fatalf("embedding %v, want %v", e.Data, want)
		}
	}
}

func TestSetTrainable(t *testing.T) {
	rng := NewRNG(5, 0)
	fc := NewLinear("fc", 3, 2, true, rng)
	x := param(rng, -1, 1, 4, 3)
	SetTrainable(fc.Params(), false)
	tp := NewTape()
	tp.Backward(tp.Sum(fc.Forward(tp, x)))
	if MaxAbs(fc.W.Grad) != 0 || MaxAbs(fc.B.Grad) != 0 {
		t.Error("frozen parameters received gradients")
	}
	// d Σ(x·Wᵀ)/dx[i,k] = Σ_o W[o,k]
	for k := 0; k < 3; k++ {
		want := fc.W.Data[k] + fc.W.Data[3+k]
		if math.Abs(float64(x.Grad[k]-want)) > 1e-6 {
			t.Fatalf("input gradient %v, want column sums of W", x.Grad[:3])
		}
	}
	SetTrainable(fc.Params(), true)
	tp.Reset()
	tp.Backward(tp.Sum(fc.Forward(tp, x)))
	if fc.B.Grad[0] != 4 {
		t.Errorf("bias gradient %g, want 4 (batch of 4)", fc.B.Grad[0])
	}
}
