package profile

import (
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

func TestRadix2MatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 4, 8, 64, 256} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(r.NormFloat64(), r.NormFloat64())
		}
		want := fourier.NewCmplxFFT(n).Sequence(nil, x)
		got := append([]complex128(nil), x...)
		newRadix2(n).inverse(got)
		for i := range got {
			if cmplx.Abs(got[i]-want[i]) > 1e-12*float64(n) {
				t.Fatalf("n=%d: element %d = %v, gonum %v", n, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkFFT64 compares the 64-point inverse FFT of stamps: galforge's
// radix-2 against gonum's FFTPACK port.
func BenchmarkFFT64(b *testing.B) {
	x := make([]complex128, 64)
	for i := range x {
		x[i] = complex(float64(i), 1)
	}
	b.Run("radix2", func(b *testing.B) {
		f := newRadix2(64)
		for b.Loop() {
			f.inverse(x)
		}
	})
	b.Run("gonum", func(b *testing.B) {
		f := fourier.NewCmplxFFT(64)
		for b.Loop() {
			f.Sequence(x, x)
		}
	})
}
