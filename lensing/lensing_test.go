package lensing

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func rel(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }

func TestCosmologyAgainstAstropy(t *testing.T) {
	c := DefaultCosmology
	// Numbers from testdata/astropy_cosmology.py.
	cases := []struct {
		name      string
		got, want float64
	}{
		{"D_C(1)", c.ComovingDistance(1), 3303.8288058874705},
		{"D_A(0.3)", c.AngularDiameterDistance(0.3), 918.7668228578696},
		{"D_A(0.3,1)", c.AngularDiameterDistanceBetween(0.3, 1), 1054.71596808612},
		{"rho_c(0.3)", c.CriticalDensity(0.3), 184828014744.00616},
	}
	sc, err := c.SigmaCrit(0.3, 1)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		name      string
		got, want float64
	}{"Sigma_cr", sc, 2834765688247904.5})
	for _, cs := range cases {
		if r := rel(cs.got, cs.want); r > 1e-8 {
			t.Errorf("%s = %.12g, astropy %.12g (rel %.2g)", cs.name, cs.got, cs.want, r)
		}
	}
	// Einstein–de Sitter closed form: D_C = 2c/H0 (1 − 1/√(1+z)).
	eds := Cosmology{H0: 70, OmegaM: 1}
	want := 2 * speedOfLightKmS / 70 * (1 - 1/math.Sqrt(3))
	if r := rel(eds.ComovingDistance(2), want); r > 1e-12 {
		t.Errorf("EdS D_C(2) rel error %g", r)
	}
}

func TestBadInputErrorsNameParameter(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		err  error
		want string
	}{
		{second(NewSIE(1, 0, 0)), "q"},
		{second(NewSIE(1, 1.2, 0)), "q"},
		{second(NewSIE(nan, 0.5, 0)), "Einstein radius"},
		{second(NewSIS(-1)), "Einstein radius"},
		{second(NewNFW(1e14, 4, 1, 0.5, DefaultCosmology)), "zs"},
		{second(NewNFW(1e14, 4, 0.5, 0.5, DefaultCosmology)), "zs"},
		{second(NewNFW(nan, 4, 0.3, 1, DefaultCosmology)), "M200c"},
		{second(NewNFW(1e14, -4, 0.3, 1, DefaultCosmology)), "concentration"},
		{second(NewNFW(1e14, 4, 0.3, 1, Cosmology{H0: 70, OmegaM: 1.5})), "OmegaM"},
		{second(NewConstantShear(0.8, 0.7)), "|g|"},
		{second(NewConstantShear(nan, 0)), "g1"},
		{second(NewExternalShear(1, 0)), "external shear"},
		{second(GenerateShearGrid(PowerSpectrum{E: func(float64) float64 { return -1 }}, 8, 1, rand.New(rand.NewPCG(1, 2)))), "power spectrum"},
		{second(GenerateShearGrid(PowerSpectrum{E: func(float64) float64 { return 1 }}, 8, 0, rand.New(rand.NewPCG(1, 2)))), "grid spacing"},
	}
	for i, c := range cases {
		if c.err == nil {
			t.Errorf("case %d: no error, want one naming %q", i, c.want)
			continue
		}
		if !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("case %d: error %q does not name %q", i, c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestReducedShear(t *testing.T) {
	l := Lens{Kappa: 0.2, Gamma1: 0.3, Gamma2: -0.1}
	g1, g2, err := l.ReducedShear()
	if err != nil || !near(g1, 0.375, 1e-15) || !near(g2, -0.125, 1e-15) {
		t.Errorf("g = (%g, %g), %v; want (0.375, -0.125)", g1, g2, err)
	}
	if mu := l.Magnification(); !near(mu, 1/(0.64-0.1), 1e-12) {
		t.Errorf("mu = %g", mu)
	}
	for _, bad := range []Lens{{0.5, 0.5, 0}, {0.5, 0.4, 0.4}, {1.2, 0, 0}, {0.1, 0.95, 0.1}} {
		_, _, err := bad.ReducedShear()
		var se *StrongLensingError
		if !errors.As(err, &se) {
			t.Errorf("%+v: err = %v, want StrongLensingError", bad, err)
		}
	}
	// Constant shear: reduced shear exactly g, magnification exactly 1.
	cs, err := NewConstantShear(0.05, -0.3)
	if err != nil {
		t.Fatal(err)
	}
	g1, g2, mu, err := ShearAt(cs, 12, -3)
	if err != nil || !near(g1, 0.05, 1e-15) || !near(g2, -0.3, 1e-15) || !near(mu, 1, 1e-14) {
		t.Errorf("constant shear: g = (%g, %g) mu = %g err %v", g1, g2, mu, err)
	}
	// Strong-lensing positions of an SIS are rejected with their position.
	sis, _ := NewSIS(1)
	if _, _, _, err := ShearAt(sis, 0.3, 0.4); err == nil || !strings.Contains(err.Error(), "(0.3, 0.4)") {
		t.Errorf("SIS inside Einstein radius: err = %v", err)
	}
	if g1, _, _, err := ShearAt(sis, 10, 0); err != nil || !near(g1, -0.05/0.95, 1e-14) {
		t.Errorf("SIS weak regime g1 = %g, %v", g1, err)
	}
}

func TestSISPointSource(t *testing.T) {
	const thetaE, beta = 1.3, 0.4
	s, _ := NewSIS(thetaE)
	// Every point of the circle θ = θ_E maps onto β = 0: the Einstein ring.
	for k := 0; k < 12; k++ {
		phi := float64(k) * math.Pi / 6
		x, y := thetaE*math.Cos(phi), thetaE*math.Sin(phi)
		ax, ay := s.Deflect(x, y)
		if math.Hypot(x-ax, y-ay) > 1e-14 {
			t.Errorf("ring point %d maps to (%g, %g)", k, x-ax, y-ay)
		}
	}
	// Source at (β, 0): images at β + θ_E and β − θ_E.
	for _, im := range []struct{ theta, mu float64 }{{beta + thetaE, 1 + thetaE/beta}, {beta - thetaE, 1 - thetaE/beta}} {
		ax, _ := s.Deflect(im.theta, 0)
		if !near(im.theta-ax, beta, 1e-14) {
			t.Errorf("image at %g maps to %g, want %g", im.theta, im.theta-ax, beta)
		}
		if mu := s.LensAt(im.theta, 0).Magnification(); rel(mu, im.mu) > 1e-13 {
			t.Errorf("image at %g: mu = %g, want %g", im.theta, mu, im.mu)
		}
	}
}

func TestSIEReducesToSIS(t *testing.T) {
	sis, _ := NewSIS(0.9)
	sie, _ := NewSIE(0.9, 1, 0.7)
	sie2, _ := NewSIE(0.9, 1-1e-9, 0.7) // series branch
	sie3, _ := NewSIE(0.9, 1-1e-5, 0.7) // closed-form branch close to 1
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		x, y := 4*rng.Float64()-2, 4*rng.Float64()-2
		sx, sy := sis.Deflect(x, y)
		for _, e := range []*SIE{sie, sie2, sie3} {
			ex, ey := e.Deflect(x, y)
			tol := 1e-14 + 2*(1-e.Q)
			if !near(ex, sx, tol) || !near(ey, sy, tol) {
				t.Errorf("q=%v at (%g,%g): SIE α (%g,%g), SIS (%g,%g)", e.Q, x, y, ex, ey, sx, sy)
			}
			if !near(e.Potential(x, y), sis.Potential(x, y), tol) {
				t.Errorf("q=%v potential differs", e.Q)
			}
			le, ls := e.LensAt(x, y), sis.LensAt(x, y)
			if !near(le.Kappa, ls.Kappa, tol) || !near(le.Gamma1, ls.Gamma1, tol) || !near(le.Gamma2, ls.Gamma2, tol) {
				t.Errorf("q=%v lens %+v vs SIS %+v", e.Q, le, ls)
			}
		}
	}
}

// checkDerivatives verifies by central finite differences that α = ∇ψ and
// that κ, γ from LensAt are the second derivatives of ψ (first derivatives
// of α).
func checkDerivatives(t *testing.T, name string, d Deflector, pts [][2]float64) {
	t.Helper()
	const h = 1e-5
	for _, p := range pts {
		x, y := p[0], p[1]
		ax, ay := d.Deflect(x, y)
		gx := (d.Potential(x+h, y) - d.Potential(x-h, y)) / (2 * h)
		gy := (d.Potential(x, y+h) - d.Potential(x, y-h)) / (2 * h)
		scale := 1 + math.Hypot(ax, ay)
		if !near(gx, ax, 1e-7*scale) || !near(gy, ay, 1e-7*scale) {
			t.Errorf("%s at (%g,%g): ∇ψ = (%.10g, %.10g), α = (%.10g, %.10g)", name, x, y, gx, gy, ax, ay)
		}
		axx, ayx := d.Deflect(x+h, y)
		bxx, byx := d.Deflect(x-h, y)
		axy, ayy := d.Deflect(x, y+h)
		bxy, byy := d.Deflect(x, y-h)
		psixx, psiyx := (axx-bxx)/(2*h), (ayx-byx)/(2*h)
		psixy, psiyy := (axy-bxy)/(2*h), (ayy-byy)/(2*h)
		l := d.LensAt(x, y)
		want := Lens{(psixx + psiyy) / 2, (psixx - psiyy) / 2, (psixy + psiyx) / 2}
		tol := 1e-6 * (1 + math.Abs(l.Kappa))
		if !near(l.Kappa, want.Kappa, tol) || !near(l.Gamma1, want.Gamma1, tol) || !near(l.Gamma2, want.Gamma2, tol) {
			t.Errorf("%s at (%g,%g): LensAt %+v, finite differences %+v", name, x, y, l, want)
		}
		if !near(psixy, psiyx, 1e-6*(1+math.Abs(psixy))) {
			t.Errorf("%s at (%g,%g): deflection has curl: %g vs %g", name, x, y, psixy, psiyx)
		}
	}
}

func TestDeflectionIsGradientOfPotential(t *testing.T) {
	pts := [][2]float64{{0.7, 0.2}, {-1.1, 0.5}, {0.3, -1.6}, {-0.4, -0.35}, {2.5, 1.9}, {0.05, 1.2}}
	sie, _ := NewSIE(1.2, 0.55, 0.4)
	sie.X0, sie.Y0 = 0.1, -0.2
	ext, _ := NewExternalShear(0.07, -0.03)
	nfw, err := NewNFW(5e14, 5, 0.3, 1.2, DefaultCosmology)
	if err != nil {
		t.Fatal(err)
	}
	nfwPts := [][2]float64{}
	for _, x := range []float64{0.3, 0.99, 1.01, 2, 4} { // in units of θ_s
		r := x * nfw.ScaleRadius()
		nfwPts = append(nfwPts, [2]float64{0.6 * r, 0.8 * r})
	}
	sis, _ := NewSIS(0.8)
	checkDerivatives(t, "SIE", sie, pts)
	checkDerivatives(t, "SIS", sis, pts)
	checkDerivatives(t, "external shear", ext, pts)
	checkDerivatives(t, "SIE+shear", Sum{sie, ext}, pts)
	checkDerivatives(t, "NFW", nfw, nfwPts)
}

// gaussSource is a circular Gaussian surface brightness of unit flux.
type gaussSource struct{ sigma float64 }

func (g gaussSource) XValue(x, y float64) float64 {
	s2 := g.sigma * g.sigma
	return math.Exp(-(x*x+y*y)/(2*s2)) / (2 * math.Pi * s2)
}

func sum(m *pix.Image) float64 {
	var s float64
	for _, v := range m.Pix {
		s += v
	}
	return s
}

func TestExtendedSourceMagnification(t *testing.T) {
	const thetaE, beta, sigma = 1.0, 0.3, 0.02
	sis, _ := NewSIS(thetaE)
	img := pix.New(300, 300, 0.01)
	if err := RayTrace(img, sis, gaussSource{sigma}, TraceOptions{Oversample: 4, SourceX: beta}); err != nil {
		t.Fatal(err)
	}
	got := sum(img) // source flux is 1
	// Point-source value 2θ_E/β; the finite-size correction for a Gaussian
	// is ⟨1/|β|⟩ ≈ (1 + σ²/(2β²))/β, 0.2 % here.
	point := 2 * thetaE / beta
	want := point * (1 + sigma*sigma/(2*beta*beta))
	t.Logf("SIS total magnification: ray-traced %.5f, point-source %.5f, with size correction %.5f", got, point, want)
	if r := rel(got, want); r > 2e-3 {
		t.Errorf("magnification %g, want %g (rel %g)", got, want, r)
	}
	if r := rel(got, point); r > 1e-2 {
		t.Errorf("magnification %g differs from point-source %g by %g", got, point, r)
	}
	// The two images separately: x > 0 holds the image at β + θ_E
	// (μ = 1 + θ_E/β), x < 0 the one at β − θ_E (|μ| = θ_E/β − 1).
	var plus, minus float64
	cx, _ := img.Center()
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			if float64(i) > cx {
				plus += img.At(i, j)
			} else {
				minus += img.At(i, j)
			}
		}
	}
	t.Logf("SIS images: outer %.4f (point %.4f), inner %.4f (point %.4f)", plus, 1+thetaE/beta, minus, thetaE/beta-1)
	if rel(plus, 1+thetaE/beta) > 5e-3 || rel(minus, thetaE/beta-1) > 5e-3 {
		t.Errorf("image magnifications %g, %g; want %g, %g", plus, minus, 1+thetaE/beta, thetaE/beta-1)
	}
	// No lens: the image is the source, flux conserved.
	flat := pix.New(64, 64, 0.01)
	if err := RayTrace(flat, Sum{}, gaussSource{0.05}, TraceOptions{Oversample: 2}); err != nil {
		t.Fatal(err)
	}
	if s := sum(flat); !near(s, 1, 1e-4) {
		t.Errorf("unlensed flux %g, want 1", s)
	}
}

func TestImageSourceRoundTrip(t *testing.T) {
	src := pix.New(41, 41, 0.05)
	for j := 0; j < 41; j++ {
		for i := 0; i < 41; i++ {
			x, y := float64(i-20)*0.05, float64(j-20)*0.05
			src.Set(i, j, math.Exp(-(x*x+2*y*y)/0.1)+0.01*float64(i))
		}
	}
	is, err := NewImageSource(src)
	if err != nil {
		t.Fatal(err)
	}
	out := pix.New(41, 41, 0.05)
	if err := RayTrace(out, Sum{}, is, TraceOptions{Oversample: 1}); err != nil {
		t.Fatal(err)
	}
	for k := range src.Pix {
		if !near(out.Pix[k], src.Pix[k], 1e-12) {
			t.Fatalf("pixel %d: %g, want %g", k, out.Pix[k], src.Pix[k])
		}
	}
	src.Pix[5] = math.NaN()
	if _, err := NewImageSource(src); err == nil || !strings.Contains(err.Error(), "pixel (5, 0)") {
		t.Errorf("NaN pixel: err = %v", err)
	}
}

func TestMagnificationMap(t *testing.T) {
	sie, _ := NewSIE(1, 0.7, 0.3)
	m := pix.New(17, 17, 0.25)
	if err := MagnificationMap(m, sie); err != nil {
		t.Fatal(err)
	}
	// Isothermal: μ = 1/(1 − 2κ).
	x, y := (3-8)*0.25, (12-8)*0.25
	want := 1 / (1 - 2*sie.LensAt(x, y).Kappa)
	if !near(m.At(3, 12), want, 1e-12*math.Abs(want)) {
		t.Errorf("mu = %g, want %g", m.At(3, 12), want)
	}
}

// nfwNumeric projects the 3-D NFW density numerically: Σ(R)/Σ_cr in units
// where ρ = δ_c ρ_c/(x(1+x)²) gives κ_s = δ_c ρ_c r_s/Σ_cr = h.KappaS().
func nfwNumericKappa(ks, x float64) float64 {
	// Σ = 2 ∫₀^∞ ρ dz with z = x sinh t (units of r_s), r = x cosh t.
	f := func(t float64) float64 {
		r := x * math.Cosh(t)
		return x * math.Cosh(t) / (r * (1 + r) * (1 + r))
	}
	var s float64
	for a := 0.0; a < 40; a += 2 {
		s += quad.Fixed(f, a, a+2, 60, quad.Legendre{}, 0)
	}
	return 2 * ks * s
}

func TestNFWMatchesNumericalProjection(t *testing.T) {
	h, err := NewNFW(1e15, 4, 0.3, 1, DefaultCosmology)
	if err != nil {
		t.Fatal(err)
	}
	ks, ts := h.KappaS(), h.ScaleRadius()
	if _, _, _, err := ShearAt(h, 0.5, 0); err == nil {
		t.Error("NFW centre: want a strong-lensing error")
	}
	t.Logf("NFW 1e15 Msun c=4 zl=0.3 zs=1: theta_s = %.3f arcsec, kappa_s = %.4f", ts, ks)
	for _, x := range []float64{0.05, 0.5, 0.999999, 1, 1.000001, 2, 7} {
		kn := nfwNumericKappa(ks, x)
		if k := h.Convergence(x * ts); rel(k, kn) > 1e-7 {
			t.Errorf("x=%g: kappa %.10g, numerical projection %.10g", x, k, kn)
		}
		// Mean inside x: κ̄ = (2/x²) ∫₀^x κ(x') x' dx', x' = x u².
		g := func(u float64) float64 { return nfwNumericKappa(ks, x*u*u) * x * u * u * 2 * x * u }
		kbar := 2 / (x * x) * quad.Fixed(g, 0, 1, 80, quad.Legendre{}, 0)
		if kb := h.MeanConvergence(x * ts); rel(kb, kbar) > 1e-6 {
			t.Errorf("x=%g: mean kappa %.10g, numerical %.10g", x, kb, kbar)
		}
		if x >= 2 { // weak regime here: the reduced shear is defined and < 1
			if g1, _, mu, err := ShearAt(h, 0, x*ts); err != nil || g1 <= 0 || g1 >= 1 || mu <= 1 {
				t.Errorf("x=%g: weak-lensing g1 %g mu %g err %v", x, g1, mu, err)
			}
		}
		gt := kbar - kn
		l := h.LensAt(0, x*ts) // on the +y axis the tangential direction is x: γ1 = +γ_t
		if !near(l.Gamma1, gt, 1e-6*gt) || !near(l.Gamma2, 0, 1e-12) {
			t.Errorf("x=%g: gamma (%g, %g), want (%g, 0)", x, l.Gamma1, l.Gamma2, gt)
		}
	}
}

// fourierModes returns the unnormalised 2-D DFT of the n×n real grid f.
func fourierModes(f []float64, n int) []complex128 {
	a := make([]complex128, n*n)
	for i, v := range f {
		a[i] = complex(v, 0)
	}
	fft.Forward2(a, n, n)
	return a
}

func TestPowerSpectrumShearField(t *testing.T) {
	const n, d = 128, 2.0 // 256 arcsec box
	pe := func(k float64) float64 { return 1e-4 * math.Exp(-k/0.5) / (k + 0.05) }
	pb := func(k float64) float64 { return 2e-5 * math.Exp(-k/0.5) / (k + 0.05) }
	for _, withB := range []bool{false, true} {
		ps := PowerSpectrum{E: pe}
		if withB {
			ps.B = pb
		}
		g, err := GenerateShearGrid(ps, n, d, rand.New(rand.NewPCG(42, 7)))
		if err != nil {
			t.Fatal(err)
		}
		// Parseval: |e^{2iφ}| = 1, so Σ|γ|² = Σκ_E² + Σκ_B².
		var sk, sg float64
		for m := range g.Kappa {
			sk += g.Kappa[m] * g.Kappa[m]
			sg += g.Gamma1[m]*g.Gamma1[m] + g.Gamma2[m]*g.Gamma2[m]
		}
		if !withB && rel(sg, sk) > 1e-12 {
			t.Errorf("Σ|γ|² = %g, Σκ² = %g", sg, sk)
		}
		kk := fourierModes(g.Kappa, n)
		g1 := fourierModes(g.Gamma1, n)
		g2 := fourierModes(g.Gamma2, n)
		const nb = 8
		var sumE, sumB, sumK, sumP, sumPB [nb]float64
		var cnt [nb]int
		dk := 2 * math.Pi / (n * d)
		kmax := math.Pi / d
		norm := d * d / (n * n)
		var maxDiff float64
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				fi, fj := float64(fft.Freq(i, n)), float64(fft.Freq(j, n))
				k := dk * math.Hypot(fi, fj)
				if k == 0 || k >= kmax {
					continue
				}
				m := j*n + i
				c2 := (fi*fi - fj*fj) / (fi*fi + fj*fj)
				s2 := 2 * fi * fj / (fi*fi + fj*fj)
				e := complex(c2, 0)*g1[m] + complex(s2, 0)*g2[m]
				b := -complex(s2, 0)*g1[m] + complex(c2, 0)*g2[m]
				maxDiff = math.Max(maxDiff, cmplxAbs(e-kk[m])/math.Sqrt(n*n*pe(k)/(d*d)))
				bin := int(k / kmax * nb)
				sumE[bin] += sq(e) * norm
				sumB[bin] += sq(b) * norm
				sumK[bin] += sq(kk[m]) * norm
				sumP[bin] += pe(k)
				sumPB[bin] += pb(k)
				cnt[bin]++
			}
		}
		if maxDiff > 1e-10 {
			t.Errorf("B=%v: E-mode of γ differs from κ by %g (relative to the mode rms)", withB, maxDiff)
		}
		for b := 0; b < nb; b++ {
			// Modes come in ± pairs: cnt/2 independent exponential variates.
			sig := 1 / math.Sqrt(float64(cnt[b])/2)
			rE := sumE[b] / sumP[b]
			rK := sumK[b] / sumP[b]
			rB := sumB[b] / sumP[b]
			if withB {
				rB = sumB[b] / sumPB[b]
			}
			if b == 0 || b == nb-1 {
				t.Logf("B=%v bin %d (%d modes): measured/input E %.3f (κ %.3f), B %.3g, σ %.3f", withB, b, cnt[b], rE, rK, rB, sig)
			}
			if math.Abs(rE-1) > 4*sig || math.Abs(rK-1) > 4*sig {
				t.Errorf("B=%v bin %d: E power ratio %.4f (κ %.4f), want 1 ± %.4f", withB, b, rE, rK, 4*sig)
			}
			if withB && math.Abs(rB-1) > 4*sig {
				t.Errorf("bin %d: B power ratio %.4f, want 1 ± %.4f", b, rB, 4*sig)
			}
			if !withB && rB > 1e-20 {
				t.Errorf("bin %d: B-mode power ratio %g, want 0", b, rB)
			}
		}
	}
}

func sq(c complex128) float64       { return real(c)*real(c) + imag(c)*imag(c) }
func cmplxAbs(c complex128) float64 { return math.Sqrt(sq(c)) }

func TestShearGridInterpolationAndSeed(t *testing.T) {
	ps := PowerSpectrum{E: func(k float64) float64 { return 1e-3 / (1 + k*k) }}
	a, _ := GenerateShearGrid(ps, 16, 0.5, rand.New(rand.NewPCG(9, 9)))
	b, _ := GenerateShearGrid(ps, 16, 0.5, rand.New(rand.NewPCG(9, 9)))
	for i := range a.Gamma1 {
		if a.Gamma1[i] != b.Gamma1[i] || a.Kappa[i] != b.Kappa[i] {
			t.Fatal("same seed gave different fields")
		}
	}
	c := 7.5 // (N−1)/2
	// Grid point (3, 5) and the midpoint of (3,5)-(4,6).
	x, y := (3-c)*0.5, (5-c)*0.5
	l := a.LensAt(x, y)
	if !near(l.Gamma2, a.Gamma2[5*16+3], 1e-15) {
		t.Errorf("at grid point: %g vs %g", l.Gamma2, a.Gamma2[5*16+3])
	}
	mid := a.LensAt(x+0.25, y+0.25)
	want := (a.Kappa[5*16+3] + a.Kappa[5*16+4] + a.Kappa[6*16+3] + a.Kappa[6*16+4]) / 4
	if !near(mid.Kappa, want, 1e-15) {
		t.Errorf("midpoint %g, want %g", mid.Kappa, want)
	}
	// Periodic wrap.
	if w := a.LensAt(x+8, y-16); !near(w.Kappa, l.Kappa, 1e-15) {
		t.Errorf("wrap: %g vs %g", w.Kappa, l.Kappa)
	}
}

func TestCriticalCurves(t *testing.T) {
	sis, _ := NewSIS(1.5)
	crit, caus, err := CriticalCurves(sis, 0, 0, 5, 16)
	if err != nil || len(crit) != 16 {
		t.Fatalf("SIS: %d points, %v", len(crit), err)
	}
	for k := range crit {
		if r := math.Hypot(crit[k][0], crit[k][1]); !near(r, 1.5, 1e-9) {
			t.Errorf("SIS critical radius %g, want 1.5", r)
		}
		if b := math.Hypot(caus[k][0], caus[k][1]); b > 1e-9 {
			t.Errorf("SIS caustic point at %g from the centre, want 0", b)
		}
	}
	sie, _ := NewSIE(1.2, 0.6, 0.5)
	ext, _ := NewExternalShear(0.05, 0.02)
	lens := Sum{sie, ext}
	crit, _, err = CriticalCurves(lens, 0, 0, 6, 36)
	if err != nil || len(crit) < 36 {
		t.Fatalf("SIE: %d points, %v", len(crit), err)
	}
	for _, p := range crit {
		if dt := lens.LensAt(p[0], p[1]).Det(); math.Abs(dt) > 1e-9 {
			t.Errorf("det A = %g on the critical curve at %v", dt, p)
		}
	}
	nfw, _ := NewNFW(2e15, 6, 0.3, 2, DefaultCosmology)
	crit, _, _ = CriticalCurves(nfw, 0, 0, 200, 8)
	t.Logf("NFW 2e15 c=6: %d critical points on 8 rays (tangential and radial)", len(crit))
	if len(crit) != 16 {
		t.Errorf("NFW: want a radial and a tangential critical point on each of 8 rays, got %d points", len(crit))
	}
}

func TestConvolveImage(t *testing.T) {
	img := pix.New(9, 7, 0.1)
	img.Set(4, 3, 2)
	img.Set(0, 0, 1)
	k := pix.New(3, 3, 0.1)
	copy(k.Pix, []float64{0, 0.1, 0, 0.2, 0.4, 0.1, 0, 0.2, 0})
	if err := ConvolveImage(img, k); err != nil {
		t.Fatal(err)
	}
	// A point at (4,3) becomes the kernel centred there; the corner point
	// loses the flux falling off the image (no wrap-around).
	checks := []struct {
		i, j int
		v    float64
	}{{4, 3, 0.8}, {5, 3, 0.2}, {3, 3, 0.4}, {4, 4, 0.4}, {4, 2, 0.2}, {0, 0, 0.4}, {1, 0, 0.1}, {0, 1, 0.2}, {8, 0, 0}, {0, 6, 0}}
	for _, c := range checks {
		if !near(img.At(c.i, c.j), c.v, 1e-14) {
			t.Errorf("pixel (%d,%d) = %g, want %g", c.i, c.j, img.At(c.i, c.j), c.v)
		}
	}
	if err := ConvolveImage(img, pix.New(2, 3, 0.1)); err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("even kernel: %v", err)
	}
}

func TestSIEOrientation(t *testing.T) {
	const q, pa, r = 0.5, 0.6, 0.8
	s, _ := NewSIE(1, q, pa)
	c, sn := math.Cos(pa), math.Sin(pa)
	major := s.LensAt(r*c, r*sn).Kappa
	minor := s.LensAt(-r*sn, r*c).Kappa
	if !near(major, 1/(2*math.Sqrt(q)*r), 1e-14) || !near(minor, math.Sqrt(q)/(2*r), 1e-14) {
		t.Errorf("κ along the major axis %g (want %g), minor %g (want %g)", major, 1/(2*math.Sqrt(q)*r), minor, math.Sqrt(q)/(2*r))
	}
}
