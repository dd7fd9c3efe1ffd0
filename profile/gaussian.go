package profile

import "math"

// gaussShape is exp(-r²/2)/(2π), with transform exp(-k²/2).
type gaussShape struct{}

func (gaussShape) x(r float64) float64       { return math.Exp(-0.5*r*r) / (2 * math.Pi) }
func (gaussShape) k(k float64) float64       { return math.Exp(-0.5 * k * k) }
func (gaussShape) maxK(thr float64) float64  { return math.Sqrt(-2 * math.Log(thr)) }
func (gaussShape) stepR(thr float64) float64 { return math.Sqrt(-2 * math.Log(thr)) }
func (gaussShape) edge() float64             { return 0 }

// Gaussian returns the circular Gaussian
//
//	I(r) = flux/(2π σ²) · exp(-r²/(2σ²)),   F(k) = flux · exp(-k²σ²/2),
//
// sigma in arcsec (> 0). FWHM = 2√(2 ln 2) σ ≈ 2.3548 σ.
func Gaussian(sigma, flux float64) (Profile, error) {
	if err := checkPositive("gaussian", "sigma", sigma); err != nil {
		return nil, err
	}
	if err := checkFinite("gaussian", "flux", flux); err != nil {
		return nil, err
	}
	return newRadial(flux, sigma, gaussShape{}), nil
}

// GaussianFWHM returns the Gaussian of the given FWHM in arcsec.
func GaussianFWHM(fwhm, flux float64) (Profile, error) {
	if err := checkPositive("gaussian", "fwhm", fwhm); err != nil {
		return nil, err
	}
	return Gaussian(fwhm/(2*math.Sqrt(2*math.Ln2)), flux)
}
