package profile

import (
	"fmt"
	"math"
)

// Profile is a surface-brightness distribution on the sky with a total flux.
type Profile interface {
	// Flux is the total flux (the integral of the surface brightness).
	Flux() float64
	// XValue is the surface brightness at (x, y) arcsec from the origin, in
	// flux per arcsec².
	XValue(x, y float64) float64
	// KValue is the Fourier transform at (kx, ky) rad/arcsec; KValue(0,0)
	// equals Flux().
	KValue(kx, ky float64) complex128
	// MaxK is the wavenumber (rad/arcsec) beyond which |KValue| stays below
	// DefaultAccuracy.MaxKThreshold times the flux.
	MaxK() float64
	// StepK is π/R (rad/arcsec), R the radius enclosing all but
	// DefaultAccuracy.FoldingThreshold of the flux.
	StepK() float64
}

// Accuracy holds the numerical knobs of profile construction and drawing,
// like GalSim's GSParams. The zero value of a field means its default.
type Accuracy struct {
	// FoldingThreshold is the fraction of flux allowed outside the FFT
	// box (sets StepK and the FFT size). Default 2e-3 (GalSim 5e-3).
	FoldingThreshold float64
	// MaxKThreshold is |F(k)|/flux below which Fourier modes are dropped
	// (sets MaxK). Default 1e-4 (GalSim 1e-3).
	MaxKThreshold float64
	// RealSpaceRelErr is the per-pixel tolerance of real-space pixel
	// integration, relative to the peak pixel. Default 1e-7.
	RealSpaceRelErr float64
	// MaximumFFTSize is the largest FFT side Draw will use (galforge's
	// rule). Default 4096 (a 128 MiB half-plane complex grid).
	MaximumFFTSize int
}

// DefaultAccuracy is the Accuracy used when none is given.
var DefaultAccuracy = Accuracy{
	FoldingThreshold: 2e-3,
	MaxKThreshold:    1e-4,
	RealSpaceRelErr:  1e-7,
	MaximumFFTSize:   4096,
}

// check reports a NaN, infinite or out-of-range field.
func (a *Accuracy) check() error {
	if a == nil {
		return nil
	}
	for _, f := range []struct {
		n string
		v float64
	}{{"FoldingThreshold", a.FoldingThreshold}, {"MaxKThreshold", a.MaxKThreshold}, {"RealSpaceRelErr", a.RealSpaceRelErr}} {
		if math.IsNaN(f.v) || f.v >= 1 || f.v < 0 {
			return &RangeError{"accuracy", f.n, f.v, "[0, 1) (0 for the default)"}
		}
	}
	if a.MaximumFFTSize < 0 {
		return &RangeError{"accuracy", "MaximumFFTSize", float64(a.MaximumFFTSize), "[0, +Inf) (0 for the default)"}
	}
	return nil
}

// withDefaults returns a copy of a with zero fields replaced by defaults.
func (a *Accuracy) withDefaults() *Accuracy {
	d := DefaultAccuracy
	if a == nil {
		return &d
	}
	r := *a
	if r.FoldingThreshold <= 0 {
		r.FoldingThreshold = d.FoldingThreshold
	}
	if r.MaxKThreshold <= 0 {
		r.MaxKThreshold = d.MaxKThreshold
	}
	if r.RealSpaceRelErr <= 0 {
		r.RealSpaceRelErr = d.RealSpaceRelErr
	}
	if r.MaximumFFTSize <= 0 {
		r.MaximumFFTSize = d.MaximumFFTSize
	}
	return &r
}

// RangeError reports a parameter outside its allowed range.
type RangeError struct {
	Profile string  // e.g. "sersic"
	Param   string  // e.g. "n"
	Value   float64 // the offending value
	Range   string  // the allowed range in words, e.g. "[0.3, 6.2]"
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("profile: %s: parameter %s = %g outside %s", e.Profile, e.Param, e.Value, e.Range)
}

// checkPositive returns a RangeError unless v is finite and > 0.
func checkPositive(prof, param string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return &RangeError{prof, param, v, "(0, +Inf): must be a positive finite number"}
	}
	return nil
}

// checkFinite returns a RangeError unless v is finite.
func checkFinite(prof, param string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &RangeError{prof, param, v, "finite numbers"}
	}
	return nil
}

// tuned is implemented by every profile of this package: MaxK and StepK
// under a given Accuracy rather than the default one.
type tuned interface {
	maxK(acc *Accuracy) float64
	stepK(acc *Accuracy) float64
}

// analyticX is implemented by profiles whose XValue is exact and cheap, so
// that they can be drawn in real space.
type analyticX interface {
	analyticX() bool
}

func maxKOf(p Profile, acc *Accuracy) float64 {
	if t, ok := p.(tuned); ok {
		return t.maxK(acc)
	}
	return p.MaxK()
}

func stepKOf(p Profile, acc *Accuracy) float64 {
	if t, ok := p.(tuned); ok {
		return t.stepK(acc)
	}
	return p.StepK()
}

func isAnalyticX(p Profile) bool {
	a, ok := p.(analyticX)
	return ok && a.analyticX()
}
