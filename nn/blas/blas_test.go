package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
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
	SetThreads(3) // odd split of the large products
	defer SetThreads(0)
	for _, spec := range backs {
		prev := Use(spec)
		name := Current().Name()
		for _, size := range [][3]int{{7, 5, 9}, {203, 61, 40}, {37, 190, 50}} {
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					m, n, k := size[0], size[1], size[2]
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
							t.Fatalf("%s %v ta=%v tb=%v: c[%d]=%g want %g", name, size, ta, tb, i, c[i], w)
						}
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

// TestEnvironment re-runs this test binary with GALFORGE_BLAS and
// GALFORGE_THREADS set and checks what the child reports.
func TestEnvironment(t *testing.T) {
	if os.Getenv("GALFORGE_BLAS_CHILD") != "" {
		fmt.Println("NAME:", Name())
		return
	}
	for _, c := range []struct{ blas, want string }{
		{"gonum", "gonum (pure Go), 3 threads"},
		{"/nonexistent/libmkl_rt.so", "not loaded"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvironment$", "-test.v")
		cmd.Env = append(os.Environ(), "GALFORGE_BLAS_CHILD=1", "GALFORGE_BLAS="+c.blas, "GALFORGE_THREADS=3")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), c.want) {
			t.Errorf("GALFORGE_BLAS=%s: child reported %q, want %q", c.blas, out, c.want)
		}
	}
}
