package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
)

func TestLensCommandSISMagnification(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ring.fits")
	png := filepath.Join(dir, "ring.png")
	_, err := runCmd("lens", "--source", "gaussian sigma=0.02 flux=100", "--einstein", "1", "--q", "1",
		"--source-shift", "0.3,0", "--nx", "300", "--ny", "300", "--scale", "0.01", "--psf", "gaussian sigma=0.02",
		"-o", out, "--png", png)
	if err != nil {
		t.Fatal(err)
	}
	img, hdr, err := fits.ReadImageFile(out, "")
	if err != nil {
		t.Fatal(err)
	}
	mu, _ := hdr.Float("MAGNIF")
	// SIS, small source: 2θ_E/β (1 + σ²/(2β²)) = 6.6815.
	if want := 2 / 0.3 * (1 + 0.02*0.02/(2*0.3*0.3)); math.Abs(mu/want-1) > 2e-3 {
		t.Errorf("MAGNIF %g, want %g", mu, want)
	}
	var sum float64
	for _, v := range img.Data {
		sum += v
	}
	if math.Abs(sum/(100*mu)-1) > 1e-6 {
		t.Errorf("flux after the PSF %g, before %g", sum, 100*mu)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("PNG preview missing: %v", err)
	}
}

func TestLensCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bad.fits")
	base := []string{"lens", "--source", "sersic n=1 hlr=0.2", "--einstein", "1", "--nx", "16", "--ny", "16", "--scale", "0.1", "-o", out}
	cases := []struct {
		extra []string
		want  string
	}{
		{[]string{"--q", "0"}, "--q"},
		{[]string{"--q", "1.01"}, "--q"},
		{[]string{"--einstein", "NaN"}, "--einstein"},
		{[]string{"--shear", "0.9,0.5"}, "--shear"},
		{[]string{"--source-shift", "1"}, "--source-shift"},
		{[]string{"--source", "sersic n=1"}, "--source"},
		{[]string{"--psf", "moffat"}, "--psf"},
		{[]string{"--scale", "-1"}, "--scale"},
		{[]string{"--nx", "0"}, "--nx"},
		{[]string{"--psf", ""}, "--psf none"},
		{[]string{"--png", filepath.Join(dir, "nodir", "a.png")}, "--png: output directory " + filepath.Join(dir, "nodir") + " does not exist"},
		{[]string{"--magmap", filepath.Join(dir, "nodir", "m.fits")}, "--magmap: output directory"},
		{[]string{"--magmap", dir}, "--magmap: output " + dir + " is an existing directory"},
	}
	for _, c := range cases {
		_, err := runCmd(append(append([]string{}, base...), c.extra...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want one naming %s", c.extra, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Fatalf("%v: output written despite the error", c.extra)
		}
	}
}
