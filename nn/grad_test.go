package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/galforge/galforge/nn/blas"
)

// forEachBLAS runs f once with gonum and once with the default CBLAS (when
// one loads), so every numerical test covers both backends.
func forEachBLAS(t *testing.T, f func(t *testing.T)) {
	for _, spec := range []string{"gonum", ""} {
		prev := blas.Use(spec)
		name := blas.Current().Name()
		t.Run(map[string]string{"gonum": "gonum", "": "cblas"}[spec], func(t *testing.T) {
			if spec == "" {
				if _, ok := blas.Current().(blas.Gonum); ok {
					t.Skip("no CBLAS library could be loaded: " + name)
				}
			}
			f(t)
		})
		blas.Restore(prev)
	}
}

// param returns a named parameter of the given shape with values drawn from
// U(lo, hi).
func param(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	p := NewParam("p", shape...)
	p.FillUniform(rng, lo, hi)
	return p
}

// awayFromZero pushes values out of (−m, m), for ops with kinks at 0.
func awayFromZero(p *Tensor, m float32) *Tensor {
	for i, v := range p.Data {
		if v >= 0 && v < m {
			p.Data[i] = v + m
		} else if v < 0 && v > -m {
			p.Data[i] = v - m
		}
	}
	return p
}

// gradCheck compares Backward's gradients of L = Σ wᵢ·yᵢ (fixed random w)
// with central finite differences, step h, for every input, in float32:
// max |numeric − analytic| ≤ tol · max(max|analytic|, 0.1) per input.
func gradCheck(t *testing.T, name string, inputs []*Tensor, f func(tp *Tape, in []*Tensor) *Tensor) {
	t.Helper()
	const h, tol = 1e-2, 1e-3
	rng := NewRNG(99, 1)
	eval := func(record bool) (*Tape, *Tensor) {
		tp := NewTape()
		tp.NoGrad = !record
		tp.RNG = NewRNG(5, 5) // same dropout mask every evaluation
		return tp, f(tp, inputs)
	}
	tp, y := eval(true)
	w := make([]float32, y.Len())
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	loss := func(y *Tensor) float64 {
		var s float64
		for i, v := range y.Data {
			s += float64(w[i]) * float64(v)
		}
		return s
	}
	for _, in := range inputs {
		in.ZeroGrad()
	}
	tp.BackwardWith(y, w)
	for k, in := range inputs {
		if !in.requiresGrad {
			continue
		}
		ana := append([]float32(nil), in.Grad...)
		idx := rng.Perm(len(in.Data))
		if len(idx) > 24 {
			idx = idx[:24]
		}
		scale := math.Max(float64(MaxAbs(ana)), 0.1)
		for _, i := range idx {
			old := in.Data[i]
			in.Data[i] = old + h
			_, yp := eval(false)
			lp := loss(yp)
			in.Data[i] = old - h
			_, ym := eval(false)
			lm := loss(ym)
			in.Data[i] = old
			num := (lp - lm) / (2 * h)
			if d := math.Abs(num - float64(ana[i])); d > tol*scale {
				t.Errorf("%s: input %d element %d: analytic %.6g numeric %.6g (|diff| %.3g > %.3g)",
					name, k, i, ana[i], num, d, tol*scale)
				return
			}
		}
	}
}

func TestGradients(t *testing.T) {
	forEachBLAS(t, testGradients)
}

func testGradients(t *testing.T) {
	rng := NewRNG(1, 2)
	u := func(shape ...int) *Tensor { return param(rng, -1, 1, shape...) }
	pos := func(shape ...int) *Tensor { return param(rng, 0.5, 2, shape...) }
	type tc struct {
		name string
		in   []*Tensor
		f    func(tp *Tape, x []*Tensor) *Tensor
	}
	cases := []tc{
		{"add", []*Tensor{u(2, 3), u(2, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Add(x[0], x[1]) }},
		{"add-bcast", []*Tensor{u(2, 3, 4), u(3, 1)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Add(x[0], x[1]) }},
		{"sub-bcast", []*Tensor{u(4), u(2, 3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Sub(x[0], x[1]) }},
		{"mul", []*Tensor{u(5), u(5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Mul(x[0], x[1]) }},
		{"mul-bcast", []*Tensor{u(2, 3, 2, 2), u(2, 3, 1, 1)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Mul(x[0], x[1]) }},
		{"div", []*Tensor{u(6), pos(6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Div(x[0], x[1]) }},
		{"div-bcast", []*Tensor{u(2, 6), pos(1)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Div(x[0], x[1]) }},
		{"scale", []*Tensor{u(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Scale(x[0], -2.5) }},
		{"addscalar", []*Tensor{u(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.AddScalar(x[0], 3) }},
		{"exp", []*Tensor{u(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Exp(x[0]) }},
		{"log", []*Tensor{pos(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Log(x[0]) }},
		{"sqrt", []*Tensor{pos(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Sqrt(x[0]) }},
		{"square", []*Tensor{u(7)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Square(x[0]) }},
		{"abs", []*Tensor{awayFromZero(u(7), 0.05)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Abs(x[0]) }},
		{"sum", []*Tensor{u(3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Sum(x[0]) }},
		{"mean", []*Tensor{u(3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Mean(x[0]) }},
		{"sumrows", []*Tensor{u(3, 4, 2)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.SumRows(x[0]) }},
		{"relu", []*Tensor{awayFromZero(u(20), 0.05)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.ReLU(x[0]) }},
		{"leakyrelu", []*Tensor{awayFromZero(u(20), 0.05)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.LeakyReLU(x[0], 0.2) }},
		{"silu", []*Tensor{u(20)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.SiLU(x[0]) }},
		{"gelu", []*Tensor{u(20)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.GELU(x[0]) }},
		{"tanh", []*Tensor{u(20)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Tanh(x[0]) }},
		{"sigmoid", []*Tensor{u(20)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Sigmoid(x[0]) }},
		{"softplus", []*Tensor{u(20)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Softplus(x[0]) }},
		{"softmax", []*Tensor{u(3, 5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Softmax(x[0]) }},
		{"matmul", []*Tensor{u(3, 4), u(4, 5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MatMul(x[0], x[1], false, false) }},
		{"matmul-tA", []*Tensor{u(4, 3), u(4, 5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MatMul(x[0], x[1], true, false) }},
		{"matmul-tB", []*Tensor{u(3, 4), u(5, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MatMul(x[0], x[1], false, true) }},
		{"matmul-tAB", []*Tensor{u(4, 3), u(5, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MatMul(x[0], x[1], true, true) }},
		{"bmm", []*Tensor{u(2, 3, 4), u(2, 5, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MatMul(x[0], x[1], false, true) }},
		{"linear", []*Tensor{u(3, 4), u(5, 4), u(5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Linear(x[0], x[1], x[2]) }},
		{"conv", []*Tensor{u(2, 3, 5, 5), u(4, 3, 3, 3), u(4)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], x[2], ConvOpts{Pad: 1})
		}},
		{"conv-s2", []*Tensor{u(3, 2, 8, 8), u(3, 2, 4, 4), u(3)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], x[2], ConvOpts{Stride: 2, Pad: 1})
		}},
		{"conv-dil", []*Tensor{u(2, 2, 7, 7), u(2, 2, 3, 3), nil}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], nil, ConvOpts{Dilation: 2, Pad: 2, Stride: 2})
		}},
		{"conv-dil-s1", []*Tensor{u(2, 3, 6, 5), u(2, 3, 3, 3), u(2)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], x[2], ConvOpts{Dilation: 2, Pad: 1})
		}},
		{"conv-wide", []*Tensor{u(2, 2, 4, 5), u(9, 2, 3, 3), u(9)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], x[2], ConvOpts{Pad: 1})
		}},
		{"conv-k1", []*Tensor{u(2, 3, 4, 4), u(5, 3, 1, 1), u(5)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.Conv2d(x[0], x[1], x[2], ConvOpts{})
		}},
		{"convT", []*Tensor{u(2, 3, 4, 4), u(3, 2, 4, 4), u(2)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.ConvTranspose2d(x[0], x[1], x[2], ConvOpts{Stride: 2, Pad: 1})
		}},
		{"convT-outpad-dil", []*Tensor{u(3, 2, 3, 3), u(2, 2, 3, 3), u(2)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.ConvTranspose2d(x[0], x[1], x[2], ConvOpts{Stride: 2, Pad: 1, OutPad: 1, Dilation: 2})
		}},
		{"upnearest", []*Tensor{u(2, 2, 3, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.UpsampleNearest(x[0], 2) }},
		{"upbilinear", []*Tensor{u(2, 2, 3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.UpsampleBilinear(x[0], 6, 8) }},
		{"avgpool", []*Tensor{u(2, 2, 4, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.AvgPool2d(x[0], 2, 2) }},
		{"reshape", []*Tensor{u(2, 6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Square(tp.Reshape(x[0], 3, -1)) }},
		{"permute", []*Tensor{u(2, 3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Permute(x[0], 2, 0, 1) }},
		{"transpose", []*Tensor{u(3, 4)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Transpose(x[0], 0, 1) }},
		{"concat", []*Tensor{u(2, 2, 3), u(2, 1, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Concat(1, x[0], x[1]) }},
		{"slice", []*Tensor{u(2, 5, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Slice(x[0], 1, 1, 4) }},
		{"pad", []*Tensor{u(1, 2, 3, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Pad2d(x[0], 1, 2, 0, 1) }},
		{"groupnorm", []*Tensor{u(2, 4, 3, 3), u(4), u(4)}, func(tp *Tape, x []*Tensor) *Tensor {
			return tp.GroupNorm(x[0], 2, x[1], x[2], 1e-5)
		}},
		{"layernorm", []*Tensor{u(3, 6), u(6), u(6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.LayerNorm(x[0], x[1], x[2], 1e-5) }},
		{"batchnorm-train", []*Tensor{u(4, 3, 2, 2), u(3), u(3)}, func(tp *Tape, x []*Tensor) *Tensor {
			st := NewBatchNorm("bn", 3).Stats
			return tp.BatchNorm(x[0], x[1], x[2], &st)
		}},
		{"batchnorm-eval", []*Tensor{u(4, 3, 2, 2), u(3), u(3)}, func(tp *Tape, x []*Tensor) *Tensor {
			st := NewBatchNorm("bn", 3).Stats
			st.Mean.Fill(0.2)
			st.Var.Fill(1.5)
			tp.Training = false
			return tp.BatchNorm(x[0], x[1], x[2], &st)
		}},
		{"dropout", []*Tensor{u(40)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.Dropout(x[0], 0.3) }},
		{"mse", []*Tensor{u(6), u(6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.MSE(x[0], x[1]) }},
		{"sse", []*Tensor{u(6), u(6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.SSE(x[0], x[1]) }},
		{"l1", []*Tensor{awayFromZero(u(6), 0.1), Zeros(6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.L1(x[0], x[1]) }},
		{"bce", []*Tensor{u(6), param(rng, 0, 1, 6)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.BCEWithLogits(x[0], x[1]) }},
		{"kl", []*Tensor{u(2, 3), u(2, 3)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.GaussianKL(x[0], x[1]) }},
		{"hingeD", []*Tensor{param(rng, -0.8, 0.8, 5), param(rng, -0.8, 0.8, 5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.HingeD(x[0], x[1]) }},
		{"hingeG", []*Tensor{u(5)}, func(tp *Tape, x []*Tensor) *Tensor { return tp.HingeG(x[0]) }},
	}
	// Spectral norm with u, v fixed (evaluation mode: no power step).
	wsn := u(4, 2, 2, 2)
	sn := NewSpectralNorm(wsn, NewRNG(3, 3))
	for range 20 {
		tp := NewTape()
		sn.Apply(tp, wsn)
	}
	cases = append(cases, tc{"spectralnorm", []*Tensor{wsn}, func(tp *Tape, x []*Tensor) *Tensor {
		tp.Training = false
		return sn.Apply(tp, x[0])
	}})
	att := NewSelfAttention2d("att", 4, 2, NewRNG(4, 4))
	cases = append(cases, tc{"attention", append([]*Tensor{u(2, 4, 2, 3)}, att.Params()...), func(tp *Tape, x []*Tensor) *Tensor {
		return att.Forward(tp, x[0])
	}})
	for _, c := range cases {
		var in []*Tensor
		for _, x := range c.in {
			if x != nil {
				in = append(in, x)
			}
		}
		t.Run(c.name, func(t *testing.T) {
			gradCheck(t, c.name, in, func(tp *Tape, _ []*Tensor) *Tensor { return c.f(tp, c.in) })
		})
	}
}

// TestConvTiles checks that the workspace budget (row blocks of im2col,
// samples per tile of the shifted products) changes nothing.
func TestConvTiles(t *testing.T) {
	rng := NewRNG(7, 7)
	x := param(rng, -1, 1, 5, 3, 6, 6)
	w := param(rng, -1, 1, 9, 3, 3, 3) // Cout·K·K > smallOutChannels
	wt := param(rng, -1, 1, 3, 2, 3, 3)
	run := func(budget int) [][]float32 {
		old := ColBudget
		ColBudget = budget
		defer func() { ColBudget = old }()
		for _, p := range []*Tensor{x, w, wt} {
			p.ZeroGrad()
		}
		tp := NewTape()
		y := tp.Conv2d(x, w, nil, ConvOpts{Pad: 1, Stride: 1})
		z := tp.ConvTranspose2d(x, wt, nil, ConvOpts{Stride: 2, Pad: 1})
		tp.Backward(tp.Add(tp.Sum(tp.Square(y)), tp.Sum(tp.Square(z))))
		return [][]float32{append([]float32(nil), y.Data...), append([]float32(nil), z.Data...),
			append([]float32(nil), x.Grad...), append([]float32(nil), w.Grad...), append([]float32(nil), wt.Grad...)}
	}
	ref := run(1 << 30)
	for _, b := range []int{1, 27 * 6 * 2, 27 * 6 * 4} {
		got := run(b)
		for k := range ref {
			for i := range ref[k] {
				if d := math.Abs(float64(got[k][i] - ref[k][i])); d > 1e-4*(1+math.Abs(float64(ref[k][i]))) {
					t.Fatalf("budget %d: tensor %d element %d: %g vs %g", b, k, i, got[k][i], ref[k][i])
				}
			}
		}
	}
}

// TestConvDirect compares Conv2d (each of its three algorithms: shifted
// products for stride 1, phase split for stride dividing K, im2col
// otherwise) with the defining sum in float64.
func TestConvDirect(t *testing.T) {
	forEachBLAS(t, func(t *testing.T) {
		for _, c := range []struct {
			K int
			o ConvOpts
		}{
			{3, ConvOpts{Stride: 2, Pad: 1, Dilation: 2}}, {4, ConvOpts{Stride: 2, Pad: 1}},
			{3, ConvOpts{Pad: 1}}, {3, ConvOpts{Pad: 2, Dilation: 2}}, {2, ConvOpts{Stride: 2}},
			{4, ConvOpts{Stride: 2, Pad: 2}}, {3, ConvOpts{Stride: 3, Pad: 1}},
			{2, ConvOpts{Stride: 3, Pad: 4, Dilation: 3}}, {3, ConvOpts{Pad: 5}},
		} {
			rng := NewRNG(8, 8)
			N, C, H, W, O, K := 2, 3, 7, 6, 4, c.K
			o := c.o.norm()
			x := param(rng, -1, 1, N, C, H, W)
			w := param(rng, -1, 1, O, C, K, K)
			b := param(rng, -1, 1, O)
			tp := NewTape()
			y := tp.Conv2d(x, w, b, o)
			OH, OW := ConvOutSize(H, K, o), ConvOutSize(W, K, o)
			if y.Dim(2) != OH || y.Dim(3) != OW {
				t.Fatalf("%+v: output %v, want %d×%d", o, y.Shape(), OH, OW)
			}
			for n := 0; n < N; n++ {
				for oc := 0; oc < O; oc++ {
					for i := 0; i < OH; i++ {
						for j := 0; j < OW; j++ {
							s := float64(b.Data[oc])
							for c := 0; c < C; c++ {
								for u := 0; u < K; u++ {
									for v := 0; v < K; v++ {
										ih, iw := i*o.Stride-o.Pad+u*o.Dilation, j*o.Stride-o.Pad+v*o.Dilation
										if ih >= 0 && ih < H && iw >= 0 && iw < W {
											s += float64(w.Data[((oc*C+c)*K+u)*K+v]) * float64(x.Data[((n*C+c)*H+ih)*W+iw])
										}
									}
								}
							}
							got := y.Data[((n*O+oc)*OH+i)*OW+j]
							if math.Abs(float64(got)-s) > 1e-5*(1+math.Abs(s)) {
								t.Fatalf("K=%d %+v: y[%d,%d,%d,%d] = %g, want %g", K, o, n, oc, i, j, got, s)
							}
						}
					}
				}
			}
		}
	})
}

// TestConvPathsAgree checks that the fast paths give the gradients of the
// im2col path.
func TestConvPathsAgree(t *testing.T) {
	rng := NewRNG(9, 9)
	x := param(rng, -1, 1, 3, 4, 9, 8)
	for _, c := range []struct {
		K int
		o ConvOpts
	}{{3, ConvOpts{Pad: 1}}, {4, ConvOpts{Stride: 2, Pad: 1}}, {5, ConvOpts{Pad: 3, Dilation: 2}}} {
		w := param(rng, -1, 1, 5, 4, c.K, c.K)
		b := param(rng, -1, 1, 5)
		run := func(im2col bool) [][]float32 {
			forceIm2col = im2col
			defer func() { forceIm2col = false }()
			for _, p := range []*Tensor{x, w, b} {
				p.ZeroGrad()
			}
			tp := NewTape()
			y := tp.Conv2d(x, w, b, c.o)
			tp.BackwardWith(y, y.Data)
			return [][]float32{append([]float32(nil), y.Data...), append([]float32(nil), x.Grad...),
				append([]float32(nil), w.Grad...), append([]float32(nil), b.Grad...)}
		}
		ref, got := run(true), run(false)
		for k := range ref {
			for i := range ref[k] {
				if d := math.Abs(float64(got[k][i] - ref[k][i])); d > 1e-4*(1+math.Abs(float64(ref[k][i]))) {
					t.Fatalf("%+v: tensor %d element %d: %g vs im2col %g", c.o, k, i, got[k][i], ref[k][i])
				}
			}
		}
	}
}

func ExampleTape() {
	// Fit y = 2x − 1 with one linear unit.
	rng := NewRNG(1, 0)
	fc := NewLinear("fc", 1, 1, true, rng)
	opt := NewAdam(fc.Params(), 0.05)
	xs := []float32{-1, -0.5, 0, 0.5, 1}
	ys := []float32{-3, -2, -1, 0, 1}
	tp := NewTape()
	for step := 0; step < 500; step++ {
		tp.Reset()
		loss := tp.MSE(fc.Forward(tp, tp.Const(xs, 5, 1)), tp.Const(ys, 5, 1))
		tp.Backward(loss)
		opt.Step()
	}
	fmt.Printf("w=%.2f b=%.2f\n", fc.W.Data[0], fc.B.Data[0])
	// Output: w=2.00 b=-1.00
}

// TestUpConvFusedAgrees checks the fused nearest-upsample + 3×3 convolution
// against the convolution of the materialised upsampling.
func TestUpConvFusedAgrees(t *testing.T) {
	rng := NewRNG(7, 3)
	x := param(rng, -1, 1, 3, 5, 5, 4)
	for _, cout := range []int{1, 6, 8} {
		w := param(rng, -1, 1, cout, 5, 3, 3)
		for _, b := range []*Tensor{nil, param(rng, -1, 1, cout)} {
			run := func(unfused bool) [][]float32 {
				noUpFuse = unfused
				defer func() { noUpFuse = false }()
				ps := []*Tensor{x, w}
				if b != nil {
					ps = append(ps, b)
				}
				for _, p := range ps {
					p.ZeroGrad()
				}
				tp := NewTape()
				y := tp.Conv2d(tp.UpsampleNearest(x, 2), w, b, ConvOpts{Pad: 1})
				tp.BackwardWith(y, y.Data)
				out := [][]float32{append([]float32(nil), y.Data...)}
				for _, p := range ps {
					out = append(out, append([]float32(nil), p.Grad...))
				}
				return out
			}
			ref, got := run(true), run(false)
			for k := range ref {
				if len(got[k]) != len(ref[k]) {
					t.Fatalf("cout %d bias %v: tensor %d has %d values, want %d", cout, b != nil, k, len(got[k]), len(ref[k]))
				}
				for i := range ref[k] {
					if d := math.Abs(float64(got[k][i] - ref[k][i])); d > 1e-4*(1+math.Abs(float64(ref[k][i]))) {
						t.Fatalf("cout %d bias %v: tensor %d element %d: %g vs unfused %g", cout, b != nil, k, i, got[k][i], ref[k][i])
					}
				}
			}
		}
	}
}
