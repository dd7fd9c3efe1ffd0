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
	// Condition values are checked against the model card: a category
	// index the model does not have, a number far outside training.
	model := tinyModel(t)
	for _, tc := range []struct{ old, new, want string }{
		{"ring: {type: choice, values: [0, 1]}", "ring: 7", "galaxies.generator.conditions.ring: 7 is not one of the label indices 0..1"},
		{"ring: {type: choice, values: [0, 1]}", "ring: 0.5", "conditions.ring: 0.5 is not one of"},
		{"size: {type: uniform, min: 1, max: 3}", "size: 50", "galaxies.generator.conditions.size: value 50 is outside [0, 3]"},
	} {
		cb := mustLoad(t, strings.Replace(fmt.Sprintf(generatorYAML, model), tc.old, tc.new, 1))
		if _, err := NewSim(cb); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.new, err, tc.want)
		}
	}
}

// TestGeneratorSourceBatchSameBytes: stamps drawn with the batched
// generator source (samples of the next objects drawn together) equal
// those drawn one object at a time in reverse order.
func TestGeneratorSourceBatchSameBytes(t *testing.T) {
	c := mustLoad(t, strings.Replace(fmt.Sprintf(generatorYAML, tinyModel(t)), "count: 6", "count: 40", 1))
	batched, err := NewSim(c)
	if err != nil {
		t.Fatal(err)
	}
	single, err := NewSim(c)
	if err != nil {
		t.Fatal(err)
	}
	single.r.src.(*generatorSource).ahead = 1
	n := batched.N()
	want := make([][]float64, n)
	for i := n - 1; i >= 0; i-- {
		_, b, err := single.Stamp(i)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b.Pix
	}
	for i := range n {
		_, a, err := batched.Stamp(i)
		if err != nil {
			t.Fatal(err)
		}
		for k := range a.Pix {
			if a.Pix[k] != want[i][k] {
				t.Fatalf("object %d pixel %d: batched %g, single %g", i, k, a.Pix[k], want[i][k])
			}
		}
	}
	if got := batched.r.src.(*generatorSource).ahead; got != sampleAhead {
		t.Fatalf("stamps run draws %d samples at a time, want %d", got, sampleAhead)
	}
}

// BenchmarkGeneratorSource reports galaxies per second of the generator
// source on the bundled DECaLS flow model, one draw at a time ("single")
// and in batches ("batched").
func BenchmarkGeneratorSource(b *testing.B) {
	model, err := filepath.Abs(filepath.Join("..", "models", "gz-decals-rings-flow"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(model); err != nil {
		b.Skip("no bundled flow model")
	}
	yaml := strings.Replace(fmt.Sprintf(generatorYAML, model), "count: 6", "count: 64", 1)
	yaml = strings.Replace(yaml, "size: {type: uniform, min: 1, max: 3}", "size: {type: uniform, min: 4, max: 7}", 1)
	for _, ahead := range []int{1, sampleAhead} {
		name := "batched"
		if ahead == 1 {
			name = "single"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "survey.yaml")
			if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
				b.Fatal(err)
			}
			c, err := Load(path)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				s, err := NewSim(c)
				if err != nil {
					b.Fatal(err)
				}
				g := s.r.src.(*generatorSource)
				g.ahead = ahead
				for i := range s.N() {
					o := s.r.gen.Object(i)
					if _, err := g.sample(&o); err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "galaxies/s")
		})
	}
}
