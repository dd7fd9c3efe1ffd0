package profile

import (
	"fmt"
	"math"
	"math/cmplx"
)

// transformed is p seen through x_world = A·x_profile + shift, with its
// flux multiplied by fluxScale:
//
//	I'(x) = fluxScale/|det A| · I(A⁻¹(x - shift)),
//	F'(k) = fluxScale · F(Aᵀk) · exp(-i k·shift).
type transformed struct {
	p         Profile
	a, inv    [4]float64 // row-major A and A⁻¹
	det       float64
	dx, dy    float64
	fluxScale float64
	zeroShift bool
	innerFlux float64
	minSV     float64 // smallest singular value of A
	maxSV     float64 // largest singular value of A
}

// newTransformed composes a transform with p, merging nested transforms.
func newTransformed(p Profile, a [4]float64, dx, dy, fluxScale float64) Profile {
	if t, ok := p.(*transformed); ok {
		// x = A (A_t y + s_t) + s = (A A_t) y + (A s_t + s).
		b := t.a
		m := [4]float64{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3]}
		sx := a[0]*t.dx + a[1]*t.dy + dx
		sy := a[2]*t.dx + a[3]*t.dy + dy
		return newTransformed(t.p, m, sx, sy, fluxScale*t.fluxScale)
	}
	det := a[0]*a[3] - a[1]*a[2]
	t := &transformed{p: p, a: a, det: det, dx: dx, dy: dy, fluxScale: fluxScale}
	t.inv = [4]float64{a[3] / det, -a[1] / det, -a[2] / det, a[0] / det}
	t.zeroShift = dx == 0 && dy == 0
	t.innerFlux = p.Flux()
	t.maxSV = maxSV(a)
	t.minSV = math.Abs(det) / t.maxSV
	return t
}

func (t *transformed) Flux() float64 { return t.fluxScale * t.innerFlux }

func (t *transformed) XValue(x, y float64) float64 {
	x -= t.dx
	y -= t.dy
	u := t.inv[0]*x + t.inv[1]*y
	v := t.inv[2]*x + t.inv[3]*y
	return t.fluxScale / math.Abs(t.det) * t.p.XValue(u, v)
}

func (t *transformed) KValue(kx, ky float64) complex128 {
	// Aᵀk
	u := t.a[0]*kx + t.a[2]*ky
	v := t.a[1]*kx + t.a[3]*ky
	f := t.p.KValue(u, v) * complex(t.fluxScale, 0)
	if t.zeroShift {
		return f
	}
	return f * cmplx.Rect(1, -(kx*t.dx+ky*t.dy))
}

func (t *transformed) MaxK() float64  { return t.maxK(&DefaultAccuracy) }
func (t *transformed) StepK() float64 { return t.stepK(&DefaultAccuracy) }

// maxK: |Aᵀk| >= minSV·|k|, so F' is below threshold beyond maxK/minSV.
func (t *transformed) maxK(acc *Accuracy) float64 { return maxKOf(t.p, acc) / t.minSV }

// stepK: the profile extends to maxSV·R, plus the shift.
func (t *transformed) stepK(acc *Accuracy) float64 {
	sk := stepKOf(t.p, acc)
	r := math.Pi / sk * t.maxSV
	r += math.Hypot(t.dx, t.dy)
	return math.Pi / r
}

func (t *transformed) analyticX() bool { return isAnalyticX(t.p) }

func (t *transformed) support() (ellipse, bool) {
	b, ok := t.p.(bounded)
	if !ok {
		return ellipse{}, false
	}
	e, ok := b.support()
	if !ok {
		return e, false
	}
	// |M (A⁻¹(x - shift) - c)| < t  =  |M A⁻¹ (x - (A c + shift))| < t.
	m, a := e.inv, t.inv
	inv := [4]float64{m[0]*a[0] + m[1]*a[2], m[0]*a[1] + m[1]*a[3], m[2]*a[0] + m[3]*a[2], m[2]*a[1] + m[3]*a[3]}
	cx := t.a[0]*e.cx + t.a[1]*e.cy + t.dx
	cy := t.a[2]*e.cx + t.a[3]*e.cy + t.dy
	return ellipse{inv: inv, cx: cx, cy: cy, t: e.t}, true
}

// shearMatrix returns the area-preserving distortion by reduced shear g:
// A = [[1+g1, g2], [g2, 1-g1]] / √(1-|g|²).
func shearMatrix(g1, g2 float64) ([4]float64, error) {
	for _, c := range []struct {
		n string
		v float64
	}{{"g1", g1}, {"g2", g2}} {
		if err := checkFinite("shear", c.n, c.v); err != nil {
			return [4]float64{}, err
		}
	}
	g := math.Hypot(g1, g2)
	if g >= 1 {
		return [4]float64{}, &RangeError{"shear", "|g|", g, "[0, 1): reduced shear must have |g| < 1"}
	}
	f := 1 / math.Sqrt(1-g*g)
	return [4]float64{f * (1 + g1), f * g2, f * g2, f * (1 - g1)}, nil
}

// Shear applies the reduced shear (g1, g2), |g| < 1: an area- and
// flux-preserving distortion stretching along x for g1 > 0 and along
// the x = y diagonal for g2 > 0 (a circle becomes an ellipse of axis ratio
// (1-|g|)/(1+|g|)).
func Shear(p Profile, g1, g2 float64) (Profile, error) {
	a, err := shearMatrix(g1, g2)
	if err != nil {
		return nil, err
	}
	return newTransformed(p, a, 0, 0, 1), nil
}

// Rotate turns p counter-clockwise by theta radians.
func Rotate(p Profile, theta float64) (Profile, error) {
	if err := checkFinite("rotate", "theta", theta); err != nil {
		return nil, err
	}
	s, c := math.Sincos(theta)
	return newTransformed(p, [4]float64{c, -s, s, c}, 0, 0, 1), nil
}

// Magnify applies a lensing magnification mu > 0: sizes grow by √mu at
// fixed surface brightness, so the flux is multiplied by mu.
func Magnify(p Profile, mu float64) (Profile, error) {
	if err := checkPositive("magnify", "mu", mu); err != nil {
		return nil, err
	}
	s := math.Sqrt(mu)
	return newTransformed(p, [4]float64{s, 0, 0, s}, 0, 0, mu), nil
}

// Dilate scales sizes by scale > 0 at fixed total flux.
func Dilate(p Profile, scale float64) (Profile, error) {
	if err := checkPositive("dilate", "scale", scale); err != nil {
		return nil, err
	}
	return newTransformed(p, [4]float64{scale, 0, 0, scale}, 0, 0, 1), nil
}

// Shift moves p by (dx, dy) arcsec.
func Shift(p Profile, dx, dy float64) (Profile, error) {
	if err := checkFinite("shift", "dx", dx); err != nil {
		return nil, err
	}
	if err := checkFinite("shift", "dy", dy); err != nil {
		return nil, err
	}
	return newTransformed(p, [4]float64{1, 0, 0, 1}, dx, dy, 1), nil
}

// ScaleFlux multiplies the flux of p by factor.
func ScaleFlux(p Profile, factor float64) (Profile, error) {
	if err := checkFinite("scale_flux", "factor", factor); err != nil {
		return nil, err
	}
	return newTransformed(p, [4]float64{1, 0, 0, 1}, 0, 0, factor), nil
}

// Transform maps p through the Jacobian jac = [dudx, dudy, dvdx, dvdy]
// (row-major, x_world = jac·x_profile) at fixed surface brightness, so the
// flux is multiplied by |det jac|, which must be non-zero.
func Transform(p Profile, jac [4]float64) (Profile, error) {
	for i, v := range jac {
		if err := checkFinite("transform", fmt.Sprintf("jac[%d]", i), v); err != nil {
			return nil, err
		}
	}
	det := jac[0]*jac[3] - jac[1]*jac[2]
	if det == 0 {
		return nil, &RangeError{"transform", "det(jac)", det, "non-zero values (a singular Jacobian)"}
	}
	return newTransformed(p, jac, 0, 0, math.Abs(det)), nil
}
