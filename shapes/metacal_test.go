package shapes

import (
	"math"
	"testing"

	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

const mcScale = 0.2 // arcsec per pixel

type mcGalaxy struct {
	n, hlr, e float64 // Sérsic index, half-light radius (arcsec), intrinsic |g|
}

// drawSheared draws galaxy gc with its intrinsic shape at angle theta,
// sheared by g and convolved with psf, on an n×n stamp.
func drawSheared(t testing.TB, gc mcGalaxy, theta float64, g [2]float64, psf profile.Profile, n int) *pix.Image {
	t.Helper()
	base, err := profile.Sersic(gc.n, gc.hlr, 1000)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Shear(base, gc.e*math.Cos(2*theta), gc.e*math.Sin(2*theta))
	if err != nil {
		t.Fatal(err)
	}
	if p, err = profile.Shear(p, g[0], g[1]); err != nil {
		t.Fatal(err)
	}
	if p, err = profile.Convolve(p, psf); err != nil {
		t.Fatal(err)
	}
	img := pix.New(n, n, mcScale)
	if err := profile.Draw(p, img, profile.DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	return img
}

func testPSF(t testing.TB, n int, g1, g2 float64) (profile.Profile, *pix.Image) {
	t.Helper()
	psf, err := profile.Moffat(3, 0.7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if psf, err = profile.Shear(psf, g1, g2); err != nil {
		t.Fatal(err)
	}
	img := pix.New(n, n, mcScale)
	if err := profile.Draw(psf, img, profile.DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	return psf, img
}

// On noise-free Sérsic galaxies seen through a Moffat PSF, metacalibration
// recovers an applied shear with |m| < 1e-3 and |c| < 1e-4 (ring test:
// four orientations cancel the intrinsic shapes), while the raw adaptive
// moments are biased by tens of per cent.
func TestMetacalShearBias(t *testing.T) {
	const gtrue = 0.01
	const stamp = 48
	type mcCase struct {
		gal    mcGalaxy
		psfG   [2]float64 // PSF shear
		nComps int
	}
	cases := []mcCase{
		{mcGalaxy{1, 0.5, 0.2}, [2]float64{}, 2},
		{mcGalaxy{2.5, 0.45, 0.3}, [2]float64{}, 2},
		{mcGalaxy{0.5, 0.6, 0.1}, [2]float64{}, 2},
		{mcGalaxy{1.5, 0.4, 0.2}, [2]float64{0.06, -0.04}, 2}, // anisotropic PSF: c from leakage
	}
	if testing.Short() {
		cases = cases[:1]
	}
	var ms, cs, raws []float64
	for _, tc := range cases {
		gc := tc.gal
		psf, psfImg := testPSF(t, stamp, tc.psfG[0], tc.psfG[1])
		for comp := 0; comp < tc.nComps; comp++ {
			var g [2]float64
			g[comp] = gtrue
			var rs []MetacalResult
			var raw [2]float64
			for k := 0; k < 4; k++ {
				img := drawSheared(t, gc, float64(k)*math.Pi/4, g, psf, stamp)
				r, err := Metacal(img, psfImg, MetacalOptions{})
				if err != nil {
					t.Fatalf("%+v: %v", gc, err)
				}
				rs = append(rs, r)
				m, err := AdaptiveMoments(img, MomentsOptions{})
				if err != nil {
					t.Fatal(err)
				}
				g1, g2 := m.G()
				raw[0] += g1 / 4
				raw[1] += g2 / 4
			}
			s := Average(rs, nil, 0)
			m := s.Shear[comp]/gtrue - 1
			c := s.Shear[1-comp]
			ms = append(ms, m)
			cs = append(cs, c)
			raws = append(raws, raw[comp]/gtrue-1)
			t.Logf("psf g=(%.2f,%.2f) n=%.1f hlr=%.2f e=%.1f g%d: R=[%.4f %.4f; %.4f %.4f] m=%+.2e c=%+.2e raw m=%+.3f",
				tc.psfG[0], tc.psfG[1], gc.n, gc.hlr, gc.e, comp+1, s.R[0][0], s.R[0][1], s.R[1][0], s.R[1][1], m, c, raw[comp]/gtrue-1)
		}
	}
	mm, me := meanErr(ms)
	cm, ce := meanErr(cs)
	rm, _ := meanErr(raws)
	t.Logf("metacal: m = %+.2e ± %.1e, c = %+.2e ± %.1e over %d cases; raw moments m = %+.3f", mm, me, cm, ce, len(ms), rm)
	for i := range ms {
		if math.Abs(ms[i]) > 1e-3 || math.Abs(cs[i]) > 1e-4 {
			t.Errorf("case %d: m = %.2e, c = %.2e", i, ms[i], cs[i])
		}
		if math.Abs(raws[i]) < 0.1 {
			t.Errorf("case %d: raw moments m = %.3f: the PSF bias is not detected", i, raws[i])
		}
	}
}

func meanErr(v []float64) (mean, err float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// The selection response is the change of ⟨e⟩ (from the unsheared images)
// when the selection is made on the sheared images' moments.
func TestAverageSelectionResponse(t *testing.T) {
	mk := func(e1 float64, s1p, s1m float64) MetacalResult {
		r := MetacalResult{E: [2]float64{e1, 0}, R: [2][2]float64{{0.5, 0}, {0, 0.5}}}
		r.Noshear.Sigma = 2
		r.Sheared[Shear1P].Sigma, r.Sheared[Shear1M].Sigma = s1p, s1m
		r.Sheared[Shear2P].Sigma, r.Sheared[Shear2M].Sigma = 2, 2
		return r
	}
	// Object a (e1 = +0.1) passes only when sheared by +g1, object b
	// (e1 = −0.1) only when sheared by −g1; both pass unsheared.
	rs := []MetacalResult{mk(0.1, 2, 1), mk(-0.1, 1, 2), mk(0.02, 2, 2)}
	sel := func(m Moments) bool { return m.Sigma > 1.5 }
	s := Average(rs, sel, 0.01)
	// ⟨e1⟩ with S+ = {a, c} = 0.06, with S− = {b, c} = −0.04: R_S = 0.1/0.02 = 5.
	if s.N != 3 || math.Abs(s.RSel[0][0]-5) > 1e-12 || s.RSel[1][1] != 0 {
		t.Errorf("N = %d, R_sel = %v, want 3 and R_sel11 = 5", s.N, s.RSel)
	}
	want := (0.02 / 3) / (0.5 + 5)
	if math.Abs(s.Shear[0]-want) > 1e-12 {
		t.Errorf("shear %g, want %g", s.Shear[0], want)
	}
}

// Noise symmetrisation adds R⁻¹ M_s(R N) to each image: with a PSF that
// is symmetric under 90° rotations, that is exactly M_{−s}(N). So on an
// empty stamp the +g1 image equals the −g1 image of the plain noise.
func TestMetacalNoiseSymmetrisation(t *testing.T) {
	_, psf := testPSF(t, 32, 0, 0)
	opt := MetacalOptions{NoiseSigma: 2, NoiseSeed: 42}
	sym, err := MetacalImages(pix.New(32, 32, mcScale), psf, opt)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := MetacalImages(noiseImage(32, 32, mcScale, 2, 42), psf, MetacalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]int{{0, 0}, {1, 2}, {2, 1}, {3, 4}, {4, 3}} {
		worst := 0.0
		for i := range sym[p[0]].Pix {
			worst = math.Max(worst, math.Abs(sym[p[0]].Pix[i]-plain[p[1]].Pix[i]))
		}
		t.Logf("image %d vs noise image %d: max difference %.2e (noise rms 2)", p[0], p[1], worst)
		if worst > 1e-6 {
			t.Errorf("image %d differs from noise image %d by %.2e", p[0], p[1], worst)
		}
	}
	if _, err := MetacalImages(pix.New(32, 30, mcScale), psf, opt); err == nil {
		t.Error("noise symmetrisation accepted a non-square stamp")
	}
}
