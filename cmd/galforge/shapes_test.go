package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
)

// `galforge shapes` on a GalSim reference image reproduces GalSim's
// re-Gaussianization (manifest: corrected e = 0.373250, 0.186611).
func TestShapesCommandRegauss(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "shapes.fits")
	msg, err := runCmd("shapes", "../../testdata/galsim/conv_exp_hlr0p6_g0p2_0p1_moffat3_48x48_auto.fits",
		"--psf", "../../testdata/galsim/psf_for_conv_moffat_beta3_fwhm0p7_48x48_auto.fits",
		"--catalog", "", "--method", "regauss", "--stamp-size", "48", "-o", out)
	if err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	f, err := fits.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := f.Find("SHAPES")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := h.Table()
	if err != nil {
		t.Fatal(err)
	}
	e1, _ := tb.Float64("e1")
	e2, _ := tb.Float64("e2")
	if tb.Rows() != 1 || math.Abs(e1[0]-0.37324973940849304) > 1e-3 || math.Abs(e2[0]-0.1866111308336258) > 1e-3 {
		t.Errorf("rows %d, e = %v %v; output %q", tb.Rows(), e1, e2, msg)
	}
}

func TestShapesAndCompareCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"shapes", filepath.Join(dir, "none.fits"), "-o", filepath.Join(dir, "x.fits"), "--method", "moments"},
		{"shapes", "../../testdata/galsim/sersic_n1_auto.fits", "-o", filepath.Join(dir, "x.fits"), "--method", "bogus"},
		{"shapes", "../../testdata/galsim/sersic_n1_auto.fits", "-o", filepath.Join(dir, "x.fits"), "--method", "ksb"},
		{"compare", "--real", "nothing:train", "--generated", "x", "-o", filepath.Join(dir, "rep")},
		{"compare", "--real", "a"},
	} {
		if msg, err := runCmd(args...); err == nil {
			t.Errorf("%v succeeded: %s", args, msg)
		} else if !strings.Contains(err.Error(), "none.fits") && !strings.Contains(err.Error(), "--") &&
			!strings.Contains(err.Error(), "psf") {
			t.Errorf("%v: error %q names neither the file nor the flag", args, err)
		}
	}
}
