package profile

import (
	"math"
	"sync"
)

// Kolmogorov constants: the structure function of a Kolmogorov phase
// screen, D(k) = 6.8839 (λk/(2π r0))^(5/3), gives the transform
// exp(-D/2); the FWHM of the resulting profile is 0.975865 λ/r0.
const (
	kolmoD    = 6.88388
	kolmoFWHM = 0.975865
)

// kolmoShape is the Kolmogorov profile with transform exp(-k^(5/3)).
// Its surface brightness is the inverse Hankel transform, tabulated once.
type kolmoShape struct{}

var (
	kolmoOnce sync.Once
	kolmoX    *logSpline
)

func kolmoTable() *logSpline {
	kolmoOnce.Do(func() {
		f := func(k float64) float64 { return math.Exp(-math.Pow(k, 5.0/3)) }
		const perDecade = 40
		dln := math.Ln10 / perDecade
		lo, hi := math.Log(1e-3), math.Log(300)
		n := int((hi-lo)/dln) + 1
		y := make([]float64, n)
		for i := range y {
			r := math.Exp(lo + float64(i)*dln)
			// f(r) = (1/2π) ∫ F(k) J0(kr) k dk = hankel(F, r)/(2π)².
			y[i] = hankel(f, r, 9, false) / (4 * math.Pi * math.Pi)
		}
		kolmoX = newLogSpline(lo, dln, y)
		kolmoX.highPow = -11.0 / 3
	})
	return kolmoX
}

func (kolmoShape) x(r float64) float64 { return kolmoTable().at(r) }
func (kolmoShape) k(k float64) float64 { return math.Exp(-math.Pow(k, 5.0/3)) }
func (kolmoShape) maxK(thr float64) float64 {
	return math.Pow(-math.Log(thr), 3.0/5)
}
func (kolmoShape) stepR(thr float64) float64 {
	// Tail I ≈ C r^(-11/3): flux outside R is (6π/5) C R^(-5/3).
	t := kolmoTable()
	c := t.y[len(t.y)-1] * math.Pow(t.uN, 11.0/3)
	return math.Pow(6*math.Pi/5*c/thr, 3.0/5)
}
func (kolmoShape) edge() float64 { return 0 }

// Kolmogorov returns the long-exposure PSF of Kolmogorov turbulence,
//
//	F(k) = Flux · exp(-½ · 6.8839 · (k λ/(2π r0))^(5/3)),
//
// given λ/r0 in arcsec; KolmogorovFWHM takes the FWHM (= 0.975865 λ/r0).
// The surface brightness, the inverse Hankel transform of F, is tabulated
// once; its tail falls as r^(-11/3).
func Kolmogorov(lamOverR0, flux float64) (Profile, error) {
	if err := checkPositive("kolmogorov", "lam_over_r0", lamOverR0); err != nil {
		return nil, err
	}
	if err := checkFinite("kolmogorov", "flux", flux); err != nil {
		return nil, err
	}
	// exp(-(k/k0)^(5/3)) with k0 = (2π/L) (2/D)^(3/5).
	k0 := 2 * math.Pi / lamOverR0 * math.Pow(2/kolmoD, 0.6)
	return newRadial(flux, 1/k0, kolmoShape{}), nil
}

// KolmogorovFWHM returns the Kolmogorov profile of the given FWHM arcsec.
func KolmogorovFWHM(fwhm, flux float64) (Profile, error) {
	if err := checkPositive("kolmogorov", "fwhm", fwhm); err != nil {
		return nil, err
	}
	return Kolmogorov(fwhm/kolmoFWHM, flux)
}
