package morph

import (
	"math"

	"github.com/galforge/galforge/pix"
	"gonum.org/v1/gonum/mathext"
)

// SersicB returns b_n, defined so that the Sérsic half-light radius holds
// half the flux: γ(2n, b_n) = Γ(2n)/2.
func SersicB(n float64) float64 { return mathext.GammaIncRegInv(2*n, 0.5) }

// SersicFit is a Sérsic profile fitted to an image:
//
//	I(r) = Ie exp(−b_n [(r/Re)^(1/n) − 1]),
//
// with r the circularised elliptical radius √(q u² + v²/q) about the centre
// along the major (u) and minor (v) axes, q = b/a and position angle Theta
// (radians, from +x toward +y).
type SersicFit struct {
	N, Re, Ie float64 // index, half-light radius (pixels), intensity at Re
	X, Y      float64 // centre, pixels
	Q, Theta  float64 // axis ratio and position angle
	Chi2      float64 // sum of squared residuals (counts²)
}

// FitSersic fits a Sérsic profile to the pixels of img within rmax of
// (xc, yc) (sampled at pixel centres, no PSF), with the centre and the
// elliptical geometry (q, theta) held fixed. Ie is solved linearly; n (in
// [0.3, 8]) and Re by Nelder–Mead on the squared residuals.
func FitSersic(img *pix.Image, xc, yc, q, theta, rmax, reGuess float64) SersicFit {
	c, s := math.Cos(theta), math.Sin(theta)
	// Pixels nearer than 4 px enter one by one; farther ones are averaged
	// in 0.25-px rings of elliptical radius (weights = pixel counts).
	const rIndiv, dr = 4.0, 0.25
	var rs, vs, ws []float64
	nb := int(math.Ceil(rmax/dr)) + 1
	br, bv, bw := make([]float64, nb), make([]float64, nb), make([]float64, nb)
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			dx, dy := float64(x)-xc, float64(y)-yc
			u, v := dx*c+dy*s, -dx*s+dy*c
			r := math.Sqrt(q*u*u + v*v/q)
			switch {
			case r > rmax:
			case r < rIndiv:
				rs, vs, ws = append(rs, r), append(vs, img.At(x, y)), append(ws, 1)
			default:
				i := int(r / dr)
				br[i] += r
				bv[i] += img.At(x, y)
				bw[i]++
			}
		}
	}
	for i := range bw {
		if bw[i] > 0 {
			rs, vs, ws = append(rs, br[i]/bw[i]), append(vs, bv[i]/bw[i]), append(ws, bw[i])
		}
	}
	model := make([]float64, len(rs))
	eval := func(p []float64) (chi2, ie float64) {
		re, n := math.Exp(p[0]), math.Exp(p[1])
		if n < 0.3 || n > 8 || re <= 0 {
			return math.Inf(1), 0
		}
		b := SersicB(n)
		mm, mv := 0.0, 0.0
		for i, r := range rs {
			model[i] = math.Exp(-b * (math.Pow(r/re, 1/n) - 1))
			mm += ws[i] * model[i] * model[i]
			mv += ws[i] * model[i] * vs[i]
		}
		if mm == 0 {
			return math.Inf(1), 0
		}
		ie = mv / mm
		for i := range rs {
			d := vs[i] - ie*model[i]
			chi2 += ws[i] * d * d
		}
		return chi2, ie
	}
	fit := SersicFit{X: xc, Y: yc, Q: q, Theta: theta, N: math.NaN(), Re: math.NaN(), Ie: math.NaN()}
	if len(rs) < 4 || !(reGuess > 0) {
		return fit
	}
	best, bestX := math.Inf(1), []float64{math.Log(reGuess), math.Log(2)}
	// Start from a few indices: the surface is not convex in n.
	for _, n0 := range []float64{0.7, 1.5, 3, 5} {
		x0 := []float64{math.Log(reGuess), math.Log(n0)}
		x, f := nelderMead(func(p []float64) float64 {
			v, _ := eval(p)
			return v
		}, x0, 0.2, 300)
		if f < best {
			best, bestX = f, x
		}
	}
	chi2, ie := eval(bestX)
	fit.Re, fit.N, fit.Ie, fit.Chi2 = math.Exp(bestX[0]), math.Exp(bestX[1]), ie, chi2
	return fit
}

// nelderMead minimises f from x0 with an initial simplex of size step and
// at most maxEval evaluations; it returns the best point and value.
func nelderMead(f func([]float64) float64, x0 []float64, step float64, maxEval int) ([]float64, float64) {
	d := len(x0)
	pts := make([][]float64, d+1)
	vals := make([]float64, d+1)
	for i := range pts {
		pts[i] = append([]float64(nil), x0...)
		if i > 0 {
			pts[i][i-1] += step
		}
		vals[i] = f(pts[i])
	}
	eval := d + 1
	at := func(c []float64, t float64, w []float64) []float64 {
		p := make([]float64, d)
		for j := range p {
			p[j] = c[j] + t*(w[j]-c[j])
		}
		return p
	}
	for eval < maxEval {
		// order: best first
		for i := 1; i <= d; i++ {
			for j := i; j > 0 && vals[j] < vals[j-1]; j-- {
				vals[j], vals[j-1] = vals[j-1], vals[j]
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		if math.Abs(vals[d]-vals[0]) <= 1e-12*(math.Abs(vals[0])+1e-300) {
			break
		}
		c := make([]float64, d)
		for i := 0; i < d; i++ {
			for j := range c {
				c[j] += pts[i][j] / float64(d)
			}
		}
		r := at(c, -1, pts[d])
		fr := f(r)
		eval++
		switch {
		case fr < vals[0]:
			e := at(c, -2, pts[d])
			if fe := f(e); fe < fr {
				pts[d], vals[d] = e, fe
			} else {
				pts[d], vals[d] = r, fr
			}
			eval++
		case fr < vals[d-1]:
			pts[d], vals[d] = r, fr
		default:
			k := at(c, 0.5, pts[d])
			if fk := f(k); fk < vals[d] {
				pts[d], vals[d] = k, fk
			} else {
				for i := 1; i <= d; i++ {
					pts[i] = at(pts[0], 0.5, pts[i])
					vals[i] = f(pts[i])
				}
				eval += d
			}
			eval++
		}
	}
	bi := 0
	for i := range vals {
		if vals[i] < vals[bi] {
			bi = i
		}
	}
	return pts[bi], vals[bi]
}
