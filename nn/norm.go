package nn

import (
	"fmt"
	"math"
)

// normSegments normalises units of m contiguous values each to zero mean
// and unit variance (biased, + eps), then applies γ[c]·x̂ + β[c] with
// c = c0(u) + i/per for element i of unit u. γ, β may be nil.
func (tp *Tape) normSegments(x, gamma, beta *Tensor, units, m, per int, c0 func(u int) int, eps float32) *Tensor {
	y := tp.out(x.shape, x, gamma, beta)
	stats := tp.buf(2 * units) // mean, 1/σ per unit
	// affine returns γ and β of channel c (1 and 0 when absent).
	affine := func(c int) (float32, float32) {
		g, b := float32(1), float32(0)
		if gamma != nil {
			g = gamma.Data[c]
		}
		if beta != nil {
			b = beta.Data[c]
		}
		return g, b
	}
	blocks := m / per
	parallelFor(units, units*m*3, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			xs := x.Data[u*m : (u+1)*m]
			var s float64
			for _, v := range xs {
				s += float64(v)
			}
			mean := s / float64(m)
			var q float64
			for _, v := range xs {
				d := float64(v) - mean
				q += d * d
			}
			rstd := 1 / math.Sqrt(q/float64(m)+float64(eps))
			stats[2*u], stats[2*u+1] = float32(mean), float32(rstd)
			mf, rf, c := float32(mean), float32(rstd), c0(u)
			for j := 0; j < blocks; j++ {
				g, b := affine(c + j)
				sc, sh := rf*g, b-mf*rf*g
				ys, xb := y.Data[u*m+j*per:u*m+(j+1)*per], xs[j*per:(j+1)*per]
				for i, v := range xb {
					ys[i] = v*sc + sh
				}
			}
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		var gg, gb []float32
		if gamma != nil {
			gg = tp.grad(gamma)
		}
		if beta != nil {
			gb = tp.grad(beta)
		}
		// parameter gradients serially (units share channels)
		if gg != nil || gb != nil {
			for u := 0; u < units; u++ {
				mf, rf, c := stats[2*u], stats[2*u+1], c0(u)
				for j := 0; j < blocks; j++ {
					xb, gs := x.Data[u*m+j*per:u*m+(j+1)*per], y.Grad[u*m+j*per:u*m+(j+1)*per]
					var sg, sgx float32
					for i, v := range xb {
						sg += gs[i]
						sgx += gs[i] * (v - mf)
					}
					if gg != nil {
						gg[c+j] += sgx * rf
					}
					if gb != nil {
						gb[c+j] += sg
					}
				}
			}
		}
		if gx == nil {
			return
		}
		parallelFor(units, units*m*4, func(lo, hi int) {
			for u := lo; u < hi; u++ {
				mf, rf, c := stats[2*u], stats[2*u+1], c0(u)
				var sd, sdx float64
				for j := 0; j < blocks; j++ {
					g, _ := affine(c + j)
					xb, gs := x.Data[u*m+j*per:u*m+(j+1)*per], y.Grad[u*m+j*per:u*m+(j+1)*per]
					var a, bx float32
					for i, v := range xb {
						a += gs[i]
						bx += gs[i] * (v - mf)
					}
					sd += float64(a * g)
					sdx += float64(bx * g * rf)
				}
				md, mdx := float32(sd/float64(m)), float32(sdx/float64(m))
				for j := 0; j < blocks; j++ {
					g, _ := affine(c + j)
					xb, gs := x.Data[u*m+j*per:u*m+(j+1)*per], y.Grad[u*m+j*per:u*m+(j+1)*per]
					gxs := gx[u*m+j*per : u*m+(j+1)*per]
					k := rf * mdx
					for i, v := range xb {
						gxs[i] += rf * (gs[i]*g - md - (v-mf)*k)
					}
				}
			}
		})
	})
	return y
}

// GroupNorm normalises x [N, C, …] over each of G groups of C/G channels
// (and all positions), then scales and shifts per channel with γ, β [C]
// (nil for none).
func (tp *Tape) GroupNorm(x *Tensor, groups int, gamma, beta *Tensor, eps float32) *Tensor {
	N, C := x.shape[0], x.shape[1]
	if groups < 1 || C%groups != 0 {
		panic(fmt.Sprintf("nn: GroupNorm: %d channels do not split into %d groups", C, groups))
	}
	S := len(x.Data) / (N * C)
	cg := C / groups
	return tp.normSegments(x, gamma, beta, N*groups, cg*S, S, func(u int) int { return (u % groups) * cg }, eps)
}

// LayerNorm normalises x over its last dimension D, then applies γ, β [D].
func (tp *Tape) LayerNorm(x *Tensor, gamma, beta *Tensor, eps float32) *Tensor {
	D := x.shape[len(x.shape)-1]
	return tp.normSegments(x, gamma, beta, len(x.Data)/D, D, 1, func(int) int { return 0 }, eps)
}

// BatchNormStats are the running statistics of a batch normalisation,
// updated in training as r ← (1−momentum)·r + momentum·batch (variance unbiased).
type BatchNormStats struct {
	Mean, Var *Tensor
	Momentum  float32
	Eps       float32
}

// BatchNorm normalises x [N, C, …] per channel: in training (tp.Training)
// with the batch's mean and biased variance, updating st; in evaluation with
// st's running values. γ, β [C] may be nil.
func (tp *Tape) BatchNorm(x, gamma, beta *Tensor, st *BatchNormStats) *Tensor {
	N, C := x.shape[0], x.shape[1]
	S := len(x.Data) / (N * C)
	y := tp.out(x.shape, x, gamma, beta)
	mean, rstd := tp.buf(C), tp.buf(C)
	train := tp.Training
	m := N * S
	for c := 0; c < C; c++ {
		if train {
			var s, q float64
			for n := 0; n < N; n++ {
				for _, v := range x.Data[(n*C+c)*S : (n*C+c+1)*S] {
					s += float64(v)
				}
			}
			mu := s / float64(m)
			for n := 0; n < N; n++ {
				for _, v := range x.Data[(n*C+c)*S : (n*C+c+1)*S] {
					d := float64(v) - mu
					q += d * d
				}
			}
			mean[c] = float32(mu)
			rstd[c] = float32(1 / math.Sqrt(q/float64(m)+float64(st.Eps)))
			unb := q / float64(max(m-1, 1))
			st.Mean.Data[c] = (1-st.Momentum)*st.Mean.Data[c] + st.Momentum*float32(mu)
			st.Var.Data[c] = (1-st.Momentum)*st.Var.Data[c] + st.Momentum*float32(unb)
		} else {
			mean[c] = st.Mean.Data[c]
			rstd[c] = float32(1 / math.Sqrt(float64(st.Var.Data[c])+float64(st.Eps)))
		}
		gm, bt := float32(1), float32(0)
		if gamma != nil {
			gm = gamma.Data[c]
		}
		if beta != nil {
			bt = beta.Data[c]
		}
		for n := 0; n < N; n++ {
			o := (n*C + c) * S
			for i, v := range x.Data[o : o+S] {
				y.Data[o+i] = (v-mean[c])*rstd[c]*gm + bt
			}
		}
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		var gg, gb []float32
		if gamma != nil {
			gg = tp.grad(gamma)
		}
		if beta != nil {
			gb = tp.grad(beta)
		}
		for c := 0; c < C; c++ {
			gm := float32(1)
			if gamma != nil {
				gm = gamma.Data[c]
			}
			var sd, sdx float64
			for n := 0; n < N; n++ {
				o := (n*C + c) * S
				for i, v := range x.Data[o : o+S] {
					g := y.Grad[o+i]
					sd += float64(g)
					sdx += float64(g * (v - mean[c]) * rstd[c])
				}
			}
			if gg != nil {
				gg[c] += float32(sdx)
			}
			if gb != nil {
				gb[c] += float32(sd)
			}
			if gx == nil {
				continue
			}
			md, mdx := float32(sd/float64(m)), float32(sdx/float64(m))
			for n := 0; n < N; n++ {
				o := (n*C + c) * S
				for i, v := range x.Data[o : o+S] {
					g := y.Grad[o+i]
					if train {
						gx[o+i] += gm * rstd[c] * (g - md - (v-mean[c])*rstd[c]*mdx)
					} else {
						gx[o+i] += gm * rstd[c] * g
					}
				}
			}
		}
	})
	return y
}

// Dropout zeroes each value with probability p and scales the rest by
// 1/(1−p) in training (masks drawn from tp.RNG); identity otherwise.
func (tp *Tape) Dropout(x *Tensor, p float32) *Tensor {
	if !tp.Training || p <= 0 {
		return x
	}
	y := tp.out(x.shape, x)
	mask := tp.buf(len(x.Data))
	keep := 1 / (1 - p)
	for i, v := range x.Data {
		if tp.RNG.Float32() < p {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
		y.Data[i] = v * mask[i]
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		for i, g := range y.Grad {
			gx[i] += g * mask[i]
		}
	})
	return y
}

// SinusoidalEmbedding returns the [len(t), dim] constant embedding of
// positions or times t: column k < dim/2 is sin(t·ω_k), column dim/2+k is
// cos(t·ω_k), with ω_k = 10000^(−k/(dim/2)). dim must be even.
func (tp *Tape) SinusoidalEmbedding(t []float32, dim int) *Tensor {
	if dim%2 != 0 {
		panic(fmt.Sprintf("nn: SinusoidalEmbedding dimension %d is odd", dim))
	}
	half := dim / 2
	y := tp.New(len(t), dim)
	for i, v := range t {
		for k := 0; k < half; k++ {
			w := math.Exp(-math.Log(10000) * float64(k) / float64(half))
			y.Data[i*dim+k] = float32(math.Sin(float64(v) * w))
			y.Data[i*dim+half+k] = float32(math.Cos(float64(v) * w))
		}
	}
	return y
}
