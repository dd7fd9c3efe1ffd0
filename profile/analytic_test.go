package profile

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/galforge/galforge/pix"
)

// musts returns a helper that fails t on a constructor error.
func musts(t testing.TB) func(Profile, error) Profile {
	return func(p Profile, err error) Profile {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// radialFlux integrates XValue(r, 0)·2πr from 0 to R with adaptive
// quadrature on logarithmic panels.
func radialFlux(p Profile, R float64) float64 {
	g := func(r float64) float64 { return 2 * math.Pi * r * p.XValue(r, 0) }
	s := gk15(g, 0, 1e-6, 1e-14, 0)
	for a := 1e-6; a < R; a *= 1.5 {
		s += gk15(g, a, math.Min(a*1.5, R), 1e-13, 0)
	}
	return s
}

func imageSum(img *pix.Image) float64 {
	var s float64
	for _, v := range img.Pix {
		s += v
	}
	return s
}

// TestFluxConservation checks F(0) = Flux, the integral of the surface
// brightness, and the pixel sum of drawn stamps, for every profile and
// transform.
func TestFluxConservation(t *testing.T) {
	must := musts(t)
	radials := map[string]Profile{
		"gaussian":            must(Gaussian(0.3, 2)),
		"exponential":         must(ExponentialHLR(0.4, 3)),
		"devaucouleurs":       must(DeVaucouleurs(0.4, 5)),
		"sersic n=0.3":        must(Sersic(0.3, 0.5, 1)),
		"sersic n=1.5":        must(Sersic(1.5, 0.5, 7)),
		"sersic n=6.2":        must(Sersic(6.2, 0.5, 1)),
		"sersic n=2.5 trunc":  must(NewSersic(SersicOptions{N: 2.5, HLR: 0.5, Trunc: 1.5, Flux: 4})),
		"moffat beta=2.5":     must(Moffat(2.5, 0.7, 1)),
		"moffat beta=4.765":   must(Moffat(4.765, 0.7, 1)),
		"moffat beta=1 trunc": must(NewMoffat(MoffatOptions{Beta: 1, ScaleRadius: 0.3, Trunc: 2, Flux: 1})),
		"airy":                must(Airy(0.1, 0.3, 1)),
		"kolmogorov":          must(KolmogorovFWHM(0.7, 1)),
	}
	for name, p := range radials {
		if k := real(p.KValue(0, 0)); math.Abs(k/p.Flux()-1) > 1e-6 {
			t.Errorf("%s: F(0) = %g, flux %g", name, k, p.Flux())
		}
		R := 1e5
		if strings.HasPrefix(name, "airy") || strings.HasPrefix(name, "kolmo") {
			continue // tails ∝ r^-3 and r^-11/3: checked on stamps below
		}
		if f := radialFlux(p, R); math.Abs(f/p.Flux()-1) > 1e-4 {
			t.Errorf("%s: ∫ I dA = %.7g, flux %g", name, f, p.Flux())
		}
	}
	// Airy and Kolmogorov: the flux inside 50 arcsec plus the analytic
	// tail beyond (Airy: 2λ/D/(π² r (1-ε)) for large r is an upper bound;
	// the tail of both is below 2e-3 there).
	for _, name := range []string{"airy", "kolmogorov"} {
		p := radials[name]
		if f := radialFlux(p, 50); math.Abs(f/p.Flux()-1) > 2e-3 {
			t.Errorf("%s: flux inside 50 arcsec %.6g, want 1 within the tail", name, f)
		}
	}
	base := must(Gaussian(0.4, 10))
	sh := must(Shear(base, 0.3, -0.2))
	cases := []struct {
		name string
		p    Profile
		want float64
	}{
		{"shear", sh, 10},
		{"rotate", must(Rotate(sh, 0.7)), 10},
		{"magnify", must(Magnify(sh, 1.3)), 13},
		{"dilate", must(Dilate(sh, 1.2)), 10},
		{"shift", must(Shift(sh, 0.3, -0.45)), 10},
		{"scale flux", must(ScaleFlux(sh, 0.5)), 5},
		{"transform", must(Transform(base, [4]float64{1.1, 0.2, -0.1, 0.9})), 10 * (1.1*0.9 + 0.02)},
		{"sum", Add(base, must(ExponentialHLR(0.3, 2))), 12},
		{"convolve", must(Convolve(sh, must(Moffat(3, 0.7, 1)))), 10},
		{"sersic trunc sheared", must(Shear(must(NewSersic(SersicOptions{N: 4, HLR: 0.3, Trunc: 1.2, Flux: 3})), 0.2, 0.1)), 3},
		{"moffat trunc", must(NewMoffat(MoffatOptions{Beta: 2.5, FWHM: 0.5, Trunc: 2, Flux: 2})), 2},
	}
	for _, c := range cases {
		if math.Abs(c.p.Flux()/c.want-1) > 1e-12 {
			t.Errorf("%s: Flux() = %g, want %g", c.name, c.p.Flux(), c.want)
		}
		if k := real(c.p.KValue(0, 0)); math.Abs(k/c.want-1) > 1e-6 {
			t.Errorf("%s: F(0) = %g, want %g", c.name, k, c.want)
		}
		for _, m := range []Method{Auto, NoPixel} {
			if m == NoPixel && strings.HasPrefix(c.name, "sersic") {
				continue // sampling pixel centres misses the cusp, as in GalSim
			}
			img := pix.New(96, 96, 0.1)
			if err := Draw(c.p, img, DrawOptions{Method: m, Offset: [2]float64{0.3, -0.2}}); err != nil {
				t.Fatal(err)
			}
			if s := imageSum(img); math.Abs(s/c.want-1) > 1e-4 {
				t.Errorf("%s %v: pixel sum %.7g, want %g", c.name, m, s, c.want)
			}
		}
	}
}

// TestShearedGaussianMoments compares the second moments of a drawn
// sheared Gaussian with σ² A Aᵀ (plus s²/12 per axis for the pixel).
func TestShearedGaussianMoments(t *testing.T) {
	must := musts(t)
	const sigma, g1, g2, s = 0.5, 0.2, -0.1, 0.1
	p := must(Shear(must(Gaussian(sigma, 1)), g1, g2))
	a, _ := shearMatrix(g1, g2)
	want := [3]float64{ // xx, xy, yy
		sigma * sigma * (a[0]*a[0] + a[1]*a[1]),
		sigma * sigma * (a[0]*a[2] + a[1]*a[3]),
		sigma * sigma * (a[2]*a[2] + a[3]*a[3]),
	}
	for _, m := range []Method{NoPixel, Auto} {
		img := pix.New(128, 128, s)
		if err := Draw(p, img, DrawOptions{Method: m}); err != nil {
			t.Fatal(err)
		}
		cx, cy := img.Center()
		var f, xx, xy, yy float64
		for j := 0; j < img.Ny; j++ {
			for i := 0; i < img.Nx; i++ {
				v := img.At(i, j)
				x, y := (float64(i)-cx)*s, (float64(j)-cy)*s
				f += v
				xx += v * x * x
				xy += v * x * y
				yy += v * y * y
			}
		}
		got := [3]float64{xx / f, xy / f, yy / f}
		w := want
		if m == Auto {
			w[0] += s * s / 12
			w[2] += s * s / 12
		}
		for i := range got {
			if math.Abs(got[i]-w[i]) > 1e-4*sigma*sigma {
				t.Errorf("%v: moment %d = %.8g, want %.8g", m, i, got[i], w[i])
			}
		}
	}
}

// TestSersicHalfLightRadius measures the half-light radius of drawn
// Sérsic stamps (and, more tightly, of the surface brightness itself).
func TestSersicHalfLightRadius(t *testing.T) {
	must := musts(t)
	for _, c := range []struct {
		n, hlr, trunc float64
	}{{0.5, 0.5, 0}, {1, 0.5, 0}, {2.5, 0.4, 0}, {4, 0.5, 0}, {6, 0.5, 0}, {4, 0.5, 2}} {
		p := must(NewSersic(SersicOptions{N: c.n, HLR: c.hlr, Trunc: c.trunc, Flux: 1}))
		// Enclosed flux of the surface brightness at hlr.
		if e := radialFlux(p, c.hlr); math.Abs(e-0.5) > 1e-5 {
			t.Errorf("n=%g trunc=%g: flux inside hlr %.7f, want 0.5", c.n, c.trunc, e)
		}
		// From a drawn stamp: the flux within r, each pixel weighted by the
		// (linearised) fraction of it inside r, solved for half the total.
		const s = 0.02
		img := pix.New(200, 200, s)
		if err := Draw(p, img, DrawOptions{}); err != nil {
			t.Fatal(err)
		}
		cx, cy := img.Center()
		enc := func(r float64) float64 {
			var sum float64
			for j := 0; j < img.Ny; j++ {
				for i := 0; i < img.Nx; i++ {
					d := math.Hypot(float64(i)-cx, float64(j)-cy)
					w := math.Min(math.Max(r/s-d+0.5, 0), 1)
					sum += w * img.At(i, j)
				}
			}
			return sum
		}
		r := bisect(func(r float64) float64 { return enc(r) - 0.5 }, 0.2*c.hlr, 1.9*c.hlr)
		t.Logf("n=%g trunc=%g: drawn half-light radius %.5f (want %g, %.3f%%)", c.n, c.trunc, r, c.hlr, 100*(r/c.hlr-1))
		if math.Abs(r/c.hlr-1) > 5e-3 {
			t.Errorf("n=%g: drawn half-light radius %g, want %g within 0.5%%", c.n, r, c.hlr)
		}
	}
}

// halfMaxRadius finds r where XValue(r, 0) = XValue(0, 0)/2.
func halfMaxRadius(p Profile, hi float64) float64 {
	i0 := p.XValue(0, 0)
	return bisect(func(r float64) float64 { return p.XValue(r, 0) - i0/2 }, 0, hi)
}

func TestFWHM(t *testing.T) {
	must := musts(t)
	for _, beta := range []float64{1.5, 2.5, 3, 4.765} {
		p := must(Moffat(beta, 0.7, 1))
		if f := 2 * halfMaxRadius(p, 2); math.Abs(f-0.7) > 1e-9 {
			t.Errorf("moffat beta=%g: FWHM %.10f, want 0.7", beta, f)
		}
		q := must(NewMoffat(MoffatOptions{Beta: beta, FWHM: 0.7, Trunc: 2, Flux: 1}))
		if f := 2 * halfMaxRadius(q, 2); math.Abs(f-0.7) > 1e-9 {
			t.Errorf("truncated moffat beta=%g: FWHM %.10f, want 0.7", beta, f)
		}
	}
	g := must(GaussianFWHM(0.6, 1))
	if f := 2 * halfMaxRadius(g, 2); math.Abs(f-0.6) > 1e-9 {
		t.Errorf("gaussian FWHM %g", f)
	}
	k := must(KolmogorovFWHM(0.7, 1))
	if f := 2 * halfMaxRadius(k, 2); math.Abs(f/0.7-1) > 1e-4 {
		t.Errorf("kolmogorov FWHM %.6f, want 0.7", f)
	}
	// Unobscured Airy: (2J1(x)/x)² = 1/2 at x = 1.616340, FWHM = 2x/π λ/D.
	a := must(Airy(0.1, 0, 1))
	if f := 2 * halfMaxRadius(a, 0.1); math.Abs(f/(0.1*2*1.616340/math.Pi)-1) > 1e-6 {
		t.Errorf("airy FWHM %.7f, want 0.1028994", f)
	}
}

// TestTabulatedTransforms checks the Hankel tables against closed forms:
// Sérsic n=1 is the exponential, n=0.5 the Gaussian, Moffat β=1.5 has
// F(k) = exp(-k r_d).
func TestTabulatedTransforms(t *testing.T) {
	must := musts(t)
	s1 := must(Sersic(1, 0.5, 1))
	e := must(ExponentialHLR(0.5, 1))
	s05 := must(Sersic(0.5, 0.5, 1))
	g := must(Gaussian(0.5/math.Sqrt(2*math.Ln2), 1))
	m := must(NewMoffat(MoffatOptions{Beta: 1.5, ScaleRadius: 0.5, Flux: 1}))
	var d1, d2, d3 float64
	for k := 0.0; k < 200; k += 0.0137 {
		d1 = math.Max(d1, math.Abs(real(s1.KValue(k, 0)-e.KValue(k, 0))))
		d2 = math.Max(d2, math.Abs(real(s05.KValue(0, k)-g.KValue(0, k))))
		d3 = math.Max(d3, math.Abs(real(m.KValue(k*0.6, k*0.8))-math.Exp(-k*0.5)))
	}
	t.Logf("max |table - closed form|: sersic n=1 %.2g, n=0.5 %.2g, moffat 1.5 %.2g", d1, d2, d3)
	if d1 > 1e-6 || d2 > 1e-6 || d3 > 1e-6 {
		t.Errorf("tabulated transforms off: %g %g %g", d1, d2, d3)
	}
}

// TestFFTRouteExact: a Gaussian ⊗ Gaussian drawn by FFT against its exact
// pixel integrals (a Gaussian of σ² = σ1² + σ2²).
func TestFFTRouteExact(t *testing.T) {
	must := musts(t)
	p := must(Convolve(must(Shear(must(Gaussian(0.3, 5)), 0.1, 0.05)), must(Gaussian(0.4, 1))))
	img := pix.New(48, 47, 0.2)
	off := [2]float64{0.3, -0.7}
	if err := Draw(p, img, DrawOptions{Offset: off}); err != nil {
		t.Fatal(err)
	}
	a, _ := shearMatrix(0.1, 0.05)
	cxx := 0.09*(a[0]*a[0]+a[1]*a[1]) + 0.16
	cxy := 0.09 * (a[0]*a[2] + a[1]*a[3])
	cyy := 0.09*(a[2]*a[2]+a[3]*a[3]) + 0.16
	det := cxx*cyy - cxy*cxy
	f := func(x, y float64) float64 {
		return 5 / (2 * math.Pi * math.Sqrt(det)) * math.Exp(-(cyy*x*x-2*cxy*x*y+cxx*y*y)/(2*det))
	}
	ex := exactPixels(f, 48, 47, 0.2, off, 1e-10, 0, 48, 0, 47)
	var d, peak float64
	for i := range ex.Pix {
		d = math.Max(d, math.Abs(ex.Pix[i]-img.Pix[i]))
		peak = math.Max(peak, ex.Pix[i])
	}
	t.Logf("FFT route: max |galforge - exact| = %.3g of peak", d/peak)
	if d > 1e-4*peak {
		t.Errorf("FFT route: max |galforge - exact| = %.3g of peak", d/peak)
	}
}

// TestSersicN6Auto: the case GalSim needs a 26850² FFT for.
func TestSersicN6Auto(t *testing.T) {
	must := musts(t)
	p := must(Sersic(6, 0.5, 1000))
	img := pix.New(64, 64, 0.2)
	t0 := time.Now()
	if err := Draw(p, img, DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("sersic n=6 auto 64x64: %v (real-space adaptive cubature)", time.Since(t0))
}

func TestInterpolatedImage(t *testing.T) {
	must := musts(t)
	// A Gaussian sampled on 0.05 arcsec pixels, interpolated, then drawn
	// by FFT back on the same grid with no_pixel: an interpolant passes
	// through its samples, so the pixels must come back.
	src := pix.New(41, 40, 0.05)
	g := must(Shear(must(Gaussian(0.15, 3)), 0.1, 0.2))
	if err := Draw(g, src, DrawOptions{Method: NoPixel}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []Interpolant{Quintic{}, Lanczos{N: 5}} {
		p := must(NewInterpolatedImage(src, InterpOptions{XInterp: in}))
		if math.Abs(p.Flux()-imageSum(src)) > 1e-12 {
			t.Errorf("%v: flux %g, want pixel sum %g", in, p.Flux(), imageSum(src))
		}
		// Pixel (22, 20): centre (41-1)/2 = 20, (40-1)/2 = 19.5.
		if x := p.XValue(0.1, 0.025) * 0.05 * 0.05; math.Abs(x-src.At(22, 20)) > 1e-12 {
			t.Errorf("%v: XValue at a pixel centre %g, want %g", in, x, src.At(22, 20))
		}
		out := pix.New(41, 40, 0.05)
		if err := Draw(p, out, DrawOptions{Method: NoPixel}); err != nil {
			t.Fatal(err)
		}
		peak := g.XValue(0, 0) * 0.05 * 0.05
		d := maxDiff(out, src) / peak
		t.Logf("%v: redrawn by FFT, max |d| = %.3g of peak", in, d)
		if d > 1e-3 {
			t.Errorf("%v: redrawn image differs by %.3g of peak", in, d)
		}
	}
}

func TestBadInput(t *testing.T) {
	must := musts(t)
	g := must(Gaussian(1, 1))
	zero := pix.New(8, 8, 0.1)
	big := must(Gaussian(200, 1))
	conv := must(Convolve(big, g))
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"n low", second(Sersic(0.2, 1, 1)), "parameter n = 0.2"},
		{"n high", second(Sersic(6.5, 1, 1)), "parameter n = 6.5"},
		{"n NaN", second(Sersic(math.NaN(), 1, 1)), "parameter n"},
		{"shear", second(Shear(g, 0.6, 0.8)), "|g| = 1"},
		{"shear NaN", second(Shear(g, math.NaN(), 0)), "g1"},
		{"sigma 0", second(Gaussian(0, 1)), "sigma = 0"},
		{"sigma <0", second(Gaussian(-1, 1)), "sigma = -1"},
		{"sigma Inf", second(Gaussian(math.Inf(1), 1)), "sigma = +Inf"},
		{"flux NaN", second(Gaussian(1, math.NaN())), "flux = NaN"},
		{"hlr", second(ExponentialHLR(-2, 1)), "hlr = -2"},
		{"moffat beta", second(Moffat(1, 0.7, 1)), "beta = 1"},
		{"moffat fwhm", second(Moffat(3, 0, 1)), "fwhm"},
		{"airy obsc", second(Airy(0.1, 1, 1)), "obscuration = 1"},
		{"kolmogorov", second(KolmogorovFWHM(-0.7, 1)), "fwhm = -0.7"},
		{"trunc", second(NewSersic(SersicOptions{N: 1, HLR: 1, Trunc: 1.2, Flux: 1})), "trunc = 1.2"},
		{"magnify", second(Magnify(g, -1)), "mu = -1"},
		{"transform", second(Transform(g, [4]float64{1, 2, 2, 4})), "det(jac)"},
		{"all-zero image", second(NewInterpolatedImage(zero, InterpOptions{})), "all zero"},
		{"fft limit", Draw(conv, pix.New(32, 32, 0.2), DrawOptions{}), "MaximumFFTSize"},
		{"scale", Draw(g, pix.New(8, 8, 0), DrawOptions{}), "pixel scale = 0"},
		{"offset", Draw(g, pix.New(8, 8, 1), DrawOptions{Offset: [2]float64{math.Inf(-1), 0}}), "offset[0]"},
		{"accuracy", Draw(g, pix.New(8, 8, 1), DrawOptions{Accuracy: &Accuracy{MaxKThreshold: math.NaN()}}), "MaxKThreshold"},
		{"interpolant", second(NewInterpolatedImage(pix.New(3, 3, 1), InterpOptions{XInterp: Lanczos{N: 12}})), "support 12"},
		{"spec word", second(ParseSpec("blob size=1")), `unknown profile word "blob"`},
		{"spec key", second(ParseSpec("gaussian sigma=1 size=2")), `unknown key "size"`},
		{"spec value", second(ParseSpec("gaussian sigma=one")), `sigma="one" is not a number`},
		{"spec nan", second(ParseSpec("moffat beta=3 fwhm=NaN")), "fwhm=NaN must be finite"},
		{"spec missing", second(ParseSpec("sersic hlr=1")), "missing n="},
		{"spec both", second(ParseSpec("gaussian sigma=1 fwhm=2")), "only one of sigma= and fwhm="},
		{"spec shear", second(ParseSpec("gaussian sigma=1 g1=1")), "|g| = 1"},
		{"spec file", second(ParseSpec("real file=/nonexistent.fits psf=/x.fits scale=0.03")), "/nonexistent.fits"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	var re *RangeError
	if !errors.As(second(Sersic(7, 1, 1)), &re) || re.Param != "n" {
		t.Errorf("Sersic(7): want a *RangeError naming n")
	}
	if err := Draw(conv, pix.New(32, 32, 0.2), DrawOptions{}); !errors.Is(err, ErrFFTTooLarge) {
		t.Errorf("want ErrFFTTooLarge, got %v", err)
	}
}

func second(_ Profile, err error) error { return err }

// TestCentring: the profile origin sits on pix's true centre, (N-1)/2, for
// odd and even sizes, in both routes; Offset (pixels) equals Shift
// (arcsec) / scale.
func TestCentring(t *testing.T) {
	must := musts(t)
	g := must(Gaussian(0.3, 1))
	fft := must(Convolve(g, must(Delta(1))))
	for _, p := range []Profile{g, fft} {
		odd := pix.New(5, 5, 0.2)
		if err := Draw(p, odd, DrawOptions{}); err != nil {
			t.Fatal(err)
		}
		if v, x, y := odd.Max(); x != 2 || y != 2 || math.Abs(odd.At(1, 2)-odd.At(3, 2)) > 1e-15*v || math.Abs(odd.At(2, 1)-odd.At(2, 3)) > 1e-15*v {
			t.Errorf("%T odd: peak at (%d,%d), asymmetric", p, x, y)
		}
		even := pix.New(4, 4, 0.2)
		if err := Draw(p, even, DrawOptions{}); err != nil {
			t.Fatal(err)
		}
		c := even.At(1, 1)
		for _, q := range [][2]int{{1, 2}, {2, 1}, {2, 2}} {
			if math.Abs(even.At(q[0], q[1])-c) > 1e-14*c {
				t.Errorf("%T even: central pixels differ: %g vs %g", p, even.At(q[0], q[1]), c)
			}
		}
		a := pix.New(9, 8, 0.2)
		b := pix.New(9, 8, 0.2)
		if err := Draw(p, a, DrawOptions{Offset: [2]float64{1.3, -0.4}}); err != nil {
			t.Fatal(err)
		}
		if err := Draw(must(Shift(p, 1.3*0.2, -0.4*0.2)), b, DrawOptions{}); err != nil {
			t.Fatal(err)
		}
		// Exact in real space; in Fourier space both are within the
		// MaxKThreshold (1e-4) of the peak.
		pk, _, _ := a.Max()
		if d := maxDiff(a, b); d > 1e-12*pk && (p == g || d > 2e-4*pk) {
			t.Errorf("%T: offset and shift differ by %g of peak", p, d/pk)
		}
	}
}

func BenchmarkSersicN6Auto(b *testing.B) {
	img := pix.New(64, 64, 0.2)
	for b.Loop() {
		p, _ := Sersic(6, 0.5, 1000)
		if err := Draw(p, img, DrawOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConvolutionXValue: the slow direct inverse transform of a
// convolution of two Gaussians against the Gaussian of summed variance.
func TestConvolutionXValue(t *testing.T) {
	must := musts(t)
	c := must(Convolve(must(Gaussian(0.3, 2)), must(Gaussian(0.4, 1))))
	g := must(Gaussian(0.5, 2))
	for _, x := range []float64{0, 0.2, 0.7} {
		if d := math.Abs(c.XValue(x, -0.1) - g.XValue(x, -0.1)); d > 1e-4*g.XValue(0, 0) {
			t.Errorf("XValue(%g): %g, want %g", x, c.XValue(x, -0.1), g.XValue(x, -0.1))
		}
	}
	if d := Deconvolve(g); !math.IsNaN(d.XValue(0, 0)) || math.Abs(d.Flux()-0.5) > 1e-15 {
		t.Errorf("Deconvolve: XValue %g flux %g", d.XValue(0, 0), d.Flux())
	}
}

// TestAccuracyTradeoff: the FFT route under GalSim-like, default and
// strict Accuracy against a very strict reference, for the exponential ⊗
// Moffat case of the GalSim set.
func TestAccuracyTradeoff(t *testing.T) {
	must := musts(t)
	p := must(Compose(must(ExponentialHLR(0.6, 1000)), must(Moffat(3, 0.7, 1)), ObjectTransform{G1: 0.2, G2: 0.1}))
	draw := func(acc *Accuracy) (*pix.Image, time.Duration) {
		img := pix.New(48, 48, 0.2)
		t0 := time.Now()
		if err := Draw(p, img, DrawOptions{Accuracy: acc, Offset: [2]float64{0.3, 0.1}}); err != nil {
			t.Fatal(err)
		}
		return img, time.Since(t0)
	}
	ref, _ := draw(&Accuracy{FoldingThreshold: 1e-7, MaxKThreshold: 1e-9, MaximumFFTSize: 8192})
	peak, _, _ := ref.Max()
	var prev float64 = math.Inf(1)
	for _, c := range []struct {
		name string
		acc  *Accuracy
	}{
		{"GalSim-like (5e-3, 1e-3)", &Accuracy{FoldingThreshold: 5e-3, MaxKThreshold: 1e-3}},
		{"default (2e-3, 1e-4)", nil},
		{"strict (5e-4, 1e-5)", &Accuracy{FoldingThreshold: 5e-4, MaxKThreshold: 1e-5}},
	} {
		img, el := draw(c.acc)
		d := maxDiff(img, ref) / peak
		t.Logf("%-26s max |d| = %.2e of peak, %v", c.name, d, el)
		if d > prev*1.01 {
			t.Errorf("%s: error %.3g is not below the looser setting's %.3g", c.name, d, prev)
		}
		if c.acc == nil && d > 1e-4 {
			t.Errorf("default accuracy: error %.3g of peak, want <= 1e-4", d)
		}
		prev = d
	}
}

// TestConcurrentDraw: profiles and their lazily built tables are safe for
// concurrent use, and drawing is deterministic.
func TestConcurrentDraw(t *testing.T) {
	must := musts(t)
	src := pix.New(21, 21, 0.05)
	if err := Draw(must(Gaussian(0.1, 1)), src, DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	p := must(Compose(Add(must(Sersic(2.2, 0.4, 10)), must(NewInterpolatedImage(src, InterpOptions{}))),
		must(Moffat(3.3, 0.6, 1)), ObjectTransform{G1: 0.1}))
	const n = 4
	imgs := make([]*pix.Image, n)
	errs := make(chan error, n)
	for i := range imgs {
		imgs[i] = pix.New(40, 40, 0.2)
		go func(img *pix.Image) { errs <- Draw(p, img, DrawOptions{}) }(imgs[i])
	}
	for range imgs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < n; i++ {
		for k := range imgs[0].Pix {
			if imgs[i].Pix[k] != imgs[0].Pix[k] {
				t.Fatalf("draw %d differs from draw 0 at pixel %d", i, k)
			}
		}
	}
}
