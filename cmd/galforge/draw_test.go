package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/pix"
)

// TestDrawCommandGalSim draws every GalSim reference case of
// profile/testdata/galsim_cases.json through `galforge draw`.
func TestDrawCommandGalSim(t *testing.T) {
	b, err := os.ReadFile("../../profile/testdata/galsim_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			File, Galaxy, PSF, Method string
			Shear                     []float64
			Nx, Ny                    int
			Scale                     float64
			Offset                    [2]float64
			RescaleSum                float64 `json:"rescale_sum"`
			Add, Peak                 float64
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fix := func(s string) string {
		s = strings.ReplaceAll(s, "file=data/", "file=../../data/")
		return strings.ReplaceAll(s, "psf=data/", "psf=../../data/")
	}
	t.Logf("%-58s %12s", "case", "|d|/peak")
	for i, c := range f.Cases {
		if testing.Short() && strings.Contains(c.File, "real_galaxy") {
			continue
		}
		out := filepath.Join(dir, fmt.Sprintf("c%d.fits", i))
		args := []string{"draw", "--galaxy", fix(c.Galaxy), "--psf", fix(c.PSF),
			"--nx", fmt.Sprint(c.Nx), "--ny", fmt.Sprint(c.Ny), "--scale", fmt.Sprint(c.Scale),
			"--method", c.Method, "--offset", fmt.Sprintf("%g,%g", c.Offset[0], c.Offset[1]), "-o", out}
		if len(c.Shear) == 2 {
			args = append(args, "--shear", fmt.Sprintf("%g,%g", c.Shear[0], c.Shear[1]))
		}
		if msg, err := runCmd(args...); err != nil {
			t.Fatalf("%s: %v\n%s", c.File, err, msg)
		}
		img, _, err := pix.ReadFITS(out, "")
		if err != nil {
			t.Fatal(err)
		}
		if img.Scale != c.Scale {
			t.Errorf("%s: PIXSCALE %g, want %g", c.File, img.Scale, c.Scale)
		}
		ref, _, err := pix.ReadFITS("../../"+c.File, "")
		if err != nil {
			t.Fatal(err)
		}
		if c.RescaleSum != 0 {
			var s float64
			for _, v := range img.Pix {
				s += v
			}
			for k := range img.Pix {
				img.Pix[k] = img.Pix[k]*c.RescaleSum/s + c.Add
			}
		}
		var d float64
		for k := range img.Pix {
			d = math.Max(d, math.Abs(img.Pix[k]-ref.Pix[k]))
		}
		d /= c.Peak
		tol := 1e-3
		if strings.Contains(c.File, "real_galaxy_147246_g1_0p02_gauss0p5") {
			tol = 3e-3
		}
		t.Logf("%-58s %12.3e", strings.TrimPrefix(c.File, "testdata/galsim/"), d)
		if !(d <= tol) {
			t.Errorf("%s: max |galforge draw - GalSim| = %.3g of peak, want <= %g", c.File, d, tol)
		}
	}
}

func TestDrawCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.fits")
	base := []string{"draw", "--nx", "32", "--ny", "32", "--scale", "0.2", "-o", out}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--galaxy", "sersic n=7 hlr=0.5", "--psf", "none"}, "n = 7"},
		{[]string{"--galaxy", "gaussian sigma=-1", "--psf", "none"}, "sigma"},
		{[]string{"--galaxy", "blob size=1", "--psf", "none"}, "unknown profile word"},
		{[]string{"--galaxy", "gaussian sigma=1 size=2", "--psf", "none"}, `unknown key "size"`},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--shear", "0.8,0.8"}, "|g|"},
		{[]string{"--galaxy", "gaussian sigma=NaN", "--psf", "none"}, "sigma"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--method", "photons"}, "method"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--offset", "1"}, "--offset"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--magnify", "0"}, "--magnify"},
		{[]string{"--galaxy", "gaussian sigma=300", "--psf", "moffat beta=3 fwhm=0.7"}, "MaximumFFTSize"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", ""}, "--psf none"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--png", filepath.Join(dir, "nodir", "a.png")},
			"--png: output directory " + filepath.Join(dir, "nodir") + " does not exist"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--png", dir}, "is an existing directory"},
		{[]string{"--galaxy", "gaussian sigma=1", "--psf", "none", "--png", out}, "same file"},
	} {
		msg, err := runCmd(append(append([]string{}, base...), c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v (%s), want one containing %q", c.args, err, msg, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%v: output written despite the error", c.args)
		}
	}
	for _, o := range []string{filepath.Join(dir, "nodir", "x.fits"), dir} {
		_, err := runCmd("draw", "--nx", "8", "--ny", "8", "--scale", "0.2", "--galaxy", "gaussian sigma=1", "--psf", "none", "-o", o)
		if err == nil || !strings.Contains(err.Error(), "--output: output") {
			t.Errorf("-o %s: error %v, want one about the output path", o, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
}

// TestDrawCommandTransformOrder: an elliptical Gaussian through --rotate,
// --shear, --magnify and --shift has the covariance μ S R C0 Rᵀ Sᵀ, the
// centroid of the shift and the flux × μ.
func TestDrawCommandTransformOrder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "g.fits")
	const sigma, s, mu = 0.3, 0.05, 1.2
	_, err := runCmd("draw", "--galaxy", "gaussian sigma=0.3 flux=2 g1=0.2", "--psf", "none",
		"--rotate", "30", "--shear", "0.1,-0.05", "--magnify", "1.2", "--shift", "0.2,-0.1",
		"--method", "no_pixel", "--nx", "128", "--ny", "128", "--scale", "0.05", "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := pix.ReadFITS(out, "")
	if err != nil {
		t.Fatal(err)
	}
	shear := func(g1, g2 float64) [4]float64 {
		f := 1 / math.Sqrt(1-g1*g1-g2*g2)
		return [4]float64{f * (1 + g1), f * g2, f * g2, f * (1 - g1)}
	}
	mul := func(a, b [4]float64) [4]float64 {
		return [4]float64{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3]}
	}
	sn, cs := math.Sincos(30 * math.Pi / 180)
	a := mul(shear(0.1, -0.05), mul([4]float64{cs, -sn, sn, cs}, shear(0.2, 0)))
	m := math.Sqrt(mu)
	for i := range a {
		a[i] *= m
	}
	want := [3]float64{sigma * sigma * (a[0]*a[0] + a[1]*a[1]), sigma * sigma * (a[0]*a[2] + a[1]*a[3]), sigma * sigma * (a[2]*a[2] + a[3]*a[3])}
	cx, cy := img.Center()
	var f, mx, my float64
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			v := img.At(i, j)
			f += v
			mx += v * (float64(i) - cx) * s
			my += v * (float64(j) - cy) * s
		}
	}
	mx /= f
	my /= f
	var xx, xy, yy float64
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			v := img.At(i, j) / f
			x, y := (float64(i)-cx)*s-mx, (float64(j)-cy)*s-my
			xx += v * x * x
			xy += v * x * y
			yy += v * y * y
		}
	}
	if math.Abs(f/(2*mu)-1) > 1e-6 || math.Abs(mx-0.2) > 1e-6 || math.Abs(my+0.1) > 1e-6 {
		t.Errorf("flux %g (want %g), centroid (%g, %g) (want 0.2, -0.1)", f, 2*mu, mx, my)
	}
	for i, g := range [3]float64{xx, xy, yy} {
		if math.Abs(g-want[i]) > 1e-4*sigma*sigma {
			t.Errorf("moment %d: %.6g, want %.6g", i, g, want[i])
		}
	}
}
