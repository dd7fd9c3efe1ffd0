package profile

import (
	"math"
	"sync"
)

// logSpline is a natural cubic spline of y on a uniform grid in ln(u),
// used for tabulated radial functions (Fourier transforms of Sérsic and
// Moffat profiles, the Kolmogorov surface brightness).
//
// Below the grid, y = y(0) - (y(0)-y0)·(u/u0)^lowPow when oneAtZero is set
// (a transform that tends to y(0)=1), else the first value. Above the grid,
// y = yN·(u/uN)^highPow, or 0 when highZero is set.
type logSpline struct {
	lnU0, dlnU   float64
	u0, uN       float64
	y, y2        []float64
	oneAtZero    bool
	lowPow       float64
	highZero     bool
	highPow      float64
	lnLast, invH float64
}

func newLogSpline(lnU0, dlnU float64, y []float64) *logSpline {
	n := len(y)
	s := &logSpline{lnU0: lnU0, dlnU: dlnU, y: y, y2: make([]float64, n)}
	s.u0 = math.Exp(lnU0)
	s.lnLast = lnU0 + float64(n-1)*dlnU
	s.uN = math.Exp(s.lnLast)
	s.invH = 1 / dlnU
	// Natural spline on a uniform grid: y2[i-1] + 4 y2[i] + y2[i+1] =
	// 6 (y[i+1] - 2y[i] + y[i-1]) / h², with y2[0] = y2[n-1] = 0.
	if n > 2 {
		c := make([]float64, n)
		d := make([]float64, n)
		h2 := dlnU * dlnU
		for i := 1; i < n-1; i++ {
			r := 6 * (y[i+1] - 2*y[i] + y[i-1]) / h2
			m := 4.0
			if i > 1 {
				m -= c[i-1]
				r -= d[i-1]
			}
			c[i] = 1 / m
			d[i] = r / m
		}
		for i := n - 2; i >= 1; i-- {
			s.y2[i] = d[i] - c[i]*s.y2[i+1]
		}
	}
	return s
}

// at evaluates the spline at u > 0.
func (s *logSpline) at(u float64) float64 {
	if u < s.u0 {
		if s.oneAtZero {
			return 1 - (1-s.y[0])*math.Pow(u/s.u0, s.lowPow)
		}
		return s.y[0]
	}
	if u >= s.uN {
		if s.highZero {
			return 0
		}
		return s.y[len(s.y)-1] * math.Pow(u/s.uN, s.highPow)
	}
	t := (math.Log(u) - s.lnU0) * s.invH
	i := int(t)
	if i >= len(s.y)-1 {
		i = len(s.y) - 2
	}
	b := t - float64(i)
	a := 1 - b
	h2 := s.dlnU * s.dlnU / 6
	return a*s.y[i] + b*s.y[i+1] + ((a*a*a-a)*s.y2[i]+(b*b*b-b)*s.y2[i+1])*h2
}

// Gauss–Legendre nodes and weights on [-1, 1].
var glX, glW = gaussLegendre(10)

func gaussLegendre(n int) (x, w []float64) {
	x = make([]float64, n)
	w = make([]float64, n)
	for i := 0; i < n; i++ {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, z
			for j := 2; j <= n; j++ {
				p0, p1 = p1, ((2*float64(j)-1)*z*p1-float64(j-1)*p0)/float64(j)
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		x[i] = z
		w[i] = 2 / ((1 - z*z) * dp * dp)
	}
	return x, w
}

// glSeg integrates g over [a, b] with the 10-point Gauss–Legendre rule.
func glSeg(g func(float64) float64, a, b float64) float64 {
	m, h := (a+b)/2, (b-a)/2
	var s float64
	for i, x := range glX {
		s += glW[i] * g(m+h*x)
	}
	return s * h
}

// hankel returns 2π ∫_0^R f(r) J0(k r) r dr, plus (when tail is set) the
// first two terms of the asymptotic expansion of the rest of the integral,
// ∫_R^∞ f J0 r dr ≈ -R f(R) J1(kR)/k - R f'(R) J0(kR)/k², so that R may be
// cut where f is small but not negligible. The range is cut into
// Gauss–Legendre segments: geometric ones shrinking toward r = 0 (so cusps
// are integrated accurately), then segments no wider than a period of J0
// nor a quarter of their own radius.
func hankel(f func(float64) float64, k, R float64, tail bool) float64 {
	g := func(r float64) float64 { return f(r) * math.J0(k*r) * r }
	hOsc := math.Inf(1)
	if k > 0 {
		hOsc = 2 * math.Pi / k
	}
	r1 := math.Min(math.Min(hOsc/2, R), 1e-2)
	var s float64
	// Geometric segments in [r1·2^-50, r1].
	hi := r1
	for j := 0; j < 50; j++ {
		lo := hi / 2
		s += glSeg(g, lo, hi)
		hi = lo
	}
	r := r1
	for r < R {
		h := math.Min(hOsc, math.Max(0.25*r, 1e-3))
		b := math.Min(r+h, R)
		s += glSeg(g, r, b)
		r = b
	}
	if tail && k*R > 20 { // the expansion holds for kR >> 1
		fr := f(R)
		d := 1e-4 * R
		fp := (f(R+d) - f(R-d)) / (2 * d)
		s += -R*fr*math.J1(k*R)/k - R*fp*math.J0(k*R)/(k*k)
	}
	return 2 * math.Pi * s
}

// kTable tabulates the Hankel transform F(k) of a unit-flux radial profile
// f on perDecade points per decade from kMin until |F| < 1e-10 or kCap is
// reached. rMax(k) gives the integration limit at k.
func kTable(f func(float64) float64, rMax func(k float64) float64, kMin, kCap float64, truncated bool, perDecade float64) *logSpline {
	dln := math.Ln10 / perDecade
	var y []float64
	small := 0
	lnk := math.Log(kMin)
	for {
		k := math.Exp(lnk + float64(len(y))*dln)
		v := hankel(f, k, rMax(k), !truncated)
		y = append(y, v)
		if math.Abs(v) < 1e-10 {
			small++
		} else {
			small = 0
		}
		if small >= 4 || k >= kCap {
			break
		}
	}
	s := newLogSpline(lnk, dln, y)
	s.oneAtZero = true
	s.lowPow = 2
	if len(y) > 1 && 1-y[0] > 0 && 1-y[1] > 0 {
		s.lowPow = math.Log((1-y[1])/(1-y[0])) / dln
	}
	n := len(y)
	if small >= 4 {
		s.highZero = true
	} else if y[n-1] != 0 && y[n-2]/y[n-1] > 0 {
		s.highPow = math.Log(y[n-1]/y[n-2]) / dln
	} else {
		s.highZero = true
	}
	return s
}

// kMaxOf returns the largest tabulated k with |F(k)| >= thr, scanning the
// table (and its power-law tail) from above.
func (s *logSpline) kMaxOf(thr float64) float64 {
	n := len(s.y)
	if !s.highZero && math.Abs(s.y[n-1]) >= thr && s.highPow < 0 {
		return s.uN * math.Pow(thr/math.Abs(s.y[n-1]), 1/s.highPow)
	}
	for i := n - 1; i >= 0; i-- {
		if math.Abs(s.y[i]) >= thr {
			if i == n-1 {
				return s.uN
			}
			return math.Exp(s.lnU0 + float64(i+1)*s.dlnU)
		}
	}
	return s.u0
}

// tableCache memoises tables by a key (profile kind and parameters): they
// cost 10-300 ms to build and every stamp of a survey reuses them.
var tableCache sync.Map

type tableKey struct {
	kind string
	a, b float64
}

func cachedTable(key tableKey, build func() *logSpline) *logSpline {
	if v, ok := tableCache.Load(key); ok {
		return v.(*logSpline)
	}
	t := build()
	v, _ := tableCache.LoadOrStore(key, t)
	return v.(*logSpline)
}

// bisect finds x in [lo, hi] where f changes sign (f(lo) and f(hi) of
// opposite signs), to relative precision 1e-12.
func bisect(f func(float64) float64, lo, hi float64) float64 {
	flo := f(lo)
	for i := 0; i < 200 && hi-lo > 1e-13*math.Abs(hi); i++ {
		m := (lo + hi) / 2
		fm := f(m)
		if (fm > 0) == (flo > 0) {
			lo, flo = m, fm
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}
