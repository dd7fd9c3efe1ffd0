package profile

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/galforge/galforge/pix"
	"gonum.org/v1/gonum/mathext"
)

// Gauss–Kronrod 7/15 nodes and weights on [-1, 1] (positive half).
var (
	gkX = []float64{0.991455371120812639, 0.949107912342758525, 0.864864423359769073,
		0.741531185599394440, 0.586087235467691130, 0.405845151377397167,
		0.207784955007898468, 0}
	gkWK = []float64{0.022935322010529225, 0.063092092629978553, 0.104790010322250184,
		0.140653259715525919, 0.169004726639267903, 0.190350578064785410,
		0.204432940075298892, 0.209482141084727828}
	gkWG = []float64{0, 0.129484966168869693, 0, 0.279705391489276668, 0,
		0.381830050505118945, 0, 0.417959183673469388}
)

// adaptGK integrates g over [a, b] to absolute tolerance tol by recursive
// bisection with the Gauss–Kronrod 7/15 pair, independently of the
// package's own cubature.
func adaptGK(g func(float64) float64, a, b, tol float64, depth int) float64 {
	m, h := (a+b)/2, (b-a)/2
	var k, gs float64
	for i, x := range gkX {
		var f float64
		if x == 0 {
			f = g(m)
		} else {
			f = g(m-h*x) + g(m+h*x)
		}
		k += gkWK[i] * f
		gs += gkWG[i] * f
	}
	k *= h
	gs *= h
	if math.Abs(k-gs) <= tol || depth > 40 {
		return k
	}
	return adaptGK(g, a, m, tol/2, depth+1) + adaptGK(g, m, b, tol/2, depth+1)
}

// exactPixels integrates f (flux/arcsec²) over the pixels of a stamp
// centred like Draw, to tolerance tol per pixel, with nested 1-D
// adaptive Gauss–Kronrod quadrature.
func exactPixels(f func(x, y float64) float64, nx, ny int, scale float64, off [2]float64, tol float64, i0, i1, j0, j1 int) *pix.Image {
	img := pix.New(nx, ny, scale)
	cx, cy := img.Center()
	cx += off[0]
	cy += off[1]
	for j := j0; j < j1; j++ {
		y0 := (float64(j) - cy - 0.5) * scale
		for i := i0; i < i1; i++ {
			x0 := (float64(i) - cx - 0.5) * scale
			inner := func(y float64) float64 {
				return adaptGK(func(x float64) float64 { return f(x, y) }, x0, x0+scale, tol/scale/4, 0)
			}
			img.Set(i, j, adaptGK(inner, y0, y0+scale, tol/2, 0))
		}
	}
	return img
}

// specValue reads key=value from a SPEC string.
func specValue(spec, key string, def float64) float64 {
	for _, f := range strings.Fields(spec) {
		if k, v, ok := strings.Cut(f, "="); ok && k == key {
			x, _ := strconv.ParseFloat(v, 64)
			return x
		}
	}
	return def
}

// analyticSB returns the surface brightness of an untruncated Sérsic or
// Gaussian SPEC written out from the formulas, with the shear applied by
// the inverse of the reduced-shear matrix.
func analyticSB(spec string) func(x, y float64) float64 {
	flux := specValue(spec, "flux", 1)
	g1, g2 := specValue(spec, "g1", 0), specValue(spec, "g2", 0)
	g2s := g1*g1 + g2*g2
	// A⁻¹ = [[1-g1, -g2], [-g2, 1+g1]] / √(1-g²).
	c := 1 / math.Sqrt(1-g2s)
	inv := [4]float64{c * (1 - g1), -c * g2, -c * g2, c * (1 + g1)}
	var rad func(r float64) float64
	if strings.HasPrefix(spec, "gaussian") {
		s := specValue(spec, "sigma", 0)
		rad = func(r float64) float64 { return flux / (2 * math.Pi * s * s) * math.Exp(-r*r/(2*s*s)) }
	} else {
		n, re := specValue(spec, "n", 0), specValue(spec, "hlr", 0)
		b := mathext.GammaIncRegInv(2*n, 0.5)
		i0 := flux * math.Pow(b, 2*n) / (2 * math.Pi * n * math.Gamma(2*n) * re * re)
		rad = func(r float64) float64 { return i0 * math.Exp(-b*math.Pow(r/re, 1/n)) }
	}
	return func(x, y float64) float64 {
		u := inv[0]*x + inv[1]*y
		v := inv[2]*x + inv[3]*y
		return rad(math.Hypot(u, v))
	}
}

// TestExactPixelIntegrals compares Draw with exact pixel integrals of the
// analytic Sérsic and Gaussian cases of the GalSim set, over the central
// 24x24 pixels (which hold the peak and the cusp) plus one outer row.
func TestExactPixelIntegrals(t *testing.T) {
	if testing.Short() {
		t.Skip("slow quadrature")
	}
	t.Logf("%-40s %12s %12s", "case", "|d|/peak", "GalSim|d|/pk")
	for _, c := range loadCases(t) {
		if !c.Exact || strings.Contains(c.Galaxy, "trunc") {
			continue
		}
		img := drawCase(t, c, nil)
		f := analyticSB(c.Galaxy)
		lo, hi := c.Nx/2-12, c.Nx/2+12
		var ex *pix.Image
		if c.Method == "no_pixel" {
			ex = pix.New(c.Nx, c.Ny, c.Scale)
			cx, cy := ex.Center()
			for j := lo; j < hi; j++ {
				for i := lo; i < hi; i++ {
					ex.Set(i, j, f((float64(i)-cx)*c.Scale, (float64(j)-cy)*c.Scale)*c.Scale*c.Scale)
				}
			}
		} else {
			ex = exactPixels(f, c.Nx, c.Ny, c.Scale, c.Offset, 1e-9*c.Peak, lo, hi, lo, hi)
		}
		ref, _, err := pix.ReadFITS("../"+c.File, "")
		if err != nil {
			t.Fatal(err)
		}
		var d, dg, peak float64
		for j := lo; j < hi; j++ {
			for i := lo; i < hi; i++ {
				d = math.Max(d, math.Abs(img.At(i, j)-ex.At(i, j)))
				dg = math.Max(dg, math.Abs(ref.At(i, j)-ex.At(i, j)))
				peak = math.Max(peak, ex.At(i, j))
			}
		}
		t.Logf("%-40s %12.3e %12.3e", strings.TrimPrefix(c.File, "testdata/galsim/"), d/peak, dg/peak)
		if !(d <= 1e-4*peak) {
			t.Errorf("%s: max |galforge - exact| = %.3g of peak, want <= 1e-4", c.File, d/peak)
		}
	}
}
