package profile

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/galforge/galforge/pix"
)

// galsimCase is one entry of testdata/galsim_cases.json (made by
// testdata/make_cases.py from testdata/galsim/manifest.json).
type galsimCase struct {
	File       string     `json:"file"`
	Galaxy     string     `json:"galaxy"`
	PSF        string     `json:"psf"`
	Shear      []float64  `json:"shear"`
	Nx         int        `json:"nx"`
	Ny         int        `json:"ny"`
	Scale      float64    `json:"scale"`
	Method     string     `json:"method"`
	Offset     [2]float64 `json:"offset"`
	RescaleSum float64    `json:"rescale_sum"`
	Add        float64    `json:"add"`
	Peak       float64    `json:"peak"`
	Exact      bool       `json:"exact"`
}

func loadCases(t testing.TB) []galsimCase {
	b, err := os.ReadFile("testdata/galsim_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cases []galsimCase }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

// repoPaths rewrites the repository-relative paths of a SPEC for a test
// running in profile/.
func repoPaths(spec string) string {
	return strings.ReplaceAll(spec, "file=data/", "file=../data/")
}

// drawCase builds and draws one case through the library.
func drawCase(t testing.TB, c galsimCase, acc *Accuracy) *pix.Image {
	gal, err := ParseSpec(strings.ReplaceAll(repoPaths(c.Galaxy), "psf=data/", "psf=../data/"))
	if err != nil {
		t.Fatal(err)
	}
	var psf Profile
	if c.PSF != "none" {
		if psf, err = ParseSpec(repoPaths(c.PSF)); err != nil {
			t.Fatal(err)
		}
	}
	var tr ObjectTransform
	if len(c.Shear) == 2 {
		tr.G1, tr.G2 = c.Shear[0], c.Shear[1]
	}
	p, err := Compose(gal, psf, tr)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMethod(c.Method)
	if err != nil {
		t.Fatal(err)
	}
	img := pix.New(c.Nx, c.Ny, c.Scale)
	if err := Draw(p, img, DrawOptions{Method: m, Offset: c.Offset, Accuracy: acc}); err != nil {
		t.Fatal(err)
	}
	if c.RescaleSum != 0 {
		var s float64
		for _, v := range img.Pix {
			s += v
		}
		for i := range img.Pix {
			img.Pix[i] = img.Pix[i]*c.RescaleSum/s + c.Add
		}
	}
	return img
}

// maxDiff returns max |a-b| over the pixels, excluding a constant bias.
func maxDiff(a, b *pix.Image) float64 {
	var d float64
	for j := 0; j < a.Ny; j++ {
		for i := 0; i < a.Nx; i++ {
			d = math.Max(d, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return d
}

// tolerance vs GalSim, in units of the reference's peak.
func galsimTolerance(c galsimCase) float64 {
	// The brief's bar: 1e-3 of the peak, 3e-3 for the real galaxy
	// reconvolved with the Gaussian.
	if strings.Contains(c.File, "real_galaxy_147246_g1_0p02_gauss0p5") {
		return 3e-3
	}
	return 1e-3
}

func TestGalSimReferences(t *testing.T) {
	cases := loadCases(t)
	t.Logf("%-58s %12s %12s %9s", "case", "|d|/peak", "tolerance", "ms")
	for _, c := range cases {
		ref, _, err := pix.ReadFITS("../"+c.File, "")
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		img := drawCase(t, c, nil)
		ms := time.Since(t0).Seconds() * 1000
		d := maxDiff(img, ref) / c.Peak
		tol := galsimTolerance(c)
		t.Logf("%-58s %12.3e %12.0e %9.1f", strings.TrimPrefix(c.File, "testdata/galsim/"), d, tol, ms)
		if !(d <= tol) {
			t.Errorf("%s: max |galforge - GalSim| = %.3g of peak, want <= %g", c.File, d, tol)
		}
	}
}
