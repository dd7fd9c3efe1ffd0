package morph

import (
	"math"
	"math/cmplx"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// PowerSpectrum returns the azimuthally averaged power spectrum of img:
// P(k) = |Σ I(x) exp(−2πi k·x)|² / (Nx Ny), averaged over rings of
// |k| (cycles per pixel) in nbins equal bins from 0 to 0.5 (the Nyquist
// frequency). k holds the bin centres; bins without modes are NaN.
func PowerSpectrum(img *pix.Image, nbins int) (k, p []float64) {
	nx, ny := img.Nx, img.Ny
	data := make([]complex128, nx*ny)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			data[y*nx+x] = complex(img.At(x, y), 0)
		}
	}
	fft.Forward2(data, nx, ny)
	k = make([]float64, nbins)
	p = make([]float64, nbins)
	cnt := make([]float64, nbins)
	norm := float64(nx * ny)
	for y := 0; y < ny; y++ {
		ky := float64(fft.Freq(y, ny)) / float64(ny)
		for x := 0; x < nx; x++ {
			kx := float64(fft.Freq(x, nx)) / float64(nx)
			kr := math.Hypot(kx, ky)
			b := int(kr / 0.5 * float64(nbins))
			if b >= nbins {
				continue
			}
			a := cmplx.Abs(data[y*nx+x])
			p[b] += a * a / norm
			cnt[b]++
		}
	}
	for i := range p {
		k[i] = (float64(i) + 0.5) * 0.5 / float64(nbins)
		if cnt[i] > 0 {
			p[i] /= cnt[i]
		} else {
			p[i] = math.NaN()
		}
	}
	return k, p
}
