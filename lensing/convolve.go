package lensing

import (
	"fmt"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// MaxFFT bounds the side of the FFT grids that GenerateShearGrid and
// ConvolveImage use (a larger need is an error, not an out-of-memory crash).
const MaxFFT = 8192

// ConvolveImage convolves img in place with kernel, an odd-sized image of
// weights (e.g. a PSF drawn at img's scale without the pixel response, sum
// 1) centred on its middle pixel. The convolution is linear, not
// circular: img is zero-padded to a grid of at least (Nx+kx)×(Ny+ky), so
// flux near one edge does not wrap to the other. Flux falling outside img is
// lost, as it would be in a detector.
func ConvolveImage(img, kernel *pix.Image) error {
	if img == nil || img.Nx < 1 || img.Ny < 1 || kernel == nil || kernel.Nx < 1 || kernel.Ny < 1 {
		return fmt.Errorf("lensing: ConvolveImage: empty image or kernel")
	}
	if kernel.Nx%2 == 0 || kernel.Ny%2 == 0 {
		return fmt.Errorf("lensing: ConvolveImage: kernel is %dx%d; sizes must be odd so that it has a centre pixel", kernel.Nx, kernel.Ny)
	}
	n := 1
	for n < max(img.Nx+kernel.Nx, img.Ny+kernel.Ny) {
		n *= 2
	}
	if n > MaxFFT {
		return fmt.Errorf("lensing: ConvolveImage: FFT grid %d exceeds %d", n, MaxFFT)
	}
	a := make([]complex128, n*n)
	k := make([]complex128, n*n)
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			a[j*n+i] = complex(img.At(i, j), 0)
		}
	}
	hx, hy := kernel.Nx/2, kernel.Ny/2
	for j := 0; j < kernel.Ny; j++ {
		for i := 0; i < kernel.Nx; i++ {
			v := kernel.At(i, j)
			if !finite(v) {
				return fmt.Errorf("lensing: ConvolveImage: kernel pixel (%d, %d) = %g is not finite", i, j, v)
			}
			k[fft.Wrap(j-hy, n)*n+fft.Wrap(i-hx, n)] = complex(v, 0)
		}
	}
	fft.Forward2(a, n, n)
	fft.Forward2(k, n, n)
	for m := range a {
		a[m] *= k[m]
	}
	fft.Inverse2(a, n, n)
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			img.Set(i, j, real(a[j*n+i]))
		}
	}
	return nil
}
