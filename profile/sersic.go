package profile

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// Sérsic index range: below 0.3 and above 6.2 the transforms are neither
// well-behaved nor astrophysically useful (GalSim's range).
const (
	SersicNMin = 0.3
	SersicNMax = 6.2
)

// SersicOptions describes a Sérsic profile. Give exactly one of HLR and
// ScaleRadius (arcsec).
type SersicOptions struct {
	N           float64 // Sérsic index, 0.3 <= N <= 6.2
	HLR         float64 // half-light radius, arcsec (of the truncated profile when Trunc > 0)
	ScaleRadius float64 // scale radius r0, arcsec: I ∝ exp(-(r/r0)^(1/n))
	Trunc       float64 // truncation radius, arcsec; 0 for none
	Flux        float64 // total flux (inside Trunc when truncated)
}

// sersicShape is exp(-b r^(1/n)) normalised to unit flux inside t (t = 0:
// untruncated), r in units of the untruncated half-light radius.
type sersicShape struct {
	n, invN, b, t, norm float64
	rFlux               float64
	once                sync.Once
	tab                 *logSpline
}

// perDecade is the table density: transforms of small-n profiles fall
// like Gaussians or faster, steeply in ln k, and need more points.
func (s *sersicShape) perDecade() float64 {
	return math.Min(40*math.Max(1, 1/(s.n*s.n)), 400)
}

// table returns the transform table, building it on first use.
func (s *sersicShape) table() *logSpline {
	s.once.Do(func() {
		s.tab = cachedTable(tableKey{"sersic", s.n, s.t}, func() *logSpline {
			return kTable(s.x, func(k float64) float64 { return cutRadius(s.x, k, s.rFlux, s.t > 0) }, 1e-3, 300, s.t > 0, s.perDecade())
		})
	})
	return s.tab
}

func (s *sersicShape) x(r float64) float64 {
	if s.t > 0 && r > s.t {
		return 0
	}
	return s.norm * math.Exp(-s.b*math.Pow(r, s.invN))
}
func (s *sersicShape) k(k float64) float64      { return s.table().at(k) }
func (s *sersicShape) maxK(thr float64) float64 { return s.table().kMaxOf(thr) }
func (s *sersicShape) edge() float64            { return s.t }
func (s *sersicShape) stepR(thr float64) float64 {
	r := math.Pow(mathext.GammaIncRegCompInv(2*s.n, thr)/s.b, s.n)
	if s.t > 0 && s.t < r {
		return s.t
	}
	return r
}

// sersicB returns b(n), the constant making r = 1 the half-light radius of
// exp(-b r^(1/n)): P(2n, b) = 1/2.
func sersicB(n float64) float64 { return mathext.GammaIncRegInv(2*n, 0.5) }

func newSersicShape(n, t float64) *sersicShape {
	s := &sersicShape{n: n, invN: 1 / n, b: sersicB(n), t: t}
	flux := 2 * math.Pi * n * math.Gamma(2*n) / math.Pow(s.b, 2*n)
	rFlux := math.Pow(mathext.GammaIncRegCompInv(2*n, 1e-12)/s.b, n)
	if t > 0 {
		flux *= mathext.GammaIncReg(2*n, s.b*math.Pow(t, s.invN))
		rFlux = math.Min(rFlux, t)
	}
	s.norm = 1 / flux
	s.rFlux = rFlux
	return s
}

// cutRadius is the upper limit of a Hankel integral at k: rFlux for a
// truncated profile or small k, else the radius beyond which the boundary
// term 2π R f(R)/k of the truncated integral is below 1e-10.
func cutRadius(f func(float64) float64, k, rFlux float64, truncated bool) float64 {
	if truncated || k <= 0 {
		return rFlux
	}
	h := func(r float64) float64 { return 2*math.Pi*r*f(r)/k - 1e-8 }
	lo := math.Min(30/k, rFlux)
	if h(lo) <= 0 {
		return lo
	}
	if h(rFlux) > 0 {
		return rFlux
	}
	return bisect(h, lo, rFlux)
}

// Sersic returns the untruncated Sérsic profile of index n and half-light
// radius hlr arcsec; see NewSersic.
func Sersic(n, hlr, flux float64) (Profile, error) {
	return NewSersic(SersicOptions{N: n, HLR: hlr, Flux: flux})
}

// DeVaucouleurs returns the de Vaucouleurs profile, Sérsic n = 4, of
// half-light radius hlr arcsec.
func DeVaucouleurs(hlr, flux float64) (Profile, error) { return Sersic(4, hlr, flux) }

// NewSersic returns the Sérsic profile
//
//	I(r) = I0 · exp(-b_n (r/r_e)^(1/n)),   r < Trunc (when Trunc > 0),
//
// where b_n solves P(2n, b_n) = 1/2 (P the regularised lower incomplete
// gamma function), so that r_e is the half-light radius of the untruncated
// profile, and I0 makes the flux inside Trunc equal Flux:
// I0 = Flux · b^(2n) / (2π n Γ(2n) r_e² P(2n, b (Trunc/r_e)^(1/n))).
// With Trunc and HLR both given, HLR is the half-light radius of the
// truncated profile (GalSim's default) and needs Trunc > √2·HLR.
//
// Its Fourier transform is the Hankel transform of I(r), tabulated once
// per (n, truncation) by Gauss–Legendre quadrature over half-periods of J0
// (40 to 400 points per decade of k, cubic spline in ln k, power-law tail beyond
// k·r_e = 300).
func NewSersic(o SersicOptions) (Profile, error) {
	const name = "sersic"
	if math.IsNaN(o.N) || o.N < SersicNMin || o.N > SersicNMax {
		return nil, &RangeError{name, "n", o.N, fmt.Sprintf("[%g, %g]", SersicNMin, SersicNMax)}
	}
	if err := checkFinite(name, "flux", o.Flux); err != nil {
		return nil, err
	}
	if (o.HLR != 0) == (o.ScaleRadius != 0) {
		return nil, fmt.Errorf("profile: sersic: give exactly one of hlr and scale_radius (got hlr=%g, scale_radius=%g)", o.HLR, o.ScaleRadius)
	}
	if o.Trunc != 0 {
		if err := checkPositive(name, "trunc", o.Trunc); err != nil {
			return nil, err
		}
	}
	b := sersicB(o.N)
	var re float64 // half-light radius of the untruncated profile
	switch {
	case o.ScaleRadius != 0:
		if err := checkPositive(name, "scale_radius", o.ScaleRadius); err != nil {
			return nil, err
		}
		re = o.ScaleRadius * math.Pow(b, o.N)
	case o.Trunc == 0:
		if err := checkPositive(name, "hlr", o.HLR); err != nil {
			return nil, err
		}
		re = o.HLR
	default:
		if err := checkPositive(name, "hlr", o.HLR); err != nil {
			return nil, err
		}
		if o.Trunc <= math.Sqrt2*o.HLR {
			return nil, &RangeError{name, "trunc", o.Trunc, fmt.Sprintf("(√2·hlr = %g, +Inf) for hlr = %g", math.Sqrt2*o.HLR, o.HLR)}
		}
		// Solve P(2n, b (h/re)^(1/n)) = P(2n, b (t/re)^(1/n)) / 2 for re,
		// in ln re.
		g := func(lnRe float64) float64 {
			r := math.Exp(lnRe)
			return mathext.GammaIncReg(2*o.N, b*math.Pow(o.HLR/r, 1/o.N)) -
				0.5*mathext.GammaIncReg(2*o.N, b*math.Pow(o.Trunc/r, 1/o.N))
		}
		re = math.Exp(bisect(g, math.Log(o.HLR)-5, math.Log(o.HLR)+40))
	}
	t := 0.0
	if o.Trunc > 0 {
		t = o.Trunc / re
	}
	return newRadial(o.Flux, re, newSersicShape(o.N, t)), nil
}
