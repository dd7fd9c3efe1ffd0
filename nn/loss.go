package nn

import (
	"fmt"
	"math"
)

func checkSame(op string, a, b *Tensor) {
	if len(a.Data) != len(b.Data) {
		panic(fmt.Sprintf("nn: %s of shapes %v and %v", op, a.shape, b.shape))
	}
}

// lossOp builds a scalar loss Σ f(p_i, t_i)·scale with per-element
// derivative df with respect to p (the target gets no gradient unless it
// requires one, in which case dt is used).
func (tp *Tape) lossOp(p, t *Tensor, scale float64, f func(p, t float32) float64,
	dp, dt func(p, t float32) float32) *Tensor {
	y := tp.out([]int{1}, p, t)
	var acc float64
	for i, v := range p.Data {
		acc += f(v, t.Data[i])
	}
	y.Data[0] = float32(acc * scale)
	tp.record(y, func() {
		g := y.Grad[0] * float32(scale)
		if gp := tp.grad(p); gp != nil {
			for i, v := range p.Data {
				gp[i] += g * dp(v, t.Data[i])
			}
		}
		if gt := tp.grad(t); gt != nil && dt != nil {
			for i, v := range p.Data {
				gt[i] += g * dt(v, t.Data[i])
			}
		}
	})
	return y
}

// MSE returns mean((p − t)²).
func (tp *Tape) MSE(p, t *Tensor) *Tensor {
	checkSame("MSE", p, t)
	return tp.lossOp(p, t, 1/float64(len(p.Data)),
		func(a, b float32) float64 { d := float64(a - b); return d * d },
		func(a, b float32) float32 { return 2 * (a - b) },
		func(a, b float32) float32 { return -2 * (a - b) })
}

// SSE returns Σ(p − t)² (sum of squared errors).
func (tp *Tape) SSE(p, t *Tensor) *Tensor {
	checkSame("SSE", p, t)
	return tp.lossOp(p, t, 1,
		func(a, b float32) float64 { d := float64(a - b); return d * d },
		func(a, b float32) float32 { return 2 * (a - b) },
		func(a, b float32) float32 { return -2 * (a - b) })
}

// L1 returns mean|p − t|.
func (tp *Tape) L1(p, t *Tensor) *Tensor {
	checkSame("L1", p, t)
	return tp.lossOp(p, t, 1/float64(len(p.Data)),
		func(a, b float32) float64 { return math.Abs(float64(a - b)) },
		func(a, b float32) float32 { return sign(a - b) },
		func(a, b float32) float32 { return -sign(a - b) })
}

// BCEWithLogits returns mean over elements of the binary cross-entropy of
// sigmoid(z) against targets t in [0, 1], computed stably as
// max(z,0) − z·t + ln(1 + e^−|z|).
func (tp *Tape) BCEWithLogits(z, t *Tensor) *Tensor {
	checkSame("BCEWithLogits", z, t)
	return tp.lossOp(z, t, 1/float64(len(z.Data)),
		func(a, b float32) float64 {
			x := float64(a)
			return math.Max(x, 0) - x*float64(b) + math.Log1p(math.Exp(-math.Abs(x)))
		},
		func(a, b float32) float32 { return sigmoid32(a) - b },
		func(a, _ float32) float32 { return -a })
}

// GaussianKL returns KL(N(μ, e^{lv}) ‖ N(0, 1)) summed over all elements:
// −½ Σ (1 + lv − μ² − e^{lv}). Divide by the batch size for a per-sample loss.
func (tp *Tape) GaussianKL(mu, logvar *Tensor) *Tensor {
	checkSame("GaussianKL", mu, logvar)
	y := tp.out([]int{1}, mu, logvar)
	var acc float64
	for i, m := range mu.Data {
		lv := float64(logvar.Data[i])
		acc += 1 + lv - float64(m)*float64(m) - math.Exp(lv)
	}
	y.Data[0] = float32(-0.5 * acc)
	tp.record(y, func() {
		g := y.Grad[0]
		if gm := tp.grad(mu); gm != nil {
			for i, m := range mu.Data {
				gm[i] += g * m
			}
		}
		if gl := tp.grad(logvar); gl != nil {
			for i, lv := range logvar.Data {
				gl[i] += g * 0.5 * (exp32(lv) - 1)
			}
		}
	})
	return y
}

// HingeD is the hinge loss of a GAN critic: mean(relu(1 − real)) + mean(relu(1 + fake)).
func (tp *Tape) HingeD(real, fake *Tensor) *Tensor {
	a := tp.Mean(tp.ReLU(tp.AddScalar(tp.Neg(real), 1)))
	b := tp.Mean(tp.ReLU(tp.AddScalar(fake, 1)))
	return tp.Add(a, b)
}

// HingeG is the generator's hinge loss: −mean(fake).
func (tp *Tape) HingeG(fake *Tensor) *Tensor { return tp.Neg(tp.Mean(fake)) }
