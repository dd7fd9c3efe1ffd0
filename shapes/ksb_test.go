package shapes

import (
	"math"
	"testing"

	"github.com/galforge/galforge/pix"
)

// gaussImage samples at pixel centres an elliptical Gaussian of the given
// flux, centre (0-based pixels) and covariance (pixels²).
func gaussImage(n int, flux, cx, cy, mxx, mxy, myy float64) *pix.Image {
	img := pix.New(n, n, 0.2)
	det := mxx*myy - mxy*mxy
	ixx, ixy, iyy := myy/det, -mxy/det, mxx/det
	a := flux / (2 * math.Pi * math.Sqrt(det))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			img.Set(x, y, a*math.Exp(-0.5*(ixx*dx*dx+2*ixy*dx*dy+iyy*dy*dy)))
		}
	}
	return img
}

// shearedCov returns the covariance of a round Gaussian of variance s2
// after the area-preserving shear g: M = s2 A Aᵀ with
// A = (1−g1²−g2²)^(−1/2) [[1+g1, g2], [g2, 1−g1]].
func shearedCov(s2, g1, g2 float64) (mxx, mxy, myy float64) {
	f := s2 / (1 - g1*g1 - g2*g2)
	return f * ((1+g1)*(1+g1) + g2*g2), f * 2 * g2, f * ((1-g1)*(1-g1) + g2*g2)
}

func TestAdaptiveMomentsShearedGaussian(t *testing.T) {
	g1, g2 := 0.2, -0.1
	mxx, mxy, myy := shearedCov(9, g1, g2)
	img := gaussImage(64, 1000, 31.7, 32.2, mxx, mxy, myy)
	m, err := AdaptiveMoments(img, MomentsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Mxx", m.Mxx, mxx}, {"Mxy", m.Mxy, mxy + mxx}, {"Myy", m.Myy, myy},
		{"sigma", m.Sigma, 3}, {"amp", m.Amp, 1000}, {"x", m.X, 31.7}, {"y", m.Y, 32.2},
	} {
		want := c.want
		if c.name == "Mxy" {
			want = mxy
		}
		if math.Abs(c.got-want) > 1e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.8g, want %.8g", c.name, c.got, want)
		}
	}
	gg1, gg2 := m.G()
	if math.Abs(gg1-g1) > 1e-5 || math.Abs(gg2-g2) > 1e-5 {
		t.Errorf("g = (%g, %g), want (%g, %g)", gg1, gg2, g1, g2)
	}
	if math.Abs(m.Rho4-2) > 1e-5 {
		t.Errorf("rho4 = %g, want 2 for a Gaussian", m.Rho4)
	}
}

func TestMomentsFailures(t *testing.T) {
	if _, err := AdaptiveMoments(pix.New(16, 16, 0.2), MomentsOptions{}); FlagOf(err) != FlagEmpty {
		t.Errorf("all-zero image: %v", err)
	}
	if _, err := AdaptiveMoments(nil, MomentsOptions{}); FlagOf(err) != FlagBadInput {
		t.Errorf("nil image: %v", err)
	}
	// An object 25 px from the guess pulls the centroid past MaxAShift.
	img := gaussImage(64, 100, 5, 5, 4, 0, 4)
	if m, err := AdaptiveMoments(img, MomentsOptions{}); err == nil || m.Flag == 0 {
		t.Errorf("far object converged: %+v", m)
	} else {
		t.Logf("far object: flag %v: %v", m.Flag, err)
	}
}

func TestEllipticityConversions(t *testing.T) {
	e1, e2 := ShearToDistortion(0.3, -0.2)
	g1, g2 := DistortionToShear(e1, e2)
	if math.Abs(g1-0.3) > 1e-14 || math.Abs(g2+0.2) > 1e-14 {
		t.Errorf("round trip g -> e -> g = (%g, %g)", g1, g2)
	}
	// Composing a shear with its inverse gives zero.
	a, b := shearMult(0.3, 0.1, -0.3, -0.1)
	if math.Abs(a) > 1e-14 || math.Abs(b) > 1e-14 {
		t.Errorf("e then -e = (%g, %g)", a, b)
	}
}

// For Gaussian galaxies and PSFs the PSF-corrected shapes recover the
// pre-seeing ellipticity: exactly for re-Gaussianization, to a few per cent
// of the shear for KSB (its polarisabilities are first order in e).
func TestPSFCorrectionGaussians(t *testing.T) {
	g1, g2 := 0.05, -0.03
	sgal2, spsf2 := 2.5*2.5, 2.0*2.0
	gxx, gxy, gyy := shearedCov(sgal2, g1, g2)
	pxx, pxy, pyy := shearedCov(spsf2, 0.04, 0.02) // an elliptical PSF
	gal := gaussImage(64, 1000, 31.5, 31.5, gxx+pxx, gxy+pxy, gyy+pyy)
	psf := gaussImage(48, 1, 23.5, 23.5, pxx, pxy, pyy)
	we1, we2 := ShearToDistortion(g1, g2)

	rg, err := Regauss(gal, psf, ShearOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rg.E1-we1) > 2e-4 || math.Abs(rg.E2-we2) > 2e-4 {
		t.Errorf("regauss e = (%.6f, %.6f), want (%.6f, %.6f)", rg.E1, rg.E2, we1, we2)
	}
	wantR := 1 - spsf2/(sgal2+spsf2)
	if math.Abs(rg.Resolution-wantR) > 1e-3 {
		t.Errorf("resolution %g, want %g", rg.Resolution, wantR)
	}

	ks, err := KSB(gal, psf, ShearOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ks.G1-g1) > 0.05*math.Abs(g1)+2e-3 || math.Abs(ks.G2-g2) > 0.05*math.Abs(g2)+2e-3 {
		t.Errorf("KSB g = (%.5f, %.5f), want (%.5f, %.5f)", ks.G1, ks.G2, g1, g2)
	}
	// The uncorrected shape is strongly diluted and biased by the PSF.
	if math.Hypot(rg.Observed.E1-we1, rg.Observed.E2-we2) < 0.02 {
		t.Errorf("observed e (%g, %g) is not biased: the test cannot see a correction", rg.Observed.E1, rg.Observed.E2)
	}
	t.Logf("true g (%.4f, %.4f) e (%.4f, %.4f); observed e (%.4f, %.4f); regauss e (%.5f, %.5f); KSB g (%.5f, %.5f)",
		g1, g2, we1, we2, rg.Observed.E1, rg.Observed.E2, rg.E1, rg.E2, ks.G1, ks.G2)
}
