package nn

import "math"

// ReLU returns max(x, 0).
func (tp *Tape) ReLU(x *Tensor) *Tensor {
	y := tp.out(x.shape, x)
	X, Y := x.Data, y.Data
	parallelFor(len(X), len(X), func(lo, hi int) {
		for i, v := range X[lo:hi] {
			if v < 0 {
				v = 0
			}
			Y[lo+i] = v
		}
	})
	tp.record(y, func() {
		g, gx := y.Grad, tp.grad(x)
		parallelFor(len(X), len(X), func(lo, hi int) {
			y, g, gx := Y[lo:hi], g[lo:hi], gx[lo:hi]
			for i, v := range y {
				if v > 0 {
					gx[i] += g[i]
				}
			}
		})
	})
	return y
}

// LeakyReLU returns x for x > 0, slope·x otherwise (PyTorch default slope 0.01).
func (tp *Tape) LeakyReLU(x *Tensor, slope float32) *Tensor {
	return tp.unary(x, func(v float32) float32 {
		if v > 0 {
			return v
		}
		return slope * v
	}, func(v, _ float32) float32 {
		if v > 0 {
			return 1
		}
		return slope
	})
}

func sigmoid32(v float32) float32 {
	if v >= 0 {
		return 1 / (1 + exp32(-v))
	}
	e := exp32(v)
	return e / (1 + e)
}

// Sigmoid returns 1/(1+e⁻ˣ).
func (tp *Tape) Sigmoid(x *Tensor) *Tensor {
	return tp.unary(x, sigmoid32, func(_, y float32) float32 { return y * (1 - y) })
}

// Tanh returns tanh x.
func (tp *Tape) Tanh(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return float32(math.Tanh(float64(v))) },
		func(_, y float32) float32 { return 1 - y*y })
}

// SiLU returns x·sigmoid(x) (also called swish).
func (tp *Tape) SiLU(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return v * sigmoid32(v) },
		func(v, _ float32) float32 {
			s := sigmoid32(v)
			return s * (1 + v*(1-s))
		})
}

// GELU returns x·Φ(x) with the exact normal CDF Φ(x) = (1+erf(x/√2))/2
// (PyTorch's default, not the tanh approximation).
func (tp *Tape) GELU(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 {
		return float32(0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2)))
	}, func(v, _ float32) float32 {
		f := float64(v)
		cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
		pdf := math.Exp(-0.5*f*f) / math.Sqrt(2*math.Pi)
		return float32(cdf + f*pdf)
	})
}

// Softplus returns ln(1+eˣ), and x itself above 20 as PyTorch does.
func (tp *Tape) Softplus(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 {
		if v > 20 {
			return v
		}
		return float32(math.Log1p(math.Exp(float64(v))))
	}, func(v, _ float32) float32 {
		if v > 20 {
			return 1
		}
		return sigmoid32(v)
	})
}

// Softmax normalises exp(x) along the last dimension.
func (tp *Tape) Softmax(x *Tensor) *Tensor {
	y := tp.out(x.shape, x)
	n := x.shape[len(x.shape)-1]
	rows := len(x.Data) / n
	parallelFor(rows, len(x.Data)*8, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xr, yr := x.Data[r*n:(r+1)*n], y.Data[r*n:(r+1)*n]
			m := xr[0]
			for _, v := range xr {
				m = max(m, v)
			}
			var s float32
			for i, v := range xr {
				e := exp32(v - m)
				yr[i] = e
				s += e
			}
			inv := 1 / s
			for i := range yr {
				yr[i] *= inv
			}
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		parallelFor(rows, len(x.Data)*2, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				yr, gr, gxr := y.Data[r*n:(r+1)*n], y.Grad[r*n:(r+1)*n], gx[r*n:(r+1)*n]
				var dot float32
				for i := range yr {
					dot += yr[i] * gr[i]
				}
				for i := range yr {
					gxr[i] += yr[i] * (gr[i] - dot)
				}
			}
		})
	})
	return y
}
