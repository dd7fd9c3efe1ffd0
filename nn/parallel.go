package nn

import (
	"sync"

	"github.com/galforge/galforge/nn/blas"
)

// Threads returns how many goroutines nn's parallel loops and matrix
// products use (GALFORGE_THREADS, else GOMAXPROCS).
func Threads() int { return blas.Threads() }

// SetThreads sets how many goroutines nn's parallel loops and matrix
// products use; n < 1 means GOMAXPROCS.
func SetThreads(n int) { blas.SetThreads(n) }

// BLASName reports the BLAS library in use, for `galforge version`.
func BLASName() string { return blas.Name() }

// minParallel is the amount of work (elements) below which loops stay serial.
const minParallel = 1 << 15

// parallelFor splits [0, n) into contiguous chunks run on up to Threads()
// goroutines; work is the approximate cost of the whole loop in elements.
func parallelFor(n, work int, fn func(lo, hi int)) {
	w := Threads()
	if w > n {
		w = n
	}
	if w <= 1 || work < minParallel {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < w; i++ {
		lo, hi := i*n/w, (i+1)*n/w
		if lo == hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}
