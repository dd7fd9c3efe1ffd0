package lensing

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Physical constants in the units used here (Mpc, km/s, solar masses).
const (
	speedOfLightKmS = 299792.458    // c in km/s
	gravConst       = 4.30091727e-9 // G in Mpc (km/s)² / Msun
	arcsecPerRad    = 180 * 3600 / math.Pi
)

// Cosmology is a flat ΛCDM universe (Ω_Λ = 1 − Ω_m, radiation neglected):
//
//	H(z) = H0 √(Ω_m (1+z)³ + 1 − Ω_m),
//	D_C(z) = c ∫₀^z dz'/H(z'),  D_A(z) = D_C(z)/(1+z),
//	D_A(z1, z2) = (D_C(z2) − D_C(z1))/(1+z2)  (flat space),
//	ρ_c(z) = 3H(z)²/(8πG),  Σ_cr = c² D_s / (4πG D_l D_ls).
//
// The integral is done by 64-point Gauss–Legendre quadrature (the integrand
// is smooth; relative error far below 1e-10 for z < 20).
type Cosmology struct {
	H0     float64 // Hubble constant in km/s/Mpc
	OmegaM float64 // matter density today, in (0, 1]
}

// DefaultCosmology is H0 = 70 km/s/Mpc, Ω_m = 0.3, flat.
var DefaultCosmology = Cosmology{H0: 70, OmegaM: 0.3}

// Validate reports an H0 or Ω_m outside its range.
func (c Cosmology) Validate() error {
	if err := checkPositive("H0", c.H0); err != nil {
		return err
	}
	if !(c.OmegaM > 0 && c.OmegaM <= 1) {
		return &RangeError{"OmegaM", c.OmegaM, "(0, 1]"}
	}
	return nil
}

// E returns H(z)/H0.
func (c Cosmology) E(z float64) float64 {
	a := 1 + z
	return math.Sqrt(c.OmegaM*a*a*a + 1 - c.OmegaM)
}

// ComovingDistance returns the line-of-sight comoving distance to z in Mpc.
func (c Cosmology) ComovingDistance(z float64) float64 {
	if z <= 0 {
		return 0
	}
	f := func(zz float64) float64 { return 1 / c.E(zz) }
	return speedOfLightKmS / c.H0 * quad.Fixed(f, 0, z, 64, quad.Legendre{}, 0)
}

// AngularDiameterDistance returns D_A(z) in Mpc.
func (c Cosmology) AngularDiameterDistance(z float64) float64 {
	return c.ComovingDistance(z) / (1 + z)
}

// AngularDiameterDistanceBetween returns D_A(z1, z2), the angular-diameter
// distance of z2 seen from z1 < z2, in Mpc.
func (c Cosmology) AngularDiameterDistanceBetween(z1, z2 float64) float64 {
	return (c.ComovingDistance(z2) - c.ComovingDistance(z1)) / (1 + z2)
}

// CriticalDensity returns ρ_c(z) = 3H(z)²/(8πG) in Msun/Mpc³.
func (c Cosmology) CriticalDensity(z float64) float64 {
	h := c.H0 * c.E(z)
	return 3 * h * h / (8 * math.Pi * gravConst)
}

// SigmaCrit returns the critical surface density Σ_cr = c² D_s/(4πG D_l D_ls)
// in Msun/Mpc² for a lens at zl and a source at zs; 0 < zl < zs.
func (c Cosmology) SigmaCrit(zl, zs float64) (float64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	if err := checkPositive("zl", zl); err != nil {
		return 0, err
	}
	if !finite(zs) || zs <= zl {
		return 0, &RangeError{"zs", zs, "(zl, inf) with zl = " + fmtG(zl)}
	}
	dl := c.AngularDiameterDistance(zl)
	ds := c.AngularDiameterDistance(zs)
	dls := c.AngularDiameterDistanceBetween(zl, zs)
	return speedOfLightKmS * speedOfLightKmS / (4 * math.Pi * gravConst) * ds / (dl * dls), nil
}
