package profile

import "math"

// expHLR is the half-light radius of exp(-r) in units of its scale radius:
// the root of (1+x)·exp(-x) = 1/2.
const expHLR = 1.6783469900166606

// expShape is exp(-r)/(2π), with transform (1+k²)^(-3/2).
type expShape struct{}

func (expShape) x(r float64) float64 { return math.Exp(-r) / (2 * math.Pi) }
func (expShape) k(k float64) float64 {
	q := 1 / (1 + k*k)
	return q * math.Sqrt(q)
}
func (expShape) maxK(thr float64) float64 { return math.Sqrt(math.Pow(thr, -2.0/3) - 1) }
func (expShape) stepR(thr float64) float64 {
	// Flux outside R is (1+R)exp(-R).
	return bisect(func(r float64) float64 { return (1+r)*math.Exp(-r) - thr }, 0, 100)
}
func (expShape) edge() float64 { return 0 }

// Exponential returns the exponential disk
//
//	I(r) = flux/(2π r0²) · exp(-r/r0),   F(k) = flux · (1 + k²r0²)^(-3/2),
//
// given its scale radius r0 in arcsec (> 0). The half-light radius is
// 1.67835 r0; ExponentialHLR takes that instead.
func Exponential(scaleRadius, flux float64) (Profile, error) {
	if err := checkPositive("exponential", "scale_radius", scaleRadius); err != nil {
		return nil, err
	}
	if err := checkFinite("exponential", "flux", flux); err != nil {
		return nil, err
	}
	return newRadial(flux, scaleRadius, expShape{}), nil
}

// ExponentialHLR returns the exponential disk of half-light radius hlr
// arcsec.
func ExponentialHLR(hlr, flux float64) (Profile, error) {
	if err := checkPositive("exponential", "hlr", hlr); err != nil {
		return nil, err
	}
	return Exponential(hlr/expHLR, flux)
}
