package profile

import "math"

// ellipse is the region |inv·(x - c)| < t outside which a truncated
// profile vanishes.
type ellipse struct {
	inv    [4]float64
	cx, cy float64
	t      float64
}

// bounded is implemented by profiles that may have a hard outer edge.
type bounded interface {
	support() (ellipse, bool)
}

// maxSV is the largest singular value of a 2x2 matrix.
func maxSV(m [4]float64) float64 {
	s := m[0]*m[0] + m[1]*m[1] + m[2]*m[2] + m[3]*m[3]
	det := m[0]*m[3] - m[1]*m[2]
	return math.Sqrt((s + math.Sqrt(math.Max(s*s-4*det*det, 0))) / 2)
}

// yRange returns the interval of y inside the ellipse at abscissa x, and
// false when the line misses it.
func (e *ellipse) yRange(x float64) (lo, hi float64, ok bool) {
	m := e.inv
	d := x - e.cx
	a := m[1]*m[1] + m[3]*m[3]
	b := d * (m[0]*m[1] + m[2]*m[3])
	c := d*d*(m[0]*m[0]+m[2]*m[2]) - e.t*e.t
	disc := b*b - a*c
	if disc <= 0 || a == 0 {
		return 0, 0, false
	}
	r := math.Sqrt(disc)
	return e.cy + (-b-r)/a, e.cy + (-b+r)/a, true
}

// gk15 integrates g over [a, b] to absolute tolerance tol with the
// Gauss–Kronrod 7/15 pair and recursive bisection.
func gk15(g func(float64) float64, a, b, tol float64, depth int) float64 {
	m, h := (a+b)/2, (b-a)/2
	var k, gs float64
	for i, x := range gk15X {
		var f float64
		if x == 0 {
			f = g(m)
		} else {
			f = g(m-h*x) + g(m+h*x)
		}
		k += gk15WK[i] * f
		gs += gk15WG[i] * f
	}
	k *= h
	gs *= h
	if math.Abs(k-gs) <= tol || depth >= 30 {
		return k
	}
	return gk15(g, a, m, tol/2, depth+1) + gk15(g, m, b, tol/2, depth+1)
}

var (
	gk15X = []float64{0.991455371120812639, 0.949107912342758525, 0.864864423359769073,
		0.741531185599394440, 0.586087235467691130, 0.405845151377397167,
		0.207784955007898468, 0}
	gk15WK = []float64{0.022935322010529225, 0.063092092629978553, 0.104790010322250184,
		0.140653259715525919, 0.169004726639267903, 0.190350578064785410,
		0.204432940075298892, 0.209482141084727828}
	gk15WG = []float64{0, 0.129484966168869693, 0, 0.279705391489276668, 0,
		0.381830050505118945, 0, 0.417959183673469388}
)

// clippedPixel integrates f over the part of the square [x0-h, x0+h] ×
// [y0-h, y0+h] inside the ellipse e: the inner integral runs between the
// ellipse's boundaries, so the hard edge never falls inside a quadrature
// panel.
func clippedPixel(f func(x, y float64) float64, e *ellipse, x0, y0, h, tol float64) float64 {
	inner := func(x float64) float64 {
		lo, hi, ok := e.yRange(x)
		if !ok {
			return 0
		}
		lo = math.Max(lo, y0-h)
		hi = math.Min(hi, y0+h)
		if hi <= lo {
			return 0
		}
		return gk15(func(y float64) float64 { return f(x, y) }, lo, hi, tol/(8*h), 0)
	}
	return gk15(inner, x0-h, x0+h, tol/2, 0)
}
