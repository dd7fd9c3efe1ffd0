// Package blas gives galforge's nn package one float32 matrix product,
// Sgemm, backed by a CBLAS library loaded at run time without cgo
// (OpenBLAS by default, through github.com/ebitengine/purego) or, when no
// such library can be loaded, by gonum's pure-Go BLAS.
//
// The choice is made once, on first use:
//
//   - GALFORGE_BLAS unset: try libopenblas.so.0 (and a few usual names),
//     else gonum;
//   - GALFORGE_BLAS=gonum: pure Go;
//   - GALFORGE_BLAS=<file>: load that CBLAS library (MKL's libmkl_rt.so,
//     BLIS's libblis.so, ...), else fall back to gonum and say why in Name.
//
// GALFORGE_THREADS sets how many goroutines share a matrix product (and
// nn's own parallel loops); SetThreads changes it later. The loaded library
// itself is kept single-threaded: Sgemm splits a product into independent
// blocks, one library call per goroutine, which avoids the library's
// spin-waiting threads fighting Go's scheduler and keeps results
// bit-identical for a fixed thread count.
package blas

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Backend is a row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C,
// with op(X) = Xᵀ when the trans flag is set; op(A) is m×k, op(B) k×n, C m×n.
type Backend interface {
	Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int)
	// Name says which library this is (for `galforge version`).
	Name() string
	// SetThreads sets the library's own thread count (a no-op where it has none).
	SetThreads(n int)
}

var (
	once    sync.Once
	current Backend
	threads int
	mu      sync.Mutex
)

// defaultNames are the CBLAS libraries tried, in order, when GALFORGE_BLAS is unset.
var defaultNames = []string{
	"libopenblas.so.0", "libopenblas.so",
	"/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
	"/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
	"libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
}

func initBackend() {
	threads = runtime.GOMAXPROCS(0)
	if s := os.Getenv("GALFORGE_THREADS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			threads = n
		} else {
			fmt.Fprintf(os.Stderr, "galforge: ignoring GALFORGE_THREADS=%q (want a positive integer)\n", s)
		}
	}
	current = choose(os.Getenv("GALFORGE_BLAS"))
	current.SetThreads(1)
}

// choose returns the backend named by spec ("" = default search, "gonum", or a file).
func choose(spec string) Backend {
	switch spec {
	case "gonum", "go":
		return Gonum{}
	case "":
		for _, name := range defaultNames {
			if c, err := LoadCBLAS(name); err == nil {
				return c
			}
		}
		return Gonum{}
	default:
		c, err := LoadCBLAS(spec)
		if err != nil {
			return Gonum{note: fmt.Sprintf(" (GALFORGE_BLAS=%s not loaded: %v)", spec, err)}
		}
		return c
	}
}

// Current returns the backend in use, choosing it on first call.
func Current() Backend {
	once.Do(initBackend)
	return current
}

// Name reports the BLAS in use, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0), 2 threads".
func Name() string {
	b := Current()
	return fmt.Sprintf("%s, %d threads", b.Name(), Threads())
}

// Use replaces the backend ("gonum", "" for the default search, or a library
// file) and returns the previous one; tests use it to run on both BLAS.
func Use(spec string) (previous Backend) {
	Current()
	mu.Lock()
	defer mu.Unlock()
	previous = current
	current = choose(spec)
	current.SetThreads(1)
	return previous
}

// Restore puts back a backend returned by Use.
func Restore(b Backend) {
	mu.Lock()
	defer mu.Unlock()
	current = b
}

// Threads returns the thread count set by GALFORGE_THREADS or SetThreads
// (default GOMAXPROCS).
func Threads() int {
	Current()
	return threads
}

// SetThreads sets the thread count used by Sgemm and by nn's own parallel
// loops; n < 1 means GOMAXPROCS.
func SetThreads(n int) {
	Current()
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	mu.Lock()
	threads = n
	mu.Unlock()
}

// parallelWork is the product size (m·n·k) above which Sgemm splits.
const parallelWork = 1 << 18

// Sgemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices with
// the current backend, split over Threads() goroutines along the larger of
// m and n when the product is large. Dimensions are not checked beyond what
// the backend does.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	t := Threads()
	if t <= 1 || m*n*k < parallelWork || max(m, n) < 2*16 {
		SgemmSerial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	splitM := m >= n
	size := n
	if splitM {
		size = m
	}
	t = min(t, size/16)
	for w := 0; w < t; w++ {
		lo, hi := w*size/t, (w+1)*size/t
		lo, hi = lo&^7, hi&^7 // blocks of 8 rows/columns
		if w == t-1 {
			hi = size
		}
		if hi <= lo {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if splitM {
				ao := lo * lda
				if transA {
					ao = lo
				}
				SgemmSerial(transA, transB, hi-lo, n, k, alpha, a[ao:], lda, b, ldb, beta, c[lo*ldc:], ldc)
			} else {
				bo := lo
				if transB {
					bo = lo * ldb
				}
				SgemmSerial(transA, transB, m, hi-lo, k, alpha, a, lda, b[bo:], ldb, beta, c[lo:], ldc)
			}
		}()
	}
	wg.Wait()
}

// SgemmSerial is Sgemm in one library call on the calling goroutine, for
// callers that run their own parallel workers.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
		return
	}
	Current().Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Gonum is the pure-Go backend (gonum.org/v1/gonum/blas/gonum, which runs its
// own goroutines).
type Gonum struct{ note string }

func tr(t bool) gblas.Transpose {
	if t {
		return gblas.Trans
	}
	return gblas.NoTrans
}

// Sgemm implements Backend.
func (Gonum) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	gonum.Implementation{}.Sgemm(tr(transA), tr(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Name implements Backend.
func (g Gonum) Name() string { return "gonum (pure Go)" + g.note }

// SetThreads implements Backend; gonum follows GOMAXPROCS.
func (Gonum) SetThreads(int) {}
