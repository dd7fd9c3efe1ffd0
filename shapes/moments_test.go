package shapes

import (
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
	"math"
	"strings"
	"testing"
)

func TestAdaptiveMomentsGalSim(t *testing.T) {
	n := 0
	var worst [4]float64 // |dsigma/sigma|, |de|, |dcentroid|, |damp/amp|
	for _, f := range readManifest(t) {
		ref := f.Adaptive
		img := readGalSimImage(t, f.File)
		if ref == nil && f.Shera != nil && f.Shera.HSM != nil {
			ref = f.Shera.HSM
			for i := range img.Pix {
				img.Pix[i] -= 1000 // SDSS soft bias
			}
		}
		if ref == nil {
			continue
		}
		m, err := AdaptiveMoments(img, MomentsOptions{})
		if ref.Error != "" {
			// GalSim gave up; galforge must flag it too, not return numbers.
			if err == nil || m.Flag == 0 {
				t.Errorf("%s: GalSim failed (%q) but galforge converged: %+v", f.File, ref.Error, m)
			}
			t.Logf("%s: GalSim failed (%q); galforge: flag %v err %v niter %d sigma %.7g", f.File, ref.Error, m.Flag, err, m.NIter, m.Sigma)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f.File, err)
			continue
		}
		n++
		dsig := m.Sigma/ref.Sigma - 1
		de1, de2 := m.E1-ref.E1, m.E2-ref.E2
		dx, dy := m.X+1-ref.X, m.Y+1-ref.Y
		damp := m.Amp/ref.Amp - 1
		t.Logf("%-55s dsig %9.2e de %9.2e %9.2e dxy %9.2e %9.2e damp %9.2e drho4 %9.2e niter %d/%d",
			f.File, dsig, de1, de2, dx, dy, damp, m.Rho4-ref.Rho4, m.NIter, ref.NIter)
		worst[0] = math.Max(worst[0], math.Abs(dsig))
		worst[1] = math.Max(worst[1], math.Max(math.Abs(de1), math.Abs(de2)))
		worst[2] = math.Max(worst[2], math.Max(math.Abs(dx), math.Abs(dy)))
		worst[3] = math.Max(worst[3], math.Abs(damp))
		if math.Abs(dsig) > 1e-4 || math.Abs(de1) > 1e-4 || math.Abs(de2) > 1e-4 ||
			math.Abs(dx) > 1e-4 || math.Abs(dy) > 1e-4 || math.Abs(damp) > 1e-4 {
			t.Errorf("%s: mismatch", f.File)
		}
	}
	t.Logf("%d images: worst |Δσ/σ| %.1e, |Δe| %.1e, |Δcentroid| %.1e px, |Δamp/amp| %.1e",
		n, worst[0], worst[1], worst[2], worst[3])
	if n < 37 {
		t.Errorf("only %d reference measurements", n)
	}
}

func TestRegaussGalSim(t *testing.T) {
	n := 0
	worst := 0.0
	for _, f := range readManifest(t) {
		ref := f.Shear
		if ref == nil {
			continue
		}
		gal := readGalSimImage(t, f.File)
		var psf *pix.Image
		if strings.HasSuffix(ref.PSF, ".fits") {
			psf = readGalSimImage(t, ref.PSF)
		} else {
			// The 47x47 cases used a Moffat (beta 3, FWHM 0.7", unit flux,
			// method auto) centred on the stamp; GalSim did not write it,
			// so it is drawn here with package profile.
			psf = drawMoffatPSF(t, gal.Nx)
		}
		r, err := Regauss(gal, psf, ShearOptions{})
		if err != nil {
			t.Errorf("%s: %v", f.File, err)
			continue
		}
		n++
		t.Logf("%-50s de %9.2e %9.2e dR %9.2e dsig %9.2e dpsfsig %9.2e", f.File,
			r.E1-ref.CorrE1, r.E2-ref.CorrE2, r.Resolution-ref.Res, r.Sigma/ref.GalSig-1, r.PSFSigma/ref.PSFSig-1)
		worst = math.Max(worst, math.Max(math.Abs(r.E1-ref.CorrE1), math.Abs(r.E2-ref.CorrE2)))
		if math.Abs(r.E1-ref.CorrE1) > 1e-3 || math.Abs(r.E2-ref.CorrE2) > 1e-3 {
			t.Errorf("%s: corrected e (%g, %g), GalSim (%g, %g)", f.File, r.E1, r.E2, ref.CorrE1, ref.CorrE2)
		}
	}
	t.Logf("%d REGAUSS references: worst |Δe| %.1e", n, worst)
	if n < 8 {
		t.Errorf("only %d REGAUSS references", n)
	}
}

func drawMoffatPSF(t testing.TB, n int) *pix.Image {
	t.Helper()
	p, err := profile.Moffat(3, 0.7, 1)
	if err != nil {
		t.Fatal(err)
	}
	img := pix.New(n, n, 0.2)
	if err := profile.Draw(p, img, profile.DrawOptions{}); err != nil {
		t.Fatal(err)
	}
	return img
}

// profile draws the Moffat PSF as GalSim does: the stored 48x48 PSF file
// and profile's drawing agree, so the drawn 47x47 PSF stands in for
// GalSim's unstored one.
func TestMoffatPSFMatchesGalSim(t *testing.T) {
	ref := readGalSimImage(t, "psf_for_conv_moffat_beta3_fwhm0p7_48x48_auto.fits")
	img := drawMoffatPSF(t, 48)
	worst, peak := 0.0, 0.0
	for i := range ref.Pix {
		worst = math.Max(worst, math.Abs(img.Pix[i]-ref.Pix[i]))
		peak = math.Max(peak, ref.Pix[i])
	}
	t.Logf("max |profile − GalSim| = %.2e of the peak", worst/peak)
	if worst > 1e-3*peak {
		t.Errorf("profile Moffat differs from GalSim by %.2e of the peak", worst/peak)
	}
}
