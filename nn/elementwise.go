package nn

import (
	"fmt"
	"math"
)

type binKind int

const (
	binAdd binKind = iota
	binSub
	binMul
	binDiv
)

// Add returns a + b with NumPy broadcasting (trailing dimensions aligned,
// size-1 dimensions stretched).
func (tp *Tape) Add(a, b *Tensor) *Tensor { return tp.binary(binAdd, a, b) }

// Sub returns a − b with broadcasting.
func (tp *Tape) Sub(a, b *Tensor) *Tensor { return tp.binary(binSub, a, b) }

// Mul returns a ⊙ b (elementwise) with broadcasting.
func (tp *Tape) Mul(a, b *Tensor) *Tensor { return tp.binary(binMul, a, b) }

// Div returns a ⊘ b (elementwise) with broadcasting.
func (tp *Tape) Div(a, b *Tensor) *Tensor { return tp.binary(binDiv, a, b) }

// broadcastShape returns the broadcast shape of a and b.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("nn: shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// bstrides returns x's strides laid over out (0 along broadcast dimensions).
func bstrides(x, out []int) []int {
	s := make([]int, len(out))
	st := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(x) - len(out) + i
		if j >= 0 && x[j] != 1 {
			s[i] = st
		}
		if j >= 0 {
			st *= x[j]
		}
	}
	return s
}

// bcast calls fn(i, ia, ib, n) for runs of n consecutive output elements
// starting at output index i; within a run a and b advance by sa and sb.
func bcast(out, stA, stB []int, fn func(i, ia, ib, n, sa, sb int)) {
	d := len(out)
	if d == 0 {
		fn(0, 0, 0, 1, 0, 0)
		return
	}
	inner := out[d-1]
	outer := numel(out) / max(inner, 1)
	idx := make([]int, d)
	ia, ib := 0, 0
	for o := 0; o < outer; o++ {
		fn(o*inner, ia, ib, inner, stA[d-1], stB[d-1])
		for k := d - 2; k >= 0; k-- {
			idx[k]++
			ia += stA[k]
			ib += stB[k]
			if idx[k] < out[k] {
				break
			}
			ia -= stA[k] * out[k]
			ib -= stB[k] * out[k]
			idx[k] = 0
		}
	}
}

func (tp *Tape) binary(kind binKind, a, b *Tensor) *Tensor {
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		panic(err)
	}
	y := tp.out(shape, a, b)
	A, B, Y := a.Data, b.Data, y.Data
	if sameShape(a.shape, b.shape) {
		n := len(Y)
		parallelFor(n, n, func(lo, hi int) {
			switch kind {
			case binAdd:
				for i := lo; i < hi; i++ {
					Y[i] = A[i] + B[i]
				}
			case binSub:
				for i := lo; i < hi; i++ {
					Y[i] = A[i] - B[i]
				}
			case binMul:
				for i := lo; i < hi; i++ {
					Y[i] = A[i] * B[i]
				}
			case binDiv:
				for i := lo; i < hi; i++ {
					Y[i] = A[i] / B[i]
				}
			}
		})
		tp.record(y, func() {
			g, ga, gb := y.Grad, tp.grad(a), tp.grad(b)
			for i := range g {
				switch kind {
				case binAdd:
					if ga != nil {
						ga[i] += g[i]
					}
					if gb != nil {
						gb[i] += g[i]
					}
				case binSub:
					if ga != nil {
						ga[i] += g[i]
					}
					if gb != nil {
						gb[i] -= g[i]
					}
				case binMul:
					if ga != nil {
						ga[i] += g[i] * B[i]
					}
					if gb != nil {
						gb[i] += g[i] * A[i]
					}
				case binDiv:
					if ga != nil {
						ga[i] += g[i] / B[i]
					}
					if gb != nil {
						gb[i] -= g[i] * A[i] / (B[i] * B[i])
					}
				}
			}
		})
		return y
	}
	sA, sB := bstrides(a.shape, shape), bstrides(b.shape, shape)
	bcast(shape, sA, sB, func(i, ia, ib, n, sa, sb int) {
		for k := 0; k < n; k++ {
			x, z := A[ia+k*sa], B[ib+k*sb]
			switch kind {
			case binAdd:
				Y[i+k] = x + z
			case binSub:
				Y[i+k] = x - z
			case binMul:
				Y[i+k] = x * z
			case binDiv:
				Y[i+k] = x / z
			}
		}
	})
	tp.record(y, func() {
		g, ga, gb := y.Grad, tp.grad(a), tp.grad(b)
		bcast(shape, sA, sB, func(i, ia, ib, n, sa, sb int) {
			for k := 0; k < n; k++ {
				gi, ja, jb := g[i+k], ia+k*sa, ib+k*sb
				var da, db float32
				switch kind {
				case binAdd:
					da, db = gi, gi
				case binSub:
					da, db = gi, -gi
				case binMul:
					da, db = gi*B[jb], gi*A[ja]
				case binDiv:
					da, db = gi/B[jb], -gi*A[ja]/(B[jb]*B[jb])
				}
				if ga != nil {
					ga[ja] += da
				}
				if gb != nil {
					gb[jb] += db
				}
			}
		})
	})
	return y
}

// unary applies f elementwise; df(x, y) is dy/dx given input x and output y.
func (tp *Tape) unary(x *Tensor, f func(float32) float32, df func(x, y float32) float32) *Tensor {
	y := tp.out(x.shape, x)
	X, Y := x.Data, y.Data
	parallelFor(len(X), len(X)*4, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			Y[i] = f(X[i])
		}
	})
	tp.record(y, func() {
		g, gx := y.Grad, tp.grad(x)
		parallelFor(len(X), len(X)*4, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				gx[i] += g[i] * df(X[i], Y[i])
			}
		})
	})
	return y
}

func exp32(x float32) float32 { return float32(math.Exp(float64(x))) }

// Scale returns s·x.
func (tp *Tape) Scale(x *Tensor, s float32) *Tensor {
	return tp.unary(x, func(v float32) float32 { return s * v }, func(_, _ float32) float32 { return s })
}

// AddScalar returns x + s.
func (tp *Tape) AddScalar(x *Tensor, s float32) *Tensor {
	return tp.unary(x, func(v float32) float32 { return v + s }, func(_, _ float32) float32 { return 1 })
}

// Neg returns −x.
func (tp *Tape) Neg(x *Tensor) *Tensor { return tp.Scale(x, -1) }

// Exp returns eˣ.
func (tp *Tape) Exp(x *Tensor) *Tensor {
	return tp.unary(x, exp32, func(_, y float32) float32 { return y })
}

// Log returns ln x.
func (tp *Tape) Log(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return float32(math.Log(float64(v))) },
		func(v, _ float32) float32 { return 1 / v })
}

// Sqrt returns √x.
func (tp *Tape) Sqrt(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return float32(math.Sqrt(float64(v))) },
		func(_, y float32) float32 { return 0.5 / y })
}

// Square returns x².
func (tp *Tape) Square(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return v * v }, func(v, _ float32) float32 { return 2 * v })
}

// Abs returns |x| (subgradient 0 at 0).
func (tp *Tape) Abs(x *Tensor) *Tensor {
	return tp.unary(x, func(v float32) float32 { return float32(math.Abs(float64(v))) },
		func(v, _ float32) float32 { return sign(v) })
}

func sign(v float32) float32 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// Sum returns the sum of all elements as a one-element tensor (shape [1]).
func (tp *Tape) Sum(x *Tensor) *Tensor { return tp.sumScaled(x, 1) }

// Mean returns the mean of all elements (shape [1]).
func (tp *Tape) Mean(x *Tensor) *Tensor { return tp.sumScaled(x, 1/float32(len(x.Data))) }

func (tp *Tape) sumScaled(x *Tensor, s float32) *Tensor {
	y := tp.out([]int{1}, x)
	var acc float64
	for _, v := range x.Data {
		acc += float64(v)
	}
	y.Data[0] = float32(acc * float64(s))
	tp.record(y, func() {
		g, gx := y.Grad[0]*s, tp.grad(x)
		for i := range gx {
			gx[i] += g
		}
	})
	return y
}

// SumRows sums a [N, …] tensor over everything but the first dimension,
// giving shape [N].
func (tp *Tape) SumRows(x *Tensor) *Tensor {
	n := x.shape[0]
	m := len(x.Data) / n
	y := tp.out([]int{n}, x)
	for i := 0; i < n; i++ {
		var acc float64
		for _, v := range x.Data[i*m : (i+1)*m] {
			acc += float64(v)
		}
		y.Data[i] = float32(acc)
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		for i := 0; i < n; i++ {
			g := y.Grad[i]
			row := gx[i*m : (i+1)*m]
			for j := range row {
				row[j] += g
			}
		}
	})
	return y
}
