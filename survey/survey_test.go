package survey

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/galforge/galforge/lensing"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/shapes"
)

// writeConfig writes a YAML config into a temp folder and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLoad(t *testing.T, text string) *Config {
	t.Helper()
	c, err := Load(writeConfig(t, text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const stampsYAML = `
seed: 11
image:
  type: stamps
  stamp_size: 32
  pixel_scale: 0.2
  ra: 150
  dec: 2
  offset: 0.5
  noise: {type: gaussian, sigma: 1}
psf: {spec: "gaussian fwhm=0.6"}
galaxies:
  count: 10
  orientation: ring
  flux: {type: uniform, min: 200, max: 800}
  hlr: {type: uniform, min: 0.3, max: 0.6}
  e_rms: 0.2
  parametric: {model: sersic, n: 1}
lensing: {type: list, list: [[0.01, 0.02], [-0.03, 0]]}
`

const fieldYAML = `
seed: 5
image:
  type: field
  nx: 96
  ny: 80
  pixel_scale: 0.25
  ra: 10
  dec: -30
  noise: {type: ccd, sky_level: 50, gain: 2, read_noise: 3}
psf: {spec: "moffat beta=3 fwhm=0.7", variation: {dilate: 0.1, g1_x: 0.02}}
galaxies:
  count: 12
  mag: {type: uniform, min: 20, max: 23}
  hlr: {type: uniform, min: 0.2, max: 0.5}
  e_rms: 0.2
  parametric: {model: bulge+disk, bulge_fraction: {type: uniform, min: 0, max: 0.5}}
lensing:
  type: nfw
  nfw: {mass: 1e15, concentration: 4, z_lens: 0.3, z_source: 1.0, x: 3, y: -2}
`

func TestBadConfigs(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown key", "galaxies:\n  cuont: 3\n", `c.yaml:2: unknown key "galaxies.cuont"`},
		{"unknown top key", "seeed: 3\n", `c.yaml:1: unknown key "seeed"`},
		{"unknown dist key", "galaxies:\n  hlr: {type: uniform, mn: 1, max: 2}\n", `unknown key "galaxies.hlr.mn"`},
		{"shear", "lensing: {type: constant, g1: 0.8, g2: 0.7}\n", "c.yaml:1: lensing.g1: |g|"},
		{"list shear", "lensing: {type: list, list: [[0, 0], [1.5, 0]]}\n", "lensing.list[1]: |g|"},
		{"missing model", "galaxies:\n  source: generator\n  generator: {model: no/such/model}\n", "no/such/model/model.json: no such file"},
		{"negative count", "galaxies:\n  count: -4\n", "c.yaml:2: galaxies.count: -4 must not be negative"},
		{"odd ring", "galaxies: {count: 3, orientation: ring}\n", "ring pairs need an even count"},
		{"sersic n", "galaxies:\n  parametric: {n: 7}\n", "galaxies.parametric.n: value 7 is outside [0.3, 6.2]"},
		{"negative hlr", "galaxies:\n  hlr: -1\n", "galaxies.hlr: value -1 is outside (0, +Inf)"},
		{"bad psf", "psf: {spec: \"blob size=1\"}\n", "psf.spec"},
		{"bad type", "image: {type: mosaic}\n", `image.type: "mosaic" is not one of`},
		{"sie on stamps", "lensing: {sie: {theta_e: 1}}\n", "lensing.sie: a strong lens needs image.type: field"},
		{"yaml syntax", "image: [1, 2\n", "c.yaml:"},
		{"zero count", "psf: {}\ngalaxies:\n  count: 0\n", "c.yaml:3: galaxies.count: 0 galaxies"},
		{"zero pixel scale", "image: {pixel_scale: 0}\npsf: {}\ngalaxies: {}\n", "c.yaml:1: image.pixel_scale: 0 arcsec/pixel must be positive"},
		{"negative pixel scale", "image: {pixel_scale: -0.1}\n", "image.pixel_scale: -0.1"},
		{"zero stamp size", "image: {stamp_size: 0}\n", "image.stamp_size: 0 pixels"},
		{"missing file", "psf: {}\ngalaxies: {source: cosmos, cosmos: {catalog: nope.fits}}\n", "galaxies.cosmos.catalog: file nope.fits: no such file (tried nope.fits from the working directory and "},
		{"empty file", "", `c.yaml: the "psf" section is missing`},
		{"no galaxies", "psf: {spec: \"gaussian fwhm=0.6\"}\n", `c.yaml: the "galaxies" section is missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeConfig(t, tc.yaml))
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line containing %q", msg, tc.want)
			}
		})
	}
}

func TestDistributions(t *testing.T) {
	c := mustLoad(t, "psf: {}\ngalaxies:\n  hlr: {type: powerlaw, min: 0.5, max: 2, slope: -1}\n")
	r := newRand(1, 1)
	var lnSum float64
	const n = 20000
	for range n {
		v := c.Galaxies.HLR.Draw(r)
		if v < 0.5 || v > 2 {
			t.Fatalf("draw %v outside [0.5, 2]", v)
		}
		lnSum += math.Log(v)
	}
	// slope -1: ln x uniform on [ln 0.5, ln 2], mean 0.
	if m := lnSum / n; math.Abs(m) > 0.01 {
		t.Errorf("mean ln hlr = %v, want 0 ± 0.01", m)
	}
}

func TestObjectSeedsAndRings(t *testing.T) {
	c := mustLoad(t, stampsYAML)
	g, err := newObjectGen(c)
	if err != nil {
		t.Fatal(err)
	}
	a, b := g.Object(4), g.Object(5)
	if a.Seed == b.Seed || a.Seed != ObjectSeed(11, 4) {
		t.Errorf("seeds %d %d", a.Seed, b.Seed)
	}
	if a.E1 != -b.E1 || a.E2 != -b.E2 || a.Flux != b.Flux || a.HLR != b.HLR {
		t.Errorf("ring partners differ: %+v vs %+v", a, b)
	}
	if a.G1 != 0.01 || b.G1 != -0.03 {
		t.Errorf("list shear: %v %v", a.G1, b.G1)
	}
}

// runDirs runs c whole and in n shards, merges, and returns both folders.
func runDirs(t *testing.T, c *Config, n int) (whole, merged string) {
	t.Helper()
	dir := t.TempDir()
	whole = filepath.Join(dir, "whole")
	if _, err := Run(c, whole, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	var shards []string
	for i := n - 1; i >= 0; i-- { // out of order on purpose
		d := filepath.Join(dir, "shard"+strconv.Itoa(i))
		if _, err := Run(c, d, Options{Shard: i, Shards: n, Workers: 1 + i%2}); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	merged = filepath.Join(dir, "merged")
	if _, err := Merge(merged, shards); err != nil {
		t.Fatal(err)
	}
	return whole, merged
}

func sameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, name := range names {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", name, a, b)
		}
	}
}

func TestShardsEqualWholeStamps(t *testing.T) {
	c := mustLoad(t, stampsYAML)
	whole, merged := runDirs(t, c, 3)
	sameFiles(t, whole, merged, StampsFile, TruthFITS, TruthCSV, PSFFile, PreviewFile)
	// A second whole run gives the same bytes.
	again := filepath.Join(t.TempDir(), "again")
	if _, err := Run(c, again, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, whole, again, StampsFile, TruthFITS, TruthCSV)
}

func TestShardsEqualWholeField(t *testing.T) {
	c := mustLoad(t, fieldYAML)
	whole, merged := runDirs(t, c, 3)
	sameFiles(t, whole, merged, FieldFile, TruthFITS, TruthCSV, PSFFile, PreviewFile)
}

func TestMergeRejectsIncompleteShards(t *testing.T) {
	c := mustLoad(t, stampsYAML)
	dir := t.TempDir()
	d0 := filepath.Join(dir, "s0")
	if _, err := Run(c, d0, Options{Shard: 0, Shards: 2}); err != nil {
		t.Fatal(err)
	}
	_, err := Merge(filepath.Join(dir, "m"), []string{d0})
	if err == nil || !strings.Contains(err.Error(), "shard 0 of 2") {
		t.Fatalf("merge of 1 of 2 shards: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "m")); !os.IsNotExist(err) {
		t.Error("a failed merge created its output folder")
	}
	// Shard 1 from another seed does not join shard 0.
	other := mustLoad(t, strings.Replace(stampsYAML, "seed: 11", "seed: 12", 1))
	d1 := filepath.Join(dir, "s1")
	if _, err := Run(other, d1, Options{Shard: 1, Shards: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(filepath.Join(dir, "m"), []string{d0, d1}); err == nil || !strings.Contains(err.Error(), "different config") {
		t.Errorf("merge of shards of two configs: %v", err)
	}
}

// readTruth reads truth.csv into column-name -> values.
func readTruth(t *testing.T, dir string) (map[string][]string, int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, TruthCSV))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]string{}
	for _, r := range rows[1:] {
		for k, name := range rows[0] {
			cols[name] = append(cols[name], r[k])
		}
	}
	return cols, len(rows) - 1
}

func fl(t *testing.T, s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTruthShearIsTheField checks that the catalog's applied shear equals
// the NFW field at the catalog position, computed here from x, y alone.
func TestTruthShearIsTheField(t *testing.T) {
	c := mustLoad(t, fieldYAML)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Run(c, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	cols, n := readTruth(t, dir)
	halo, err := lensing.NewNFW(1e15, 4, 0.3, 1.0, lensing.DefaultCosmology)
	if err != nil {
		t.Fatal(err)
	}
	halo.X0, halo.Y0 = 3, -2
	cx, cy := (96-1)/2.0, (80-1)/2.0
	for i := range n {
		u := (fl(t, cols["x"][i]) - cx) * 0.25
		v := (fl(t, cols["y"][i]) - cy) * 0.25
		g1, g2, mu, err := lensing.ShearAt(halo, u, v)
		if err != nil || mu > 10 || mu < 0 {
			continue // strongly lensed position: the survey leaves it unlensed
		}
		if math.Abs(g1-fl(t, cols["g1"][i])) > 1e-12 || math.Abs(g2-fl(t, cols["g2"][i])) > 1e-12 ||
			math.Abs(mu-fl(t, cols["mu"][i])) > 1e-9 {
			t.Errorf("object %d: truth g=(%s,%s) mu=%s, field g=(%v,%v) mu=%v", i,
				cols["g1"][i], cols["g2"][i], cols["mu"][i], g1, g2, mu)
		}
	}
}

// TestTruthIsTrue draws noiseless Gaussian galaxies (Sérsic n = 0.5) with a
// Gaussian PSF and checks the adaptive moments of each stamp against the
// moments predicted from the catalog's hlr, intrinsic e and applied g:
// M = σ_g² A Aᵀ + (σ_psf² + 1/12) I pixels², A = S(g) S(e), S the shear
// matrix. Tolerances: 1e-4 relative on the size, 1e-4 on the distortion
// (measured: 2e-5 and 1e-5).
func TestTruthIsTrue(t *testing.T) {
	c := mustLoad(t, `
seed: 3
image: {type: stamps, stamp_size: 48, pixel_scale: 0.2}
psf: {spec: "gaussian fwhm=0.5"}
galaxies:
  count: 6
  flux: 1000
  hlr: {type: uniform, min: 0.4, max: 0.7}
  e_rms: 0.25
  parametric: {n: 0.5}
lensing: {type: constant, g1: 0.05, g2: -0.03}
`)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Run(c, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	cols, n := readTruth(t, dir)
	imgs := readCube(t, filepath.Join(dir, StampsFile))
	if len(imgs) != n {
		t.Fatalf("%d stamps, %d truth rows", len(imgs), n)
	}
	sigPSF := 0.5 / (2 * math.Sqrt(2*math.Ln2)) / 0.2
	for i := range n {
		m, err := shapes.AdaptiveMoments(imgs[i], shapes.MomentsOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sg := fl(t, cols["hlr"][i]) / math.Sqrt(2*math.Ln2) / 0.2
		A := mul(shearMatrix(fl(t, cols["g1"][i]), fl(t, cols["g2"][i])),
			shearMatrix(fl(t, cols["e1"][i]), fl(t, cols["e2"][i])))
		add := sigPSF*sigPSF + 1.0/12
		mxx := sg*sg*(A[0]*A[0]+A[1]*A[1]) + add
		mxy := sg * sg * (A[0]*A[2] + A[1]*A[3])
		myy := sg*sg*(A[2]*A[2]+A[3]*A[3]) + add
		sigma := math.Pow(mxx*myy-mxy*mxy, 0.25)
		e1, e2 := (mxx-myy)/(mxx+myy), 2*mxy/(mxx+myy)
		t.Logf("object %d: sigma %.5f (truth %.5f) e (%.5f, %.5f) (truth %.5f, %.5f)", i, m.Sigma, sigma, m.E1, m.E2, e1, e2)
		if math.Abs(m.Sigma/sigma-1) > 1e-4 || math.Abs(m.E1-e1) > 1e-4 || math.Abs(m.E2-e2) > 1e-4 {
			t.Errorf("object %d: measured sigma %.5f e (%.5f, %.5f); truth predicts %.5f (%.5f, %.5f)", i, m.Sigma, m.E1, m.E2, sigma, e1, e2)
		}
	}
}

// shearMatrix is the area-preserving shear (1/√(1−g²)) [[1+g1, g2], [g2, 1−g1]].
func shearMatrix(g1, g2 float64) [4]float64 {
	f := 1 / math.Sqrt(1-g1*g1-g2*g2)
	return [4]float64{f * (1 + g1), f * g2, f * g2, f * (1 - g1)}
}

func mul(a, b [4]float64) [4]float64 {
	return [4]float64{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3]}
}

// readCube reads a stamp cube written by Run (float32 primary HDU).
func readCube(t *testing.T, path string) []*pix.Image {
	t.Helper()
	h, err := scanHDUs(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nx, _ := h[0].hdr.Int("NAXIS1")
	ny, _ := h[0].hdr.Int("NAXIS2")
	b := data[h[0].dataStart:]
	var out []*pix.Image
	for k := 0; k < h[0].lastAxis; k++ {
		m := pix.New(int(nx), int(ny), 0.2)
		for i := range m.Pix {
			o := 4 * (k*int(nx*ny) + i)
			m.Pix[i] = float64(math.Float32frombits(uint32(b[o])<<24 | uint32(b[o+1])<<16 | uint32(b[o+2])<<8 | uint32(b[o+3])))
		}
		out = append(out, m)
	}
	return out
}

// TestTruthShearPowerSpectrum checks the catalog's shear against the
// power-spectrum field (the same seeded grid) evaluated at the sky position
// computed here from the catalog's pixel position.
func TestTruthShearPowerSpectrum(t *testing.T) {
	c := mustLoad(t, strings.Replace(fieldYAML, `  type: nfw
  nfw: {mass: 1e15, concentration: 4, z_lens: 0.3, z_source: 1.0, x: 3, y: -2}`, `  type: power_spectrum
  power_spectrum: {amplitude: 1e-3, grid_spacing: 2}`, 1))
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Run(c, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	field, err := newPowerSpectrumField(c, 96*0.25, 80*0.25)
	if err != nil {
		t.Fatal(err)
	}
	cols, n := readTruth(t, dir)
	var rms float64
	for i := range n {
		u := (fl(t, cols["x"][i]) - 47.5) * 0.25
		v := (fl(t, cols["y"][i]) - 39.5) * 0.25
		g1, g2, err := field.LensAt(u, v).ReducedShear()
		if err != nil {
			t.Fatal(err)
		}
		rms += g1*g1 + g2*g2
		if math.Abs(g1-fl(t, cols["g1"][i])) > 1e-12 || math.Abs(g2-fl(t, cols["g2"][i])) > 1e-12 {
			t.Errorf("object %d: truth g=(%s,%s), field (%v,%v)", i, cols["g1"][i], cols["g2"][i], g1, g2)
		}
	}
	if rms = math.Sqrt(rms / float64(n)); !(rms > 1e-3) {
		t.Errorf("rms shear %v: the field is not applied", rms)
	}
}
