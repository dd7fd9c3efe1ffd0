package main

import (
	"math"
	"os"
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

// TestShapesCommandChecks: bad --threshold/--min-area and output names are
// refused naming the flag or extension; an empty field warns and writes an
// empty table; tables are 0644.
func TestShapesCommandChecks(t *testing.T) {
	dir := t.TempDir()
	img := "../../testdata/galsim/sersic_n1_auto.fits"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--threshold", "-1", "-o", filepath.Join(dir, "x.fits")}, "--threshold"},
		{[]string{"--threshold", "NaN", "-o", filepath.Join(dir, "x.fits")}, "--threshold"},
		{[]string{"--min-area", "0", "-o", filepath.Join(dir, "x.fits")}, "--min-area"},
		{[]string{"-o", filepath.Join(dir, "x.txt")}, `unknown extension ".txt"`},
		{[]string{"-o", filepath.Join(dir, "no", "x.csv")}, "output directory"},
		{[]string{"-o", dir}, "existing directory"},
	} {
		args := append([]string{"shapes", img, "--method", "moments"}, tc.args...)
		if msg, err := runCmd(args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v (%s), want it to name %q", tc.args, err, msg, tc.want)
		}
	}
	empty := filepath.Join(dir, "empty.fits")
	w, err := fits.Create(empty)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteImage(fits.NewHeader(), fits.NewImage(40, 40), -32); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"e.csv", "e.fits"} {
		out := filepath.Join(dir, name)
		msg, err := runCmd("shapes", empty, "--method", "moments", "--threshold", "5", "-o", out)
		if err != nil {
			t.Fatalf("%v: %s", err, msg)
		}
		if !strings.Contains(msg, "0 objects detected above threshold 5") {
			t.Errorf("%s: output %q lacks the 0-objects warning", name, msg)
		}
		if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v, want mode 0644", name, st, err)
		}
	}
}
