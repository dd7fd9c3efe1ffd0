package fft

import (
	"strconv"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// BenchmarkFFT64 compares the 64-point inverse FFT of stamps: the radix-2
// path against gonum's FFTPACK port.
func BenchmarkFFT64(b *testing.B) {
	x := make([]complex128, 64)
	for i := range x {
		x[i] = complex(float64(i), 1)
	}
	b.Run("radix2", func(b *testing.B) {
		p := NewPlan(64)
		for b.Loop() {
			p.Inverse(x)
		}
	})
	b.Run("gonum", func(b *testing.B) {
		f := fourier.NewCmplxFFT(64)
		for b.Loop() {
			f.Sequence(x, x)
		}
	})
}

// BenchmarkFFT2 compares forward 2-D transforms of a 256² grid (a shear or
// noise field): Forward2 against the gonum row/column loop the lensing and
// noise packages used before, and a 240² grid (gonum path) for reference.
func BenchmarkFFT2(b *testing.B) {
	for _, n := range []int{256, 240} {
		a := make([]complex128, n*n)
		for i := range a {
			a[i] = complex(float64(i%7), 1)
		}
		b.Run("n"+strconv.Itoa(n)+"/galforge", func(b *testing.B) {
			for b.Loop() {
				Forward2(a, n, n)
			}
		})
		b.Run("n"+strconv.Itoa(n)+"/gonum", func(b *testing.B) {
			for b.Loop() {
				gonumForward2(a, n)
			}
		})
	}
}

// gonumForward2 is the plain gonum row/column transform, the baseline.
func gonumForward2(a []complex128, n int) {
	t := fourier.NewCmplxFFT(n)
	col := make([]complex128, n)
	for j := 0; j < n; j++ {
		row := a[j*n : (j+1)*n]
		t.Coefficients(row, row)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			col[j] = a[j*n+i]
		}
		t.Coefficients(col, col)
		for j := 0; j < n; j++ {
			a[j*n+i] = col[j]
		}
	}
}
