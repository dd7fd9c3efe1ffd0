package blas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the reference row-major GEMM in float64.
func naive(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var x, y float32
				if ta {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if tb {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				s += float64(x) * float64(y)
			}
			c[i*n+j] = s
		}
	}
	return c
}

func TestSgemmBackends(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	backs := []string{"gonum", ""}
	for _, spec := range backs {
		prev := Use(spec)
		name := Current().Name()
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				m, n, k := 7, 5, 9
				a := make([]float32, m*k)
				b := make([]float32, k*n)
				for i := range a {
					a[i] = float32(rng.NormFloat64())
				}
				for i := range b {
					b[i] = float32(rng.NormFloat64())
				}
				lda, ldb := k, n
				if ta {
					lda = m
				}
				if tb {
					ldb = k
				}
				c := make([]float32, m*n)
				for i := range c {
					c[i] = 1
				}
				Sgemm(ta, tb, m, n, k, 2, a, lda, b, ldb, 0.5, c, n)
				want := naive(ta, tb, m, n, k, a, lda, b, ldb)
				for i := range c {
					w := 2*want[i] + 0.5
					if math.Abs(float64(c[i])-w) > 1e-4*(1+math.Abs(w)) {
						t.Fatalf("%s ta=%v tb=%v: c[%d]=%g want %g", name, ta, tb, i, c[i], w)
					}
				}
			}
		}
		Restore(prev)
	}
}

func TestName(t *testing.T) {
	t.Log(Name())
	if Name() == "" {
		t.Fatal("empty BLAS name")
	}
	prev := Use("/nonexistent/libfoo.so")
	if _, ok := Current().(Gonum); !ok {
		t.Fatalf("missing library should fall back to gonum, got %s", Current().Name())
	}
	Restore(prev)
}
