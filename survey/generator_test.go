package survey

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/generator"
)

// tinyModel exports a freshly initialised (untrained) 16x16 CVAE with the
// conditions ring (category) and size (number) into a temp folder: enough to
// exercise the generator source without a bundled model.
func tinyModel(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "tiny-cvae")
	c := &generator.Card{Format: generator.CardFormat, Model: "cvae", Size: 16, Bands: 1, Unit: "ADU",
		PixelScale: 0.2,
		Norm:       generator.Norm{Kind: "linear", A: 0, B: 1, Lo: -10, Hi: 10},
		Conds: []generator.CondSpec{{Name: "ring", Kind: "category", Labels: []string{"0", "1"}},
			{Name: "size", Kind: "number", Std: 1}},
		TrainConds: [][]float64{{0, 1}, {1, 2}}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	m, err := generator.NewTrainer(c, 1)
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.Export(dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

const generatorYAML = `
seed: 4
image: {type: stamps, stamp_size: 32, pixel_scale: 0.2, noise: {type: gaussian, sigma: 0.1}}
psf: {spec: "gaussian fwhm=0.7"}
galaxies:
  source: generator
  count: 6
  orientation: ring
  flux: 500
  generator:
    model: %s
    conditions: {ring: {type: choice, values: [0, 1]}, size: {type: uniform, min: 1, max: 3}}
lensing: {type: constant, g1: 0.02, g2: 0}
`

func TestGeneratorSource(t *testing.T) {
	c := mustLoad(t, fmt.Sprintf(generatorYAML, tinyModel(t)))
	whole, merged := runDirs(t, c, 2)
	sameFiles(t, whole, merged, StampsFile, TruthFITS, TruthCSV)
	cols, n := readTruth(t, whole)
	if n != 6 || len(cols["cond_ring"]) != 6 || len(cols["cond_size"]) != 6 {
		t.Fatalf("truth: %d rows, columns %v", n, cols["cond_ring"])
	}
	for i := range n {
		if r := fl(t, cols["cond_ring"][i]); r != 0 && r != 1 {
			t.Errorf("cond_ring %v", r)
		}
		if s := fl(t, cols["cond_size"][i]); s < 1 || s > 3 {
			t.Errorf("cond_size %v", s)
		}
		if h := fl(t, cols["hlr"][i]); !(h > 0) {
			t.Errorf("object %d: measured hlr %v", i, h)
		}
	}
	if cols["cond_size"][0] != cols["cond_size"][1] || cols["rotation"][0] == cols["rotation"][1] {
		t.Errorf("ring partners should share conditions and differ by 90 degrees")
	}
	// An unknown condition is refused with the key named.
	bad := strings.Replace(fmt.Sprintf(generatorYAML, tinyModel(t)), "size: {type", "colour: {type", 1)
	cb := mustLoad(t, bad)
	if _, err := NewSim(cb); err == nil {
		t.Error("unknown condition accepted")
	} else {
		t.Log(err)
	}
}
