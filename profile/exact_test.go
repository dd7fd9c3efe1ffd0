package profile

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/galforge/galforge/pix"
	"gonum.org/v1/gonum/mathext"
)

// exactPixels integrates f (flux/arcsec²) over the pixels of a stamp
// centred like Draw, to tolerance tol per pixel, with nested 1-D
// adaptive Gauss–Kronrod quadrature (gk15) — independent of the 2-D tensor
// cubature Draw uses.
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
				return gk15(func(x float64) float64 { return f(x, y) }, x0, x0+scale, tol/scale/4, 0)
			}
			img.Set(i, j, gk15(inner, y0, y0+scale, tol/2, 0))
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
// analytic (untruncated) Sérsic and Gaussian cases of the GalSim set, over
// every pixel of the stamps; it also reports GalSim's own distance from the
// exact integrals.
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
		lo, hi := 0, c.Nx
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

// TestExactExponentialConvolved: the FFT route for an exponential disk
// (hlr 0.6, flux 1000) ⊗ Gaussian PSF (FWHM 0.7) against exact pixel
// integrals over the central 12x12 pixels, where the surface brightness
// itself is the exact 1-D inverse Hankel transform of the product
// (1 + k²r0²)^(-3/2) · exp(-k²σ²/2).
func TestExactExponentialConvolved(t *testing.T) {
	if testing.Short() {
		t.Skip("slow quadrature")
	}
	const hlr, flux, fwhm, s = 0.6, 1000.0, 0.7, 0.2
	r0 := hlr / expHLR
	sigma := fwhm / (2 * math.Sqrt(2*math.Ln2))
	sb := func(r float64) float64 {
		g := func(k float64) float64 {
			return math.Pow(1+k*k*r0*r0, -1.5) * math.Exp(-k*k*sigma*sigma/2) * math.J0(k*r) * k
		}
		var v float64
		for a := 0.0; a < 14/sigma; a += 1 {
			v += gk15(g, a, a+1, 1e-13, 0)
		}
		return flux * v / (2 * math.Pi)
	}
	off := [2]float64{0.3, 0.1}
	must := musts(t)
	p := must(Convolve(must(ExponentialHLR(hlr, flux)), must(GaussianFWHM(fwhm, 1))))
	img := pix.New(48, 48, s)
	if err := Draw(p, img, DrawOptions{Offset: off}); err != nil {
		t.Fatal(err)
	}
	f := func(x, y float64) float64 { return sb(math.Hypot(x, y)) }
	ex := exactPixels(f, 48, 48, s, off, 1e-8, 18, 30, 18, 30)
	var d, peak float64
	for j := 18; j < 30; j++ {
		for i := 18; i < 30; i++ {
			d = math.Max(d, math.Abs(img.At(i, j)-ex.At(i, j)))
			peak = math.Max(peak, ex.At(i, j))
		}
	}
	t.Logf("exponential ⊗ Gaussian by FFT: max |galforge - exact| = %.3g of peak", d/peak)
	if d > 1e-4*peak {
		t.Errorf("exponential ⊗ Gaussian: max |galforge - exact| = %.3g of peak, want <= 1e-4", d/peak)
	}
}
