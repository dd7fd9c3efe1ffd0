package fft

import (
	"fmt"
	"math"
	"math/bits"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan is a 1-D complex FFT of one length. It holds scratch space, so one
// Plan must not be used by two goroutines at once.
type Plan struct {
	n   int
	r2  *radix2           // powers of two
	c   *fourier.CmplxFFT // other lengths
	col []complex128      // scratch for the column transforms
}

// NewPlan returns a transform of length n (n ≥ 1).
func NewPlan(n int) *Plan {
	if n < 1 {
		panic(fmt.Sprintf("fft: length %d, want at least 1", n))
	}
	p := &Plan{n: n}
	if IsPow2(n) {
		p.r2 = newRadix2(n)
	} else {
		p.c = fourier.NewCmplxFFT(n)
	}
	return p
}

// Len returns the transform length.
func (p *Plan) Len() int { return p.n }

// Forward replaces x (length Len) by X[k] = Σ_m x[m] exp(−2πi km/n).
func (p *Plan) Forward(x []complex128) {
	if p.r2 != nil {
		p.r2.transform(x, p.r2.fwd)
	} else {
		p.c.Coefficients(x, x)
	}
}

// Inverse replaces X (length Len) by x[m] = Σ_k X[k] exp(+2πi km/n),
// unnormalised: Inverse after Forward multiplies by n.
func (p *Plan) Inverse(x []complex128) {
	if p.r2 != nil {
		p.r2.transform(x, p.r2.inv)
	} else {
		p.c.Sequence(x, x)
	}
}

// ForwardColumns applies Forward to each of the first ncols columns of a,
// an array of Len rows with row stride stride: column c is a[c],
// a[c+stride], ... (row-major images transform along y this way).
func (p *Plan) ForwardColumns(a []complex128, stride, ncols int) {
	p.columns(a, stride, ncols, true)
}

// InverseColumns applies Inverse to the first ncols columns of a, laid out
// as for ForwardColumns.
func (p *Plan) InverseColumns(a []complex128, stride, ncols int) {
	p.columns(a, stride, ncols, false)
}

func (p *Plan) columns(a []complex128, stride, ncols int, forward bool) {
	if p.col == nil {
		p.col = make([]complex128, p.n)
	}
	col := p.col
	for c := 0; c < ncols; c++ {
		for r := range col {
			col[r] = a[r*stride+c]
		}
		if forward {
			p.Forward(col)
		} else {
			p.Inverse(col)
		}
		for r, v := range col {
			a[r*stride+c] = v
		}
	}
}

// IsPow2 reports whether n is a positive power of two, the lengths with the
// fast radix-2 path.
func IsPow2(n int) bool { return n > 0 && n&(n-1) == 0 }

// radix2 is an iterative decimation-in-time FFT for n a power of two, with
// precomputed bit reversal and twiddles. For 64 points it is about 2.5
// times faster than gonum's general-size FFTPACK port (BenchmarkFFT64).
type radix2 struct {
	n        int
	rev      []int32
	fwd, inv []complex128 // exp(∓2πi j/n), j < n/2
}

func newRadix2(n int) *radix2 {
	f := &radix2{n: n, rev: make([]int32, n), fwd: make([]complex128, n/2), inv: make([]complex128, n/2)}
	if n > 1 {
		lg := bits.TrailingZeros(uint(n))
		for i := range f.rev {
			f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
		}
	}
	for j := range f.inv {
		f.inv[j] = cmplx.Rect(1, 2*math.Pi*float64(j)/float64(n))
		f.fwd[j] = cmplx.Conj(f.inv[j])
	}
	return f
}

// transform applies the butterflies with twiddles tw (fwd or inv) in place.
func (f *radix2) transform(x []complex128, tw []complex128) {
	n := f.n
	x = x[:n]
	for i, r := range f.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	// Size-2 butterflies need no twiddle.
	for i := 0; i+1 < n; i += 2 {
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
				t := hi[j] * tw[j*step]
				a := lo[j]
				lo[j] = a + t
				hi[j] = a - t
			}
		}
	}
}
