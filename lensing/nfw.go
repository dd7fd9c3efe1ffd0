package lensing

import "math"

// NFW is a Navarro–Frenk–White halo as a thin lens, after Bartelmann (1996)
// and Wright & Brainerd (2000). The 3-D density is
//
//	ρ(r) = δ_c ρ_c(z_l) / ((r/r_s)(1 + r/r_s)²),
//	δ_c = (200/3) c³ / (ln(1+c) − c/(1+c)),  r_s = r_200/c,
//	M_200c = (4π/3) 200 ρ_c(z_l) r_200³,
//
// and with x = θ/θ_s, θ_s = r_s/D_l, κ_s = δ_c ρ_c r_s/Σ_cr:
//
//	κ(x) = 2κ_s f(x),  f(x) = [1 − 2/√(1−x²) artanh √((1−x)/(1+x))]/(x²−1)  (x < 1),
//	                   f(x) = [1 − 2/√(x²−1) arctan √((x−1)/(x+1))]/(x²−1)  (x > 1), f(1) = 1/3;
//	κ̄(x) = 4κ_s h(x)/x²,  h(x) = ln(x/2) + 2/√(1−x²) artanh √((1−x)/(1+x))  (x < 1),
//	                      h(x) = ln(x/2) + 2/√(x²−1) arctan √((x−1)/(x+1))   (x > 1);
//	γ_t = κ̄ − κ,  α = κ̄ θ (radially inwards deflection of the source),
//	ψ = 2κ_s θ_s² [ln²(x/2) − arcosh²(1/x)] (x < 1), 2κ_s θ_s² [ln²(x/2) + arccos²(1/x)] (x > 1).
//
// The mass is M_200c in Msun (not Msun/h) relative to the critical density
// at the lens redshift. The halo centre is at (X0, Y0) arcsec: set them after
// NewNFW; the other fields record the construction and are read-only.
type NFW struct {
	M200c, Conc, Zl, Zs float64
	X0, Y0              float64 // centre in arcsec
	Cosmo               Cosmology

	thetaS float64 // scale radius in arcsec
	kappaS float64 // δ_c ρ_c r_s / Σ_cr
}

// NewNFW returns an NFW lens of mass m200c (Msun) and concentration conc at
// redshift zl, centred at the origin, for sources at zs > zl.
func NewNFW(m200c, conc, zl, zs float64, cosmo Cosmology) (*NFW, error) {
	if err := checkPositive("M200c", m200c); err != nil {
		return nil, err
	}
	if err := checkPositive("concentration", conc); err != nil {
		return nil, err
	}
	sc, err := cosmo.SigmaCrit(zl, zs)
	if err != nil {
		return nil, err
	}
	rhoc := cosmo.CriticalDensity(zl)
	r200 := math.Cbrt(3 * m200c / (4 * math.Pi * 200 * rhoc))
	rs := r200 / conc
	deltaC := 200.0 / 3 * conc * conc * conc / (math.Log1p(conc) - conc/(1+conc))
	return &NFW{
		M200c: m200c, Conc: conc, Zl: zl, Zs: zs, Cosmo: cosmo,
		thetaS: rs / cosmo.AngularDiameterDistance(zl) * arcsecPerRad,
		kappaS: deltaC * rhoc * rs / sc,
	}, nil
}

// ScaleRadius returns θ_s in arcsec.
func (h *NFW) ScaleRadius() float64 { return h.thetaS }

// KappaS returns κ_s = δ_c ρ_c r_s/Σ_cr.
func (h *NFW) KappaS() float64 { return h.kappaS }

// nfwArc returns the x-dependent term shared by f and h:
// 2/√(1−x²) artanh √((1−x)/(1+x)) for x < 1, 2/√(x²−1) arctan √((x−1)/(x+1))
// for x > 1, and 1 at x = 1.
func nfwArc(x float64) float64 {
	switch {
	case x < 1:
		return 2 / math.Sqrt((1-x)*(1+x)) * math.Atanh(math.Sqrt((1-x)/(1+x)))
	case x > 1:
		return 2 / math.Sqrt((x-1)*(x+1)) * math.Atan(math.Sqrt((x-1)/(x+1)))
	}
	return 1
}

// nfwF is f(x) with κ = 2κ_s f(x).
func nfwF(x float64) float64 {
	if d := x - 1; math.Abs(d) < 1e-5 {
		// Taylor series: the closed form loses digits to cancellation here.
		return 1.0/3 - 0.4*d
	}
	return (1 - nfwArc(x)) / ((x - 1) * (x + 1))
}

// nfwH is h(x) with κ̄ = 4κ_s h(x)/x².
func nfwH(x float64) float64 { return math.Log(x/2) + nfwArc(x) }

// Convergence returns κ at radius theta arcsec from the centre.
func (h *NFW) Convergence(theta float64) float64 {
	x := math.Abs(theta) / h.thetaS
	if x == 0 {
		return math.Inf(1)
	}
	return 2 * h.kappaS * nfwF(x)
}

// MeanConvergence returns κ̄, the mean convergence inside radius theta arcsec.
func (h *NFW) MeanConvergence(theta float64) float64 {
	x := math.Abs(theta) / h.thetaS
	if x < 1e-150 {
		return math.Inf(1)
	}
	return 4 * h.kappaS * nfwH(x) / (x * x)
}

// TangentialShear returns γ_t = κ̄ − κ at radius theta arcsec.
func (h *NFW) TangentialShear(theta float64) float64 {
	return h.MeanConvergence(theta) - h.Convergence(theta)
}

// LensAt returns κ and γ at (x, y) arcsec.
func (h *NFW) LensAt(x, y float64) Lens {
	dx, dy := x-h.X0, y-h.Y0
	t := math.Hypot(dx, dy)
	k := h.Convergence(t)
	if t == 0 {
		return Lens{Kappa: k}
	}
	g1, g2 := tangential(h.MeanConvergence(t)-k, dx, dy)
	return Lens{k, g1, g2}
}

// Deflect returns the deflection α = κ̄(θ) θ in arcsec at (x, y) arcsec.
func (h *NFW) Deflect(x, y float64) (ax, ay float64) {
	dx, dy := x-h.X0, y-h.Y0
	t := math.Hypot(dx, dy)
	xs := t / h.thetaS
	if xs < 1e-150 {
		return 0, 0
	}
	a := 4 * h.kappaS * h.thetaS * nfwH(xs) / xs // |α| in arcsec
	return a * dx / t, a * dy / t
}

// Potential returns the lensing potential ψ in arcsec² at (x, y) arcsec.
func (h *NFW) Potential(x, y float64) float64 {
	xs := math.Hypot(x-h.X0, y-h.Y0) / h.thetaS
	l := math.Log(xs / 2)
	var a float64
	switch {
	case xs < 1:
		a = -math.Pow(math.Acosh(1/xs), 2)
	case xs > 1:
		a = math.Pow(math.Acos(1/xs), 2)
	}
	return 2 * h.kappaS * h.thetaS * h.thetaS * (l*l + a)
}
