package survey

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const py = "/usr/bin/python3"

// haveAstropy reports whether /usr/bin/python3 has astropy; without it the
// test fails when CI is set.
func haveAstropy(t *testing.T) bool {
	t.Helper()
	if err := exec.Command(py, "-c", "import astropy, numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s with astropy is not usable: %v", py, err)
		}
		t.Logf("astropy checks skipped: %s with astropy not available (%v)", py, err)
		return false
	}
	return true
}

// checkScript opens the outputs with astropy: headers, WCS against the truth
// RA/Dec, table columns against the CSV, and data shapes.
const checkScript = `
import sys, csv, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
def check(d, kind):
  img = fits.open(d + "/" + ("stamps.fits" if kind == "stamps" else "image.fits"))
  img.verify("exception")
  h = img[0].header
  assert h["CTYPE1"] == "RA---TAN" and h["CTYPE2"] == "DEC--TAN", h
  w = WCS(h, naxis=2)
  t = fits.open(d + "/truth.fits")
  t.verify("exception")
  tab = t[1].data
  rows = list(csv.DictReader(open(d + "/truth.csv")))
  assert len(rows) == len(tab), (len(rows), len(tab))
  want = ["id","x","y","u","v","ra","dec","flux","hlr","sersic_n","bulge_frac","e1","e2","rotation","g1","g2","kappa","mu","kind","seed"]
  assert list(t[1].columns.names)[:len(want)] == want, t[1].columns.names
  for name in want:
      for k, r in enumerate(rows):
          v = tab[name][k]
          if name == "kind":
              assert v.strip() == r[name], (name, v, r[name])
          else:
              assert float(v) == float(r[name]), (name, k, v, r[name])
  data = img[0].data
  if kind == "stamps":
      assert data.shape == (len(rows), h["NAXIS2"], h["NAXIS1"]), data.shape
      # The WCS puts the configured RA/Dec at the stamp centre.
      ra, dec = w.all_pix2world([(h["NAXIS1"]-1)/2], [(h["NAXIS2"]-1)/2], 0)
      assert abs(ra[0]-h["CRVAL1"]) < 1e-12 and abs(dec[0]-h["CRVAL2"]) < 1e-12
  else:
      assert data.shape == (h["NAXIS2"], h["NAXIS1"]), data.shape
      ra, dec = w.all_pix2world(tab["x"], tab["y"], 0)
      dra = (ra - tab["ra"] + 180) % 360 - 180
      assert np.max(np.abs(dra)) < 1e-9 and np.max(np.abs(dec - tab["dec"])) < 1e-9, (dra, dec - tab["dec"])
  psf = fits.open(d + "/psf.fits")[0].data
  assert abs(psf.sum() - 1) < 1e-2, psf.sum()  # wings beyond the stamp are cut
  print("ok", kind, len(rows))
args = sys.argv[1:]
for k in range(0, len(args), 2):
  check(args[k], args[k+1])
`

// astropyCheck runs checkScript on output folders made from configs.
func astropyCheck(t *testing.T, dirs []string, cfgs []*Config) {
	t.Helper()
	if !haveAstropy(t) {
		return
	}
	args := []string{"-c", checkScript}
	for k, d := range dirs {
		args = append(args, d, cfgs[k].Image.Type)
	}
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok ") != len(dirs) {
		t.Errorf("astropy check failed: %v\n%s", err, out)
	}
	t.Logf("astropy: %s", strings.TrimSpace(string(out)))
}

func TestOutputsOpenInAstropy(t *testing.T) {
	if !haveAstropy(t) {
		t.Skip("no astropy")
	}
	var dirs []string
	var cfgs []*Config
	for _, y := range []string{stampsYAML, fieldYAML} {
		c := mustLoad(t, y)
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := Run(c, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		dirs, cfgs = append(dirs, dir), append(cfgs, c)
	}
	astropyCheck(t, dirs, cfgs)
}

// TestExamples runs every config in examples/ (with at most 8 galaxies) and
// opens the outputs in astropy. A generator example whose bundled model is
// not present runs with a tiny untrained model instead, and says so.
func TestExamples(t *testing.T) {
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) < 5 {
		t.Fatalf("examples: %v %v", paths, err)
	}
	var dirs []string
	var cfgs []*Config
	for _, p := range paths {
		c, err := Load(p)
		if err != nil && strings.Contains(err.Error(), "galaxies.generator.model") {
			t.Logf("%s: bundled model missing (%v); using a tiny untrained model", p, err)
			text, rerr := os.ReadFile(p)
			if rerr != nil {
				t.Fatal(rerr)
			}
			var model string
			for _, line := range strings.Split(string(text), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "model:" {
					model = f[1]
				}
			}
			text = []byte(strings.Replace(string(text), "model: "+model, "model: "+tinyModel(t), 1))
			text = []byte(strings.Replace(string(text), "ring: {type: choice, values: [0, 1]}", "ring: 1", 1))
			c, err = Parse(text, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		c = c.WithCount(min(c.NumObjects(), 8))
		dir := filepath.Join(t.TempDir(), filepath.Base(p))
		if _, err := Run(c, dir, Options{}); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		dirs, cfgs = append(dirs, dir), append(cfgs, c)
	}
	astropyCheck(t, dirs, cfgs)
}
