package profile

import (
	"fmt"
	"math"
	"sync"
)

// Interpolant is a 1-D interpolation kernel u(x), x in pixels, with unit
// integral, u(0) = 1 and u(n) = 0 at other integers; the 2-D kernel is
// u(x)·u(y).
type Interpolant interface {
	// X is the kernel at x pixels.
	X(x float64) float64
	// U is its Fourier transform at frequency u cycles per pixel:
	// ∫ u(x) exp(-2πi u x) dx.
	U(u float64) float64
	// Support is the half-width of the kernel in pixels.
	Support() int
	String() string
}

// Quintic is the piecewise fifth-order polynomial kernel of Bernstein &
// Gruen (2014), support [-3, 3], exact for polynomials up to fourth order.
type Quintic struct{}

func (Quintic) Support() int   { return 3 }
func (Quintic) String() string { return "quintic" }
func (Quintic) X(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x <= 1:
		return 1 + x*x*x*(-95.0/12+x*(23.0/2+x*(-55.0/12)))
	case x <= 2:
		return (x - 1) * (x - 2) * (-23.0/4 + x*(29.0/2+x*(-83.0/8+x*(55.0/24))))
	case x <= 3:
		return (x - 2) * (x - 3) * (x - 3) * (-9.0/4 + x*(25.0/12+x*(-11.0/24)))
	}
	return 0
}

// U of the quintic kernel in closed form: with s = sinc(πu), c = cos(πu),
// U = s⁵ (s (55 - 19π²u²) + 2c (π²u² - 27)).
func (Quintic) U(u float64) float64 {
	pu := math.Pi * u
	s := sinc(pu)
	c := math.Cos(pu)
	s2 := s * s
	p2 := pu * pu
	return s * s2 * s2 * (s*(55-19*p2) + 2*c*(p2-27))
}

// Lanczos is the kernel sinc(πx)·sinc(πx/N) for |x| < N. Its transform is
// tabulated numerically once per N.
type Lanczos struct{ N int }

func (l Lanczos) Support() int   { return l.N }
func (l Lanczos) String() string { return fmt.Sprintf("lanczos%d", l.N) }
func (l Lanczos) X(x float64) float64 {
	n := float64(l.N)
	if math.Abs(x) >= n {
		return 0
	}
	return sinc(math.Pi*x) * sinc(math.Pi*x/n)
}

var lanczosTabs sync.Map // int -> []float64

const lanczosDU, lanczosUMax = 1.0 / 512, 4.0

func (l Lanczos) U(u float64) float64 {
	u = math.Abs(u)
	if u >= lanczosUMax {
		return 0
	}
	v, ok := lanczosTabs.Load(l.N)
	if !ok {
		n := int(lanczosUMax/lanczosDU) + 2
		tab := make([]float64, n)
		for i := range tab {
			w := float64(i) * lanczosDU
			g := func(x float64) float64 { return l.X(x) * math.Cos(2*math.Pi*w*x) }
			var s float64
			for a := 0.0; a < float64(l.N); a += 0.125 {
				s += glSeg(g, a, a+0.125)
			}
			tab[i] = 2 * s
		}
		v, _ = lanczosTabs.LoadOrStore(l.N, tab)
	}
	tab := v.([]float64)
	t := u / lanczosDU
	i := int(t)
	f := t - float64(i)
	if i+1 >= len(tab) {
		return 0
	}
	return tab[i]*(1-f) + tab[i+1]*f
}

// maxU returns the frequency beyond which |U| stays below thr.
func maxU(in Interpolant, thr float64) float64 {
	for u := 8.0; u > 0; u -= 1.0 / 64 {
		if math.Abs(in.U(u)) >= thr {
			return u
		}
	}
	return 0.5
}
