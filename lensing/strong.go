package lensing

import "math"

// Deflector is a thin lens described fully: deflection α (arcsec), lensing
// potential ψ (arcsec², α = ∇ψ) and local κ, γ at a position (x, y) in
// arcsec. The lens equation is β = θ − α(θ).
type Deflector interface {
	Field
	Deflect(x, y float64) (ax, ay float64)
	Potential(x, y float64) float64
}

// Sum is the superposition of several deflectors (deflections, potentials,
// κ and γ add).
type Sum []Deflector

// Deflect returns the summed deflection.
func (s Sum) Deflect(x, y float64) (ax, ay float64) {
	for _, d := range s {
		dx, dy := d.Deflect(x, y)
		ax += dx
		ay += dy
	}
	return ax, ay
}

// Potential returns the summed potential.
func (s Sum) Potential(x, y float64) float64 {
	var p float64
	for _, d := range s {
		p += d.Potential(x, y)
	}
	return p
}

// LensAt returns the summed κ and γ.
func (s Sum) LensAt(x, y float64) Lens {
	var l Lens
	for _, d := range s {
		l = l.Add(d.LensAt(x, y))
	}
	return l
}

// SIS is a singular isothermal sphere of Einstein radius ThetaE (arcsec)
// centred at (X0, Y0):
//
//	κ = θ_E/(2θ),  ψ = θ_E θ,  α = θ_E θ̂,  γ = −κ (cos 2φ, sin 2φ),
//
// so μ = θ/(θ − θ_E). A point source at β < θ_E has images at β + θ_E and
// β − θ_E with magnifications 1 + θ_E/β and 1 − θ_E/β.
type SIS struct {
	ThetaE, X0, Y0 float64
}

// NewSIS returns an SIS of Einstein radius thetaE > 0 arcsec at the origin.
func NewSIS(thetaE float64) (*SIS, error) {
	if err := checkPositive("Einstein radius", thetaE); err != nil {
		return nil, err
	}
	return &SIS{ThetaE: thetaE}, nil
}

// Deflect returns α in arcsec.
func (s *SIS) Deflect(x, y float64) (ax, ay float64) {
	dx, dy := x-s.X0, y-s.Y0
	r := math.Hypot(dx, dy)
	if r == 0 {
		return 0, 0
	}
	return s.ThetaE * dx / r, s.ThetaE * dy / r
}

// Potential returns ψ in arcsec².
func (s *SIS) Potential(x, y float64) float64 {
	return s.ThetaE * math.Hypot(x-s.X0, y-s.Y0)
}

// LensAt returns κ and γ.
func (s *SIS) LensAt(x, y float64) Lens {
	dx, dy := x-s.X0, y-s.Y0
	return isothermalLens(s.ThetaE/(2*math.Hypot(dx, dy)), dx, dy)
}

// isothermalLens returns the Lens of any isothermal profile (ψ of degree 1
// in θ) from its convergence: |γ| = κ, tangential, so
// γ1 = −κ cos 2φ, γ2 = −κ sin 2φ with φ the polar angle of (dx, dy).
func isothermalLens(kappa, dx, dy float64) Lens {
	g1, g2 := tangential(kappa, dx, dy)
	return Lens{kappa, g1, g2}
}

// SIE is a singular isothermal ellipsoid (Kormann, Schneider & Bartelmann
// 1994; Keeton 2001) of Einstein radius ThetaE (arcsec), axis ratio Q in
// (0, 1] and major-axis position angle PA (radians, counter-clockwise from
// +x), centred at (X0, Y0). In the frame (x', y') of its major axis:
//
//	κ = θ_E / (2 √(q x'² + y'²/q)),  ψ = x' α_x' + y' α_y',
//	α_x' = θ_E √q/√(1−q²) · arctan(√(1−q²) x'/ω),
//	α_y' = θ_E √q/√(1−q²) · artanh(√(1−q²) y'/ω),  ω = √(q² x'² + y'²).
//
// The normalisation keeps the mass inside the isodensity ellipse of area
// πθ_E² equal to that of the SIS of the same θ_E, to which it reduces at
// q = 1. Being isothermal, |γ| = κ and μ = 1/(1 − 2κ).
type SIE struct {
	ThetaE, Q, PA, X0, Y0 float64
}

// NewSIE returns an SIE at the origin; thetaE > 0 arcsec, q in (0, 1], pa in
// radians.
func NewSIE(thetaE, q, pa float64) (*SIE, error) {
	if err := checkPositive("Einstein radius", thetaE); err != nil {
		return nil, err
	}
	if !(q > 0 && q <= 1) {
		return nil, &RangeError{"q (axis ratio)", q, "(0, 1]"}
	}
	if err := checkFinite("position angle", pa); err != nil {
		return nil, err
	}
	return &SIE{ThetaE: thetaE, Q: q, PA: pa}, nil
}

// toFrame returns (x, y) relative to the centre in the major-axis frame,
// and the rotation's cosine and sine.
func (s *SIE) toFrame(x, y float64) (xp, yp, c, sn float64) {
	c, sn = math.Cos(s.PA), math.Sin(s.PA)
	dx, dy := x-s.X0, y-s.Y0
	return c*dx + sn*dy, -sn*dx + c*dy, c, sn
}

// Deflect returns α in arcsec.
func (s *SIE) Deflect(x, y float64) (ax, ay float64) {
	xp, yp, c, sn := s.toFrame(x, y)
	q := s.Q
	w := math.Sqrt(q*q*xp*xp + yp*yp)
	if w == 0 {
		return 0, 0
	}
	e2 := 1 - q*q
	b := s.ThetaE * math.Sqrt(q)
	var axp, ayp float64
	if e2 < 1e-6 {
		// Series in e² = 1 − q²: arctan(εu)/ε ≈ u − ε²u³/3, artanh(εv)/ε ≈ v + ε²v³/3.
		u, v := xp/w, yp/w
		axp = b * (u - e2*u*u*u/3)
		ayp = b * (v + e2*v*v*v/3)
	} else {
		e := math.Sqrt(e2)
		axp = b / e * math.Atan(e*xp/w)
		ayp = b / e * math.Atanh(e*yp/w)
	}
	return c*axp - sn*ayp, sn*axp + c*ayp
}

// Potential returns ψ = θ·α in arcsec² (ψ is homogeneous of degree 1).
func (s *SIE) Potential(x, y float64) float64 {
	ax, ay := s.Deflect(x, y)
	return (x-s.X0)*ax + (y-s.Y0)*ay
}

// LensAt returns κ and γ.
func (s *SIE) LensAt(x, y float64) Lens {
	xp, yp, _, _ := s.toFrame(x, y)
	k := s.ThetaE / (2 * math.Sqrt(s.Q*xp*xp+yp*yp/s.Q))
	return isothermalLens(k, x-s.X0, y-s.Y0)
}

// ExternalShear is a uniform tidal shear (γ1, γ2) from the lens environment:
//
//	ψ = γ1 (x² − y²)/2 + γ2 x y,  α = (γ1 x + γ2 y, γ2 x − γ1 y),  κ = 0,
//
// with (x, y) measured from (X0, Y0) arcsec.
type ExternalShear struct {
	Gamma1, Gamma2, X0, Y0 float64
}

// NewExternalShear returns an external shear; |γ| must be below 1.
func NewExternalShear(g1, g2 float64) (*ExternalShear, error) {
	if err := checkShear("external shear gamma", g1, g2); err != nil {
		return nil, err
	}
	return &ExternalShear{Gamma1: g1, Gamma2: g2}, nil
}

// Deflect returns α in arcsec.
func (e *ExternalShear) Deflect(x, y float64) (ax, ay float64) {
	dx, dy := x-e.X0, y-e.Y0
	return e.Gamma1*dx + e.Gamma2*dy, e.Gamma2*dx - e.Gamma1*dy
}

// Potential returns ψ in arcsec².
func (e *ExternalShear) Potential(x, y float64) float64 {
	dx, dy := x-e.X0, y-e.Y0
	return e.Gamma1*(dx*dx-dy*dy)/2 + e.Gamma2*dx*dy
}

// LensAt returns κ = 0 and the constant γ.
func (e *ExternalShear) LensAt(x, y float64) Lens { return Lens{0, e.Gamma1, e.Gamma2} }
