package profile

import (
	"fmt"
	"math"
	"sync"
)

// MoffatOptions describes a Moffat profile. Give exactly one of FWHM and
// ScaleRadius (arcsec).
type MoffatOptions struct {
	Beta        float64 // slope β > 1 (β > 0 when truncated)
	FWHM        float64 // full width at half maximum of the untruncated shape, arcsec
	ScaleRadius float64 // scale radius r_d, arcsec
	Trunc       float64 // truncation radius, arcsec; 0 for none
	Flux        float64 // total flux (inside Trunc when truncated)
}

// moffatShape is (1+r²)^(-β) normalised to unit flux inside t (t = 0:
// untruncated), r in units of the scale radius.
type moffatShape struct {
	beta, t, norm float64
	rFlux         float64
	once          sync.Once
	tab           *logSpline
}

// table returns the transform table, building it on first use.
func (s *moffatShape) table() *logSpline {
	s.once.Do(func() {
		s.tab = cachedTable(tableKey{"moffat", s.beta, s.t}, func() *logSpline {
			return kTable(s.x, func(k float64) float64 { return cutRadius(s.x, k, s.rFlux, s.t > 0) }, 1e-3, 1000, s.t > 0, 40)
		})
	})
	return s.tab
}

func (s *moffatShape) x(r float64) float64 {
	if s.t > 0 && r > s.t {
		return 0
	}
	return s.norm * math.Pow(1+r*r, -s.beta)
}
func (s *moffatShape) k(k float64) float64      { return s.table().at(k) }
func (s *moffatShape) maxK(thr float64) float64 { return s.table().kMaxOf(thr) }
func (s *moffatShape) edge() float64            { return s.t }
func (s *moffatShape) stepR(thr float64) float64 {
	// Flux outside R of the untruncated profile is (1+R²)^(1-β).
	r := math.Sqrt(math.Pow(thr, 1/(1-s.beta)) - 1)
	if s.t > 0 && (s.t < r || math.IsNaN(r) || math.IsInf(r, 0)) {
		return s.t
	}
	return r
}

// Moffat returns the untruncated Moffat profile of slope beta and FWHM
// arcsec; see NewMoffat.
func Moffat(beta, fwhm, flux float64) (Profile, error) {
	return NewMoffat(MoffatOptions{Beta: beta, FWHM: fwhm, Flux: flux})
}

// NewMoffat returns the Moffat profile
//
//	I(r) = I0 · (1 + (r/r_d)²)^(-β),   r < Trunc (when Trunc > 0),
//
// with FWHM = 2 r_d √(2^(1/β) - 1) and I0 = Flux (β-1) / (π r_d²
// (1 - (1 + Trunc²/r_d²)^(1-β))) so that the flux inside Trunc is Flux
// (untruncated: β > 1 for a finite flux). The FWHM is that of the
// untruncated shape. The Fourier transform is tabulated once per (β,
// Trunc/r_d) by the same Hankel quadrature as Sérsic.
func NewMoffat(o MoffatOptions) (Profile, error) {
	const name = "moffat"
	if err := checkFinite(name, "beta", o.Beta); err != nil {
		return nil, err
	}
	if err := checkFinite(name, "flux", o.Flux); err != nil {
		return nil, err
	}
	if o.Trunc != 0 {
		if err := checkPositive(name, "trunc", o.Trunc); err != nil {
			return nil, err
		}
		if o.Beta <= 0 {
			return nil, &RangeError{name, "beta", o.Beta, "(0, +Inf) when truncated"}
		}
	} else if o.Beta <= 1.1 {
		return nil, &RangeError{name, "beta", o.Beta, "(1.1, +Inf) without truncation (flux would diverge); give trunc"}
	}
	if o.Beta > 100 {
		return nil, &RangeError{name, "beta", o.Beta, "at most 100 (use a Gaussian)"}
	}
	if (o.FWHM != 0) == (o.ScaleRadius != 0) {
		return nil, fmt.Errorf("profile: moffat: give exactly one of fwhm and scale_radius (got fwhm=%g, scale_radius=%g)", o.FWHM, o.ScaleRadius)
	}
	rd := o.ScaleRadius
	if o.FWHM != 0 {
		if err := checkPositive(name, "fwhm", o.FWHM); err != nil {
			return nil, err
		}
		rd = o.FWHM / (2 * math.Sqrt(math.Pow(2, 1/o.Beta)-1))
	} else if err := checkPositive(name, "scale_radius", rd); err != nil {
		return nil, err
	}
	t := o.Trunc / rd
	s := &moffatShape{beta: o.Beta, t: t}
	flux := math.Pi / (o.Beta - 1)
	if t > 0 {
		if o.Beta == 1 {
			flux = math.Pi * math.Log1p(t*t)
		} else {
			flux *= 1 - math.Pow(1+t*t, 1-o.Beta)
		}
	}
	s.norm = 1 / flux
	rFlux := t
	if t == 0 {
		rFlux = math.Min(math.Sqrt(math.Pow(1e-12, 1/(1-o.Beta))), 1e5)
	}
	s.rFlux = rFlux
	return newRadial(o.Flux, rd, s), nil
}
