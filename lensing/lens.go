package lensing

import "math"

// Lens holds the local lensing quantities at one position on the sky: the
// convergence κ and the shear (γ1, γ2). Everything else a galaxy needs —
// reduced shear and magnification — follows from these three numbers.
type Lens struct {
	Kappa, Gamma1, Gamma2 float64
}

// ReducedShear returns g = γ/(1−κ). It fails with a *StrongLensingError
// when κ >= 1 or |g| >= 1, where a weak-lensing shear is not defined.
func (l Lens) ReducedShear() (g1, g2 float64, err error) {
	d := 1 - l.Kappa
	g1, g2 = l.Gamma1/d, l.Gamma2/d
	g := math.Hypot(g1, g2)
	if !(d > 0) || !(g < 1) {
		return g1, g2, &StrongLensingError{X: math.NaN(), Y: math.NaN(), Kappa: l.Kappa, G1: g1, G2: g2, G: g}
	}
	return g1, g2, nil
}

// Det returns det A = (1−κ)² − |γ|², the inverse magnification. It is
// negative for parity-flipped images and zero on critical curves.
func (l Lens) Det() float64 {
	d := 1 - l.Kappa
	return d*d - l.Gamma1*l.Gamma1 - l.Gamma2*l.Gamma2
}

// Magnification returns μ = 1/((1−κ)² − |γ|²); negative for parity-flipped
// images, ±Inf on a critical curve.
func (l Lens) Magnification() float64 { return 1 / l.Det() }

// Add returns the sum of two lenses' convergence and shear (superposition
// holds for κ and γ in the thin-lens approximation).
func (l Lens) Add(m Lens) Lens {
	return Lens{l.Kappa + m.Kappa, l.Gamma1 + m.Gamma1, l.Gamma2 + m.Gamma2}
}

// Field is anything that gives κ and γ at a sky position (x, y) in arcsec.
type Field interface {
	LensAt(x, y float64) Lens
}

// ShearAt returns the reduced shear and magnification of field f at (x, y)
// arcsec, the numbers to shear and magnify a galaxy drawn there. It fails
// with a *StrongLensingError (carrying the position) where |g| >= 1 or
// κ >= 1.
func ShearAt(f Field, x, y float64) (g1, g2, mu float64, err error) {
	l := f.LensAt(x, y)
	g1, g2, err = l.ReducedShear()
	if err != nil {
		se := err.(*StrongLensingError)
		se.X, se.Y = x, y
		return 0, 0, 0, se
	}
	return g1, g2, l.Magnification(), nil
}

// ConstantShear is a uniform, area-preserving reduced shear (G1, G2): the
// Lens it returns everywhere has κ = 1 − 1/√(1−|g|²) and γ = g(1−κ), so
// that the reduced shear is exactly g and the magnification exactly 1, as
// for GalSim's Shear.
type ConstantShear struct {
	G1, G2 float64
}

// NewConstantShear returns the uniform reduced shear (g1, g2); |g| must be
// below 1.
func NewConstantShear(g1, g2 float64) (ConstantShear, error) {
	if err := checkShear("g", g1, g2); err != nil {
		return ConstantShear{}, err
	}
	return ConstantShear{g1, g2}, nil
}

// LensAt returns the same Lens at every position.
func (c ConstantShear) LensAt(x, y float64) Lens {
	s := 1 / math.Sqrt(1-c.G1*c.G1-c.G2*c.G2) // 1 − κ
	return Lens{Kappa: 1 - s, Gamma1: c.G1 * s, Gamma2: c.G2 * s}
}

// tangential turns a tangential shear γt at position (x, y), polar angle φ,
// into Cartesian components: γ1 = −γt cos 2φ, γ2 = −γt sin 2φ.
func tangential(gt, x, y float64) (g1, g2 float64) {
	r2 := x*x + y*y
	if r2 == 0 {
		return 0, 0
	}
	c2 := (x*x - y*y) / r2
	s2 := 2 * x * y / r2
	return -gt * c2, -gt * s2
}
