package profile

import "math"

// airyShape is the Airy pattern of an annular pupil (outer radius 1,
// inner radius eps), r in units of λ/D, normalised to unit flux.
type airyShape struct {
	eps, norm, area float64
}

func (s *airyShape) x(r float64) float64 {
	u := math.Pi * r
	if u < 1e-8 {
		return s.norm
	}
	a := 2 * math.J1(u) / u
	if s.eps > 0 {
		a -= s.eps * 2 * math.J1(s.eps*u) / u
	}
	a /= 1 - s.eps*s.eps
	return s.norm * a * a
}

// circleOverlap is the area common to discs of radii a and b whose centres
// are d apart.
func circleOverlap(a, b, d float64) float64 {
	if d >= a+b {
		return 0
	}
	if d <= math.Abs(a-b) {
		m := math.Min(a, b)
		return math.Pi * m * m
	}
	ca := (d*d + a*a - b*b) / (2 * d * a)
	cb := (d*d + b*b - a*a) / (2 * d * b)
	return a*a*math.Acos(ca) + b*b*math.Acos(cb) -
		0.5*math.Sqrt((-d+a+b)*(d+a-b)*(d-a+b)*(d+a+b))
}

// k is the pupil autocorrelation (the optical transfer function): the
// overlap of the annulus with itself shifted by d = k/π pupil radii, over
// the annulus area. It vanishes beyond k = 2π (in units of D/λ).
func (s *airyShape) k(k float64) float64 {
	d := k / math.Pi
	if d >= 2 {
		return 0
	}
	o := circleOverlap(1, 1, d)
	if s.eps > 0 {
		o += circleOverlap(s.eps, s.eps, d) - 2*circleOverlap(1, s.eps, d)
	}
	return o / s.area
}
func (s *airyShape) maxK(float64) float64 { return 2 * math.Pi }
func (s *airyShape) stepR(thr float64) float64 {
	// The flux outside R falls as 2/(π² R (1-ε)) in units of λ/D.
	return math.Max(2/(math.Pi*math.Pi*thr*(1-s.eps)), 5)
}
func (s *airyShape) edge() float64 { return 0 }

// Airy returns the diffraction pattern of a circular telescope pupil with
// a central obscuration (a fraction 0 <= obscuration < 1 of the diameter):
//
//	I(r) = I0 · [(2J1(u) - ε·2J1(εu)) / (u (1-ε²))]²,   u = π r / (λ/D),
//	I0 = Flux · π (1-ε²) / (4 (λ/D)²),
//
// lamOverD in arcsec. Its transform is the pupil autocorrelation, zero
// beyond k = 2π/(λ/D).
func Airy(lamOverD, obscuration, flux float64) (Profile, error) {
	const name = "airy"
	if err := checkPositive(name, "lod", lamOverD); err != nil {
		return nil, err
	}
	if !(obscuration >= 0 && obscuration < 1) {
		return nil, &RangeError{name, "obscuration", obscuration, "[0, 1)"}
	}
	if err := checkFinite(name, "flux", flux); err != nil {
		return nil, err
	}
	e2 := 1 - obscuration*obscuration
	s := &airyShape{eps: obscuration, norm: math.Pi * e2 / 4, area: math.Pi * e2}
	return newRadial(flux, lamOverD, s), nil
}
