package nn

import (
	"fmt"

	"github.com/galforge/galforge/nn/blas"
)

// MatMul returns op(a)·op(b) for 2-D a, b, or a batch of products for 3-D
// a, b ([B, ·, ·] each); op transposes the last two dimensions when the
// flag is set.
func (tp *Tape) MatMul(a, b *Tensor, transA, transB bool) *Tensor {
	if len(a.shape) != len(b.shape) || len(a.shape) < 2 || len(a.shape) > 3 {
		panic(fmt.Sprintf("nn: MatMul shapes %v and %v (want both 2-D or both 3-D)", a.shape, b.shape))
	}
	batch := 1
	if len(a.shape) == 3 {
		batch = a.shape[0]
		if b.shape[0] != batch {
			panic(fmt.Sprintf("nn: MatMul batch sizes %v and %v differ", a.shape, b.shape))
		}
	}
	ar, ac := a.Dim(-2), a.Dim(-1)
	br, bc := b.Dim(-2), b.Dim(-1)
	m, k := ar, ac
	if transA {
		m, k = ac, ar
	}
	k2, n := br, bc
	if transB {
		k2, n = bc, br
	}
	if k != k2 {
		panic(fmt.Sprintf("nn: MatMul inner dimensions of %v and %v differ", a.shape, b.shape))
	}
	shape := []int{m, n}
	if batch > 1 || len(a.shape) == 3 {
		shape = []int{batch, m, n}
	}
	y := tp.out(shape, a, b)
	sa, sb, sy := ar*ac, br*bc, m*n
	// one product: split inside Sgemm; a batch: products spread over workers
	gemm, each := blas.Sgemm, func(fn func(i int)) { fn(0) }
	if batch > 1 {
		gemm = blas.SgemmSerial
		each = func(fn func(i int)) {
			sampleWorkers(batch, func(_, lo, hi int) {
				for i := lo; i < hi; i++ {
					fn(i)
				}
			})
		}
	}
	each(func(i int) {
		gemm(transA, transB, m, n, k, 1, a.Data[i*sa:], ac, b.Data[i*sb:], bc, 0, y.Data[i*sy:], n)
	})
	tp.record(y, func() {
		ga, gb := tp.grad(a), tp.grad(b)
		each(func(i int) {
			g := y.Grad[i*sy:]
			if ga != nil {
				// dA = dY·op(B)ᵀ, or its transpose when A was transposed.
				if !transA {
					gemm(false, !transB, m, k, n, 1, g, n, b.Data[i*sb:], bc, 1, ga[i*sa:], ac)
				} else {
					gemm(transB, true, k, m, n, 1, b.Data[i*sb:], bc, g, n, 1, ga[i*sa:], ac)
				}
			}
			if gb != nil {
				// dB = op(A)ᵀ·dY, or its transpose when B was transposed.
				if !transB {
					gemm(!transA, false, k, n, m, 1, a.Data[i*sa:], ac, g, n, 1, gb[i*sb:], bc)
				} else {
					gemm(true, transA, n, k, m, 1, g, n, a.Data[i*sa:], ac, 1, gb[i*sb:], bc)
				}
			}
		})
	})
	return y
}

// Linear returns x·wᵀ + b for x [N, in], w [out, in] (PyTorch layout) and
// b [out] (nil for no bias).
func (tp *Tape) Linear(x, w, b *Tensor) *Tensor {
	if len(x.shape) != 2 || len(w.shape) != 2 || x.shape[1] != w.shape[1] {
		panic(fmt.Sprintf("nn: Linear input %v does not match weight %v", x.shape, w.shape))
	}
	n, in, out := x.shape[0], w.shape[1], w.shape[0]
	y := tp.out([]int{n, out}, x, w, b)
	if b != nil {
		for i := 0; i < n; i++ {
			copy(y.Data[i*out:(i+1)*out], b.Data)
		}
	}
	beta := float32(0)
	if b != nil {
		beta = 1
	}
	blas.Sgemm(false, true, n, out, in, 1, x.Data, in, w.Data, in, beta, y.Data, out)
	tp.record(y, func() {
		g := y.Grad
		if gx := tp.grad(x); gx != nil {
			blas.Sgemm(false, false, n, in, out, 1, g, out, w.Data, in, 1, gx, in)
		}
		if gw := tp.grad(w); gw != nil {
			blas.Sgemm(true, false, out, in, n, 1, g, out, x.Data, in, 1, gw, in)
		}
		if b != nil {
			if gb := tp.grad(b); gb != nil {
				for i := 0; i < n; i++ {
					for j, v := range g[i*out : (i+1)*out] {
						gb[j] += v
					}
				}
			}
		}
	})
	return y
}
