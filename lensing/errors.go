package lensing

import (
	"fmt"
	"math"
)

// RangeError reports a parameter outside its allowed range.
type RangeError struct {
	Param string  // name of the parameter, e.g. "q" or "zs"
	Value float64 // the value given
	Range string  // the allowed range, e.g. "(0, 1]"
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("lensing: %s = %g is outside its allowed range %s", e.Param, e.Value, e.Range)
}

// StrongLensingError reports a position where the weak-lensing reduced shear
// is undefined because |g| >= 1 or κ >= 1 (inside or on a critical curve).
type StrongLensingError struct {
	X, Y      float64 // arcsec; NaN when not known
	Kappa     float64
	G1, G2, G float64 // reduced shear and its modulus
}

func (e *StrongLensingError) Error() string {
	at := ""
	if !math.IsNaN(e.X) {
		at = fmt.Sprintf(" at (%g, %g) arcsec", e.X, e.Y)
	}
	return fmt.Sprintf("lensing: reduced shear |g| = %.4g (g1 = %.4g, g2 = %.4g, kappa = %.4g)%s is in the strong-lensing regime; weak-lensing shear needs |g| < 1 and kappa < 1",
		e.G, e.G1, e.G2, e.Kappa, at)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkFinite returns a RangeError when v is NaN or infinite.
func checkFinite(param string, v float64) error {
	if !finite(v) {
		return &RangeError{param, v, "(finite)"}
	}
	return nil
}

// checkPositive returns a RangeError unless v is finite and > 0.
func checkPositive(param string, v float64) error {
	if !finite(v) || v <= 0 {
		return &RangeError{param, v, "(0, inf)"}
	}
	return nil
}

// checkShear returns a RangeError unless |(g1, g2)| < 1.
func checkShear(name string, g1, g2 float64) error {
	if err := checkFinite(name+"1", g1); err != nil {
		return err
	}
	if err := checkFinite(name+"2", g2); err != nil {
		return err
	}
	if g := math.Hypot(g1, g2); g >= 1 {
		return &RangeError{"|" + name + "|", g, "[0, 1)"}
	}
	return nil
}

func fmtG(v float64) string { return fmt.Sprintf("%g", v) }
