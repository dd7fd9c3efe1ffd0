package noise

import "gonum.org/v1/gonum/dsp/fourier"

// fft2 transforms the n×n row-major complex grid a in place: forward
// (e^{−2πi k·x/n}, unnormalised) or backward (e^{+2πi k·x/n}, divided by n²).
func fft2(a []complex128, n int, forward bool) {
	t := fourier.NewCmplxFFT(n)
	col := make([]complex128, n)
	tr := t.Coefficients
	if !forward {
		tr = t.Sequence
	}
	for j := 0; j < n; j++ {
		row := a[j*n : (j+1)*n]
		tr(row, row)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			col[j] = a[j*n+i]
		}
		tr(col, col)
		for j := 0; j < n; j++ {
			a[j*n+i] = col[j]
		}
	}
	if !forward {
		s := complex(1/float64(n*n), 0)
		for i := range a {
			a[i] *= s
		}
	}
}

// goodSize returns the smallest n >= m whose only prime factors are 2, 3
// and 5 (fast FFT lengths).
func goodSize(m int) int {
	for n := max(m, 1); ; n++ {
		k := n
		for _, p := range []int{2, 3, 5} {
			for k%p == 0 {
				k /= p
			}
		}
		if k == 1 {
			return n
		}
	}
}

// wrap returns i modulo n in [0, n).
func wrap(i, n int) int {
	i %= n
	if i < 0 {
		i += n
	}
	return i
}

// freq returns the signed integer frequency of FFT index i on an n grid.
func freq(i, n int) int {
	if i > n/2 || (i == n/2 && n%2 == 0) {
		return i - n
	}
	return i
}
