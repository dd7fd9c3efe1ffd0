package morph

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/galforge/galforge/pix"
	"gonum.org/v1/gonum/mathext"
)

// radial draws f(r) sampled at pixel centres about (xc, yc).
func radial(n int, xc, yc float64, f func(r float64) float64) *pix.Image {
	img := pix.New(n, n, 1)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			img.Set(x, y, f(math.Hypot(float64(x)-xc, float64(y)-yc)))
		}
	}
	return img
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.6g, want %.6g ± %.2g", name, got, want, tol)
	} else {
		t.Logf("%s = %.6g (analytic %.6g)", name, got, want)
	}
}

// bisect finds the root of f in [lo, hi] (f(lo), f(hi) of opposite signs).
func bisect(f func(float64) float64, lo, hi float64) float64 {
	flo := f(lo)
	for i := 0; i < 100; i++ {
		mid := 0.5 * (lo + hi)
		if (f(mid) > 0) == (flo > 0) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

func TestGiniAnalytic(t *testing.T) {
	// Uniform disk: every pixel equal, G = 0.
	disk := radial(64, 31.5, 31.5, func(r float64) float64 {
		if r < 20 {
			return 5
		}
		return 0
	})
	var in []float64
	for _, v := range disk.Pix {
		if v > 0 {
			in = append(in, v)
		}
	}
	near(t, "Gini(uniform disk)", Gini(in), 0, 1e-12)
	// k of n pixels at one value, the rest 0: G = (n−k)/(n−1).
	v := make([]float64, 1000)
	for i := 0; i < 250; i++ {
		v[i*4] = 3
	}
	near(t, "Gini(25% at one value)", Gini(v), 750.0/999, 1e-12)
	one := make([]float64, 100)
	one[7] = 1
	near(t, "Gini(one pixel)", Gini(one), 1, 1e-12)
}

func TestM20Analytic(t *testing.T) {
	// Gaussian: the brightest 20 % lies inside u = r²/2σ² = ln 1.25, and
	// holds a fraction 1 − (1+u)e^{−u} of M_tot.
	u := math.Log(1.25)
	g := radial(128, 63.5, 63.5, func(r float64) float64 { return math.Exp(-r * r / (2 * 36)) })
	near(t, "M20(Gaussian)", M20(g, nil, 63.5, 63.5), math.Log10(1-(1+u)*0.8), 0.005)
	// Exponential: flux inside x = r/h is P(2, x), second moment P(4, x).
	x := mathext.GammaIncRegInv(2, 0.2)
	e := radial(200, 99.5, 99.5, func(r float64) float64 { return math.Exp(-r / 5) })
	xc, yc := Centroid(e, nil)
	near(t, "M20(exponential)", M20(e, nil, xc, yc), math.Log10(mathext.GammaIncReg(4, x)), 0.01)
}

func TestConcentrationAndRadiiAnalytic(t *testing.T) {
	const s0 = 8.0
	// Aperture sums of a pixel-sampled Gaussian behave like the Gaussian
	// convolved with the pixel: σ² → σ² + 1/12.
	s := math.Sqrt(s0*s0 + 1.0/12)
	// Gaussian, u = r²/2σ²: I = e^{−u}, mean inside = (1−e^{−u})/u.
	up := bisect(func(u float64) float64 { return math.Exp(-u)*u/(1-math.Exp(-u)) - PetrosianEta }, 0.1, 10)
	rp := s * math.Sqrt(2*up)
	g := radial(128, 63.5, 63.5, func(r float64) float64 { return math.Exp(-r * r / (2 * s0 * s0)) })
	near(t, "Petrosian radius (Gaussian)", PetrosianRadius(g, 63.5, 63.5), rp, 0.02*rp)
	ftot := 1 - math.Exp(-(1.5*rp)*(1.5*rp)/(2*s*s))
	rf := func(f float64) float64 { return s * math.Sqrt(-2*math.Log(1-f*ftot)) }
	c, r20, r80 := Concentration(g, 63.5, 63.5, 1.5*rp)
	near(t, "r20 (Gaussian)", r20, rf(0.2), 0.01)
	near(t, "r80 (Gaussian)", r80, rf(0.8), 0.01)
	near(t, "C (Gaussian)", c, 5*math.Log10(rf(0.8)/rf(0.2)), 0.005)

	// Exponential, x = r/h: mean inside = 2 P(2,x)/x².
	const h = 6.0
	xp := bisect(func(x float64) float64 {
		return math.Exp(-x)*x*x/(2*mathext.GammaIncReg(2, x)) - PetrosianEta
	}, 0.5, 10)
	e := radial(200, 99.5, 99.5, func(r float64) float64 { return math.Exp(-r / h) })
	rpe := PetrosianRadius(e, 99.5, 99.5)
	near(t, "Petrosian radius (exponential)", rpe, h*xp, 0.02*h*xp)
	fe := mathext.GammaIncReg(2, 1.5*xp)
	ce, _, _ := Concentration(e, 99.5, 99.5, 1.5*h*xp)
	want := 5 * math.Log10(mathext.GammaIncRegInv(2, 0.8*fe)/mathext.GammaIncRegInv(2, 0.2*fe))
	near(t, "C (exponential)", ce, want, 0.03)

	st, err := Measure(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "R50 (Gaussian)", st.R50, rf(0.5), 0.01)
	near(t, "A (Gaussian)", st.Asymmetry, 0, 1e-6)
	near(t, "ellipticity (round Gaussian)", st.Ellipticity, 0, 1e-6)
	near(t, "Sérsic n (Gaussian = n 0.5)", st.Sersic.N, 0.5, 0.01)
}

func TestAsymmetryAnalytic(t *testing.T) {
	// Two separated blobs of fluxes 3 and 1, symmetric about the centre:
	// rotation swaps them, so A = 2|a−b|/(a+b) = 1.
	img := pix.New(128, 128, 1)
	for y := 0; y < 128; y++ {
		for x := 0; x < 128; x++ {
			d1 := math.Hypot(float64(x)-83.5, float64(y)-63.5)
			d2 := math.Hypot(float64(x)-43.5, float64(y)-63.5)
			img.Set(x, y, 3*math.Exp(-d1*d1/8)+math.Exp(-d2*d2/8))
		}
	}
	a, _, _ := Asymmetry(img, 63.5, 63.5, 60)
	near(t, "A(two blobs 3:1)", a, 1, 1e-6)
	// A round Gaussian off the pixel grid: the search finds its centre.
	g := radial(96, 40.3, 38.7, func(r float64) float64 { return math.Exp(-r * r / 50) })
	a, ax, ay := Asymmetry(g, 40, 39, 30)
	near(t, "A(round Gaussian, bilinear rotation)", a, 0, 0.01)
	near(t, "asymmetry centre x", ax, 40.3, 0.01)
	near(t, "asymmetry centre y", ay, 38.7, 0.01)
}

func TestSmoothnessAnalytic(t *testing.T) {
	// A flat image is perfectly smooth.
	flat := radial(101, 50, 50, func(float64) float64 { return 2 })
	near(t, "S(flat)", Smoothness(flat, 50, 50, 5, 30, 3), 0, 1e-12)
	// A 0/2 checkerboard smoothed by a w×w box: bright pixels drop by
	// (w²−1)/w², dark ones rise (clipped), so S = (w²−1)/(2w²).
	chk := pix.New(101, 101, 1)
	for y := 0; y < 101; y++ {
		for x := 0; x < 101; x++ {
			if (x+y)%2 == 0 {
				chk.Set(x, y, 2)
			}
		}
	}
	near(t, "S(checkerboard, w=3)", Smoothness(chk, 50, 50, 5, 30, 3), 8.0/18, 0.005)
	near(t, "S(checkerboard, w=5)", Smoothness(chk, 50, 50, 5, 30, 5), 24.0/50, 0.005)
}

func TestSersicFit(t *testing.T) {
	for _, n := range []float64{1, 2.5, 4} {
		const re, q, th = 10.0, 0.7, 0.3
		b := SersicB(n)
		img := pix.New(128, 128, 1)
		c, s := math.Cos(th), math.Sin(th)
		for y := 0; y < 128; y++ {
			for x := 0; x < 128; x++ {
				dx, dy := float64(x)-64, float64(y)-64
				u, v := dx*c+dy*s, -dx*s+dy*c
				r := math.Sqrt(q*u*u + v*v/q)
				img.Set(x, y, 100*math.Exp(-b*(math.Pow(r/re, 1/n)-1)))
			}
		}
		f := FitSersic(img, 64, 64, q, th, 40, 8)
		near(t, "Sérsic n", f.N, n, 1e-3*n)
		near(t, "Sérsic Re", f.Re, re, 1e-3*re)
		st, err := Measure(img, Options{})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "Measure: Sérsic n", st.Sersic.N, n, 0.03*n)
		near(t, "Measure: ellipticity", st.Ellipticity, 1-q, 0.01)
	}
}

func TestPowerSpectrum(t *testing.T) {
	// White noise of variance 4 has a flat spectrum P = 4.
	rng := rand.New(rand.NewPCG(1, 2))
	img := pix.New(128, 128, 1)
	for i := range img.Pix {
		img.Pix[i] = 2 * rng.NormFloat64()
	}
	_, p := PowerSpectrum(img, 16)
	mean := 0.0
	for _, v := range p[4:] { // bins with hundreds of modes each
		mean += v / 12
	}
	near(t, "white-noise mean power", mean, 4, 0.1)
	// A Gaussian of width σ: P(k) = F² exp(−4π²k²σ²)/(N²).
	const s = 3.0
	g := radial(128, 64, 64, func(r float64) float64 { return math.Exp(-r*r/(2*s*s)) / (2 * math.Pi * s * s) })
	_, pg := PowerSpectrum(g, 64)
	// the analytic spectrum averaged over the same modes as each bin
	want, cnt := make([]float64, 64), make([]float64, 64)
	for i := 0; i < 128; i++ {
		for j := 0; j < 128; j++ {
			kx, ky := float64(i)/128, float64(j)/128
			if i >= 64 {
				kx -= 1
			}
			if j >= 64 {
				ky -= 1
			}
			kr := math.Hypot(kx, ky)
			if b := int(kr / 0.5 * 64); b < 64 {
				want[b] += math.Exp(-4*math.Pi*math.Pi*kr*kr*s*s) / (128 * 128)
				cnt[b]++
			}
		}
	}
	for i := 0; i < 12; i++ {
		near(t, "Gaussian power / analytic", pg[i]/(want[i]/cnt[i]), 1, 1e-3)
	}
}
