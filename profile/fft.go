package profile

import (
	"math"
	"math/bits"
	"math/cmplx"
)

// radix2 is an in-place inverse complex FFT, x[m] = Σ_k X[k] exp(+2πi km/n)
// (unnormalised), for n a power of two: iterative decimation in time with
// precomputed twiddles. For the 64-128 point transforms of postage stamps
// it is about five times faster than gonum's general-size FFTPACK port
// (BenchmarkFFT64: 2.3 µs against 12 µs for 64 points); other sizes use
// gonum.
type radix2 struct {
	n   int
	rev []int32
	tw  []complex128 // exp(+2πi j/n), j < n/2
}

func newRadix2(n int) *radix2 {
	f := &radix2{n: n, rev: make([]int32, n), tw: make([]complex128, n/2)}
	lg := bits.TrailingZeros(uint(n))
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
	}
	for j := range f.tw {
		f.tw[j] = cmplx.Rect(1, 2*math.Pi*float64(j)/float64(n))
	}
	return f
}

func isPow2(n int) bool { return n > 0 && n&(n-1) == 0 }

func (f *radix2) inverse(x []complex128) {
	n := f.n
	for i, r := range f.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	// Size-2 butterflies.
	for i := 0; i < n; i += 2 {
		a, b := x[i], x[i+1]
		x[i], x[i+1] = a+b, a-b
	}
	for size := 4; size <= n; size <<= 1 {
		half := size >> 1
		step := n / size
		for start := 0; start < n; start += size {
			blk := x[start : start+size]
			lo, hi := blk[:half], blk[half:size]
			for j := range lo {
				t := hi[j] * f.tw[j*step]
				a := lo[j]
				lo[j] = a + t
				hi[j] = a - t
			}
		}
	}
}
