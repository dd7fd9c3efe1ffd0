package cosmos

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const example = "../data/cosmos-example/real_galaxy_catalog_23.5_example.fits"

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

// Values below were read with astropy 5.2.1 (fits.getdata) from the
// bundled files.
func TestCatalogRows(t *testing.T) {
	c, err := Open(example)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 100 {
		t.Fatalf("Len = %d, want 100", c.Len())
	}
	g := c.Galaxies[57]
	if g.Ident != 109773 || g.RA != 150.178726 || g.Dec != 2.256422 || g.Band != "F814W" ||
		g.GalFile != "real_galaxy_images.fits" || g.PSFFile != "real_galaxy_PSF_images.fits" || g.GalHDU != 57 || g.PSFHDU != 57 ||
		g.NoiseFile != "acs_I_unrot_sci_20_cf.fits" {
		t.Errorf("row 57 = %+v", g)
	}
	if !near(g.Mag, 22.416000366210938, 1e-15) || !near(g.PixelScale, 0.029999999329447746, 1e-15) ||
		!near(g.NoiseVariance, 1.553619949845597e-05, 1e-15) || !near(g.NoiseMean, 0.00015750199963804334, 1e-15) ||
		!near(g.StampFlux, 26.772489485272672, 1e-15) || !near(g.Weight, 0.22871999442577362, 1e-15) {
		t.Errorf("row 57 numbers = %+v", g)
	}
	if !g.HasFits || !near(g.FluxRadius, 10.432035446166992, 1e-15) || !near(g.ZPhot, 0.21770000457763672, 1e-15) ||
		!near(g.MagAuto, 22.41622543334961, 1e-15) {
		t.Errorf("row 57 fits = %+v", g)
	}
	want := SersicFit{0.032190312216390723, 13.024804659656994, 1.0616164686438614, 0.390659669895546, 0, 126.48709517095247, 124.42415502585885, 1.620105640094527}
	if g.Sersic != want {
		t.Errorf("SERSICFIT = %+v, want %+v", g.Sersic, want)
	}
	if g.Disk.N != 1 || g.Bulge.N != 4 || g.Disk.Re != 13.380931129596247 || g.Bulge.Ie != 0.011276430675200915 ||
		g.Bulge.Q != 0.05 || g.Bulge.Phi != 1.8719968739623143 {
		t.Errorf("BULGEFIT = disk %+v bulge %+v", g.Disk, g.Bulge)
	}
	if g.FitStatus != [5]int64{1, 1, 1, 1, 1} || g.UseBulgeFit || !g.ViableSersic ||
		g.HLR[0] != 0.24422592477491503 || g.Flux[0] != 26.156469675506063 {
		t.Errorf("status/hlr/flux = %v %v %v %v %v", g.FitStatus, g.UseBulgeFit, g.ViableSersic, g.HLR, g.Flux)
	}
	// GalSim's stored HLR[0] is the circularised Sérsic radius in arcsec.
	if h := g.Sersic.HalfLightRadius(0.03); !near(h, g.HLR[0], 1e-6) {
		t.Errorf("HalfLightRadius = %v, stored hlr %v", h, g.HLR[0])
	}
	want57 := Selection{0.04052221420879176, 180.38684679976583, 37.855, 0.0064781, 0.1073574}
	if !g.HasSelection || g.Selection != want57 {
		t.Errorf("selection = %+v, want %+v", g.Selection, want57)
	}
	if c.Galaxies[0].Ident != 100027 || c.Galaxies[99].Ident != 118676 {
		t.Errorf("first/last IDENT %d %d", c.Galaxies[0].Ident, c.Galaxies[99].Ident)
	}
}

func TestCatalogMissingImagesButPSFsWork(t *testing.T) {
	c, err := Open(example)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.HasImages(0) {
		t.Fatal("bundled example unexpectedly has galaxy images")
	}
	_, err = c.Image(3)
	if !errors.Is(err, ErrNoImages) || !strings.Contains(err.Error(), "real_galaxy_images.fits") {
		t.Errorf("Image error = %v", err)
	}
	for _, k := range []struct {
		i, nx, ny    int
		sum, p00, mx float64
	}{
		{0, 37, 37, 0.9593748698807758, 1.6136902559082955e-05, 0.043166205286979675},
		{57, 37, 39, 0.9605937094424917, 1.4573584849131294e-05, 0.0403241403400898},
		{99, 39, 37, 0.9612839843125585, 1.0071364158648066e-05, 0.043238088488578796},
	} {
		p, err := c.PSF(k.i)
		if err != nil {
			t.Fatal(err)
		}
		sum, mx := 0.0, 0.0
		for _, v := range p.Pix {
			sum += v
			mx = math.Max(mx, v)
		}
		if p.Nx != k.nx || p.Ny != k.ny || !near(sum, k.sum, 1e-12) || p.At(0, 0) != k.p00 || mx != k.mx || p.Scale != c.Galaxies[k.i].PixelScale {
			t.Errorf("PSF %d: %dx%d sum %v p00 %v max %v scale %v", k.i, p.Nx, p.Ny, sum, p.At(0, 0), mx, p.Scale)
		}
	}
	cf, err := c.NoiseCorrelation(57)
	if err != nil {
		t.Fatal(err)
	}
	// centre = NOISE_VARIANCE; neighbour keeps the file's ratio
	if cf.Nx != 81 || cf.At(40, 40) != c.Galaxies[57].NoiseVariance ||
		!near(cf.At(41, 40)/cf.At(40, 40), 4.756703418443584e-06/9.986853290349141e-06, 1e-12) {
		t.Errorf("noise CF centre %v neighbour %v", cf.At(40, 40), cf.At(41, 40))
	}
	if _, err := c.PSF(100); err == nil {
		t.Error("PSF(100) accepted")
	}
}

func TestAEGISCatalogHasImages(t *testing.T) {
	c, err := Open("../data/cosmos-example/aegis/AEGIS_F814w_catalog.fits")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 5 || c.Galaxies[0].Ident != 23409 || c.Galaxies[0].HasFits {
		t.Fatalf("AEGIS: %d rows, first %+v", c.Len(), c.Galaxies[0])
	}
	shapes := [][2]int{{46, 70}, {156, 142}, {50, 48}, {44, 39}, {104, 103}} // numpy (ny, nx), README
	for i, s := range shapes {
		m, err := c.Image(i)
		if err != nil {
			t.Fatal(err)
		}
		if m.Ny != s[0] || m.Nx != s[1] || m.Scale != 0.03 {
			t.Errorf("AEGIS %d: %dx%d scale %v, want %dx%d", i, m.Nx, m.Ny, m.Scale, s[1], s[0])
		}
		p, err := c.PSF(i)
		if err != nil || p.Nx != 20 {
			t.Errorf("AEGIS PSF %d: %v %v", i, p, err)
		}
	}
}

func TestLoadStamp(t *testing.T) {
	s, err := LoadStamp("../data/cosmos-example/147246.0_150.416558_1.998697")
	if err != nil {
		t.Fatal(err)
	}
	if s.Ident != "147246.0" || s.RA != 150.416558 || s.Dec != 1.998697 || s.ExpTime != 4056 || s.Unit != "ELECTRONS" {
		t.Errorf("stamp meta %+v", s)
	}
	im := s.Image
	if im.Nx != 543 || im.Ny != 543 || !near(im.Scale, 0.03, 1e-3) {
		t.Errorf("image %dx%d scale %v", im.Nx, im.Ny, im.Scale)
	}
	sum := 0.0
	for _, v := range im.Pix {
		sum += v
	}
	// astropy: data.sum() (float32 accumulation) 124.563217; pixel values exact
	if !near(sum, 124.56321716308594, 1e-5) || float32(im.At(0, 0)) != -0.0014053619233891368 ||
		float32(im.At(271, 271)) != 0.054269786924123764 || float32(im.At(20, 10)) != -0.0056296540424227715 {
		t.Errorf("image sum %v p00 %v centre %v (20,10) %v", sum, im.At(0, 0), im.At(271, 271), im.At(20, 10))
	}
	psum := 0.0
	for _, v := range s.PSF.Pix {
		psum += v
	}
	if s.PSF.Nx != 101 || !near(psum, 0.9997170529553898, 1e-12) || s.PSF.At(50, 50) != 0.037508971989154816 || s.PSF.Scale != im.Scale {
		t.Errorf("PSF %dx%d sum %v centre %v", s.PSF.Nx, s.PSF.Ny, psum, s.PSF.At(50, 50))
	}
	if s.SDSSPSF == nil || s.SDSSPSF.At(25, 25) != 30000-1000 || s.SDSSPSF.Scale != SDSSScale {
		t.Errorf("SDSS PSF %v", s.SDSSPSF)
	}
	if s.SHERA == nil || s.SHERA.Nx != 60 || !near(s.SHERA.At(30, 30), 1014.5907329883418-1000, 1e-12) {
		t.Errorf("SHERA %v", s.SHERA)
	}
	if _, err := LoadStamp("../data/cosmos-example/nothing_1_2"); err == nil {
		t.Error("missing stamp accepted")
	}
}

// TestCatalogAgainstAstropy compares every row with astropy's reading.
func TestCatalogAgainstAstropy(t *testing.T) {
	py := "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import astropy").CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: python3 with astropy needed: %v %s", err, out)
		}
		t.Skipf("python3 with astropy not available: %v", err)
	}
	dir, _ := filepath.Abs("../data/cosmos-example")
	script := `
import json, sys
from astropy.io import fits
d = sys.argv[1]
c = fits.getdata(d + '/real_galaxy_catalog_23.5_example.fits', 1)
f = fits.getdata(d + '/real_galaxy_catalog_23.5_example_fits.fits', 1)
print(json.dumps({'ident': [int(x) for x in c['IDENT']], 'mag': [float(x) for x in c['MAG']],
  'zphot': [float(x) for x in f['zphot']], 'sersic': [[float(v) for v in r] for r in f['sersicfit']],
  'bulge': [[float(v) for v in r] for r in f['bulgefit']], 'var': [float(x) for x in c['NOISE_VARIANCE']]}))
`
	out, err := exec.Command(py, "-c", script, dir).Output()
	if err != nil {
		t.Fatalf("astropy script: %v", err)
	}
	var ref struct {
		Ident         []int64
		Mag, Zphot    []float64
		Sersic, Bulge [][]float64
		Var           []float64
	}
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatal(err)
	}
	c, err := Open(example)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Ident) != c.Len() {
		t.Fatalf("astropy %d rows, galforge %d", len(ref.Ident), c.Len())
	}
	for i, g := range c.Galaxies {
		s, d, b := g.Sersic, g.Disk, g.Bulge
		got := []float64{s.Ie, s.Re, s.N, s.Q, s.Boxiness, s.X0, s.Y0, s.Phi}
		gotB := []float64{d.Ie, d.Re, d.N, d.Q, d.Boxiness, d.X0, d.Y0, d.Phi, b.Ie, b.Re, b.N, b.Q, b.Boxiness, b.X0, b.Y0, b.Phi}
		if g.Ident != ref.Ident[i] || g.Mag != ref.Mag[i] || g.ZPhot != ref.Zphot[i] || g.NoiseVariance != ref.Var[i] {
			t.Errorf("row %d differs from astropy", i)
		}
		for k := range got {
			if got[k] != ref.Sersic[i][k] {
				t.Errorf("row %d sersicfit[%d] = %v, astropy %v", i, k, got[k], ref.Sersic[i][k])
			}
		}
		for k := range gotB {
			if gotB[k] != ref.Bulge[i][k] {
				t.Errorf("row %d bulgefit[%d] = %v, astropy %v", i, k, gotB[k], ref.Bulge[i][k])
			}
		}
	}
}
