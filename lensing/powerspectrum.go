package lensing

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/galforge/galforge/internal/fft"
)

// PowerSpectrum describes a Gaussian random lensing field by its E-mode
// (convergence) and optional B-mode power spectra. Normalisation (the usual
// flat-sky one, as GalSim's PowerSpectrum): with κ(θ) = ∫ d²k/(2π)² κ̃(k)
// e^{ik·θ},
//
//	⟨κ̃(k) κ̃*(k')⟩ = (2π)² δ²(k − k') P(|k|),  so  ⟨κ²⟩ = ∫ k P(k) dk / (2π),
//
// with k the angular wavenumber in radians per arcsec (k = 2π/λ, λ in
// arcsec) and P in arcsec². A spectrum C_ℓ in steradians with ℓ in 1/radian
// converts as k = ℓ/206264.8 and P = C_ℓ·206264.8². The shear follows from
// the E and B modes as
//
//	γ̃ = e^{2iφ_k} (κ̃_E + i κ̃_B),  e^{2iφ_k} = ((k1² − k2²) + 2i k1 k2)/k².
type PowerSpectrum struct {
	E func(k float64) float64 // E-mode (convergence) power in arcsec²; required
	B func(k float64) float64 // B-mode power in arcsec²; nil for none
}

// ShearGrid is a realisation of a lensing field on an N×N periodic grid of
// Spacing arcsec: convergence κ_E and shear γ at the grid points, row-major
// with x fastest. Grid point (i, j) lies at ((i − (N−1)/2)·Spacing,
// (j − (N−1)/2)·Spacing) arcsec, the pix centre convention.
type ShearGrid struct {
	N       int
	Spacing float64 // arcsec
	Kappa   []float64
	Gamma1  []float64
	Gamma2  []float64
}

// GenerateShearGrid draws a Gaussian random shear field with power spectrum
// ps on an n×n grid of spacing arcsec, from rng. Method: white Gaussian noise
// is Fourier transformed, multiplied by √P(k)/spacing (giving
// ⟨|κ̃_m|²⟩ = n² P(k_m)/spacing², the discrete form of the normalisation
// above), and γ̃ = e^{2iφ}κ̃ is transformed back. Modes are k_m = 2π m/(n
// spacing); the k = 0 mode and, for even n, the Nyquist row and column are
// set to zero so that κ and γ are real and exactly related. The field is
// periodic with period n·spacing.
func GenerateShearGrid(ps PowerSpectrum, n int, spacing float64, rng *rand.Rand) (*ShearGrid, error) {
	if ps.E == nil {
		return nil, fmt.Errorf("lensing: power spectrum: E-mode function is nil")
	}
	if n < 2 || n > MaxFFT {
		return nil, &RangeError{"grid size n", float64(n), fmt.Sprintf("[2, %d]", MaxFFT)}
	}
	if err := checkPositive("grid spacing", spacing); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("lensing: GenerateShearGrid: nil random generator (seed one explicitly)")
	}
	modes := func(p func(float64) float64, name string) ([]complex128, error) {
		a := make([]complex128, n*n)
		for i := range a {
			a[i] = complex(rng.NormFloat64(), 0)
		}
		fft.Forward2(a, n, n)
		dk := 2 * math.Pi / (float64(n) * spacing)
		for j := 0; j < n; j++ {
			fj := fft.Freq(j, n)
			for i := 0; i < n; i++ {
				fi := fft.Freq(i, n)
				m := j*n + i
				if (fi == 0 && fj == 0) || (n%2 == 0 && (fi == -n/2 || fj == -n/2)) {
					a[m] = 0
					continue
				}
				k := dk * math.Hypot(float64(fi), float64(fj))
				pk := p(k)
				if !(pk >= 0) || math.IsInf(pk, 0) {
					return nil, fmt.Errorf("lensing: power spectrum %s(k = %g /arcsec) = %g: must be finite and >= 0", name, k, pk)
				}
				a[m] *= complex(math.Sqrt(pk)/spacing, 0)
			}
		}
		return a, nil
	}
	ke, err := modes(ps.E, "E")
	if err != nil {
		return nil, err
	}
	var kb []complex128
	if ps.B != nil {
		if kb, err = modes(ps.B, "B"); err != nil {
			return nil, err
		}
	}
	g := make([]complex128, n*n)
	for j := 0; j < n; j++ {
		fj := float64(fft.Freq(j, n))
		for i := 0; i < n; i++ {
			fi := float64(fft.Freq(i, n))
			m := j*n + i
			k2 := fi*fi + fj*fj
			if k2 == 0 {
				continue
			}
			rot := complex((fi*fi-fj*fj)/k2, 2*fi*fj/k2)
			v := ke[m]
			if kb != nil {
				v += 1i * kb[m]
			}
			g[m] = rot * v
		}
	}
	fft.Inverse2(ke, n, n)
	fft.Inverse2(g, n, n)
	s := &ShearGrid{N: n, Spacing: spacing,
		Kappa: make([]float64, n*n), Gamma1: make([]float64, n*n), Gamma2: make([]float64, n*n)}
	for m := range g {
		s.Kappa[m] = real(ke[m])
		s.Gamma1[m] = real(g[m])
		s.Gamma2[m] = imag(g[m])
	}
	return s, nil
}

// LensAt returns κ and γ at (x, y) arcsec by bilinear interpolation between
// the four surrounding grid points; positions outside the grid wrap
// around (the field is periodic).
func (s *ShearGrid) LensAt(x, y float64) Lens {
	c := float64(s.N-1) / 2
	u, v := x/s.Spacing+c, y/s.Spacing+c
	i0, j0 := math.Floor(u), math.Floor(v)
	fu, fv := u-i0, v-j0
	i, j := fft.Wrap(int(i0), s.N), fft.Wrap(int(j0), s.N)
	i1, j1 := fft.Wrap(i+1, s.N), fft.Wrap(j+1, s.N)
	w00, w10, w01, w11 := (1-fu)*(1-fv), fu*(1-fv), (1-fu)*fv, fu*fv
	a, b, cc, d := j*s.N+i, j*s.N+i1, j1*s.N+i, j1*s.N+i1
	interp := func(f []float64) float64 { return w00*f[a] + w10*f[b] + w01*f[cc] + w11*f[d] }
	return Lens{interp(s.Kappa), interp(s.Gamma1), interp(s.Gamma2)}
}
