package main

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/generator"
)

// TestSampleCommandFITS checks the cube `galforge sample` writes for both
// bundled flow models: axis order (x, y, [band,] sample), BUNIT and pixel
// scale, the pixels of generator.Sample with the same seed, and the
// CATALOG table (one row per sample, condition columns with their units).
func TestSampleCommandFITS(t *testing.T) {
	for _, tc := range []struct {
		model string
		conds []string
		bands int
		unit  string
		scale float64
		cols  map[string]string // column -> TUNIT
		cat   string            // category column and the label asked
		label string
	}{
		{"gz-decals-rings-flow", []string{"ring=1", "size=5"}, 3, "display", 0,
			map[string]string{"INDEX": "", "RING": "", "SIZE": "pixel", "FLUX": "8-bit units x pixels"}, "RING", "1"},
		{"mirabest-first-flow", []string{"fr=FRII"}, 1, "Jy/beam", 5.4,
			map[string]string{"INDEX": "", "FR": ""}, "FR", "FRII"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			dir := filepath.Join("..", "..", "models", tc.model)
			out := filepath.Join(t.TempDir(), "s.fits")
			args := []string{"sample", "--model", dir, "-n", "3", "--steps", "2", "--seed", "7", "-o", out}
			for _, c := range tc.conds {
				args = append(args, "--cond", c)
			}
			if msg, err := runCmd(args...); err != nil {
				t.Fatalf("%v: %s", err, msg)
			}
			f, err := fits.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			h0, err := f.HDU(0)
			if err != nil {
				t.Fatal(err)
			}
			img, err := h0.Image()
			if err != nil {
				t.Fatal(err)
			}
			want := []int{32, 32, tc.bands, 3}
			if tc.bands == 1 {
				want = []int{32, 32, 3}
			}
			if len(img.Axes) != len(want) {
				t.Fatalf("axes %v, want %v", img.Axes, want)
			}
			for k := range want {
				if img.Axes[k] != want[k] {
					t.Fatalf("axes %v, want %v (NAXIS1 = x, NAXIS2 = y, band, sample)", img.Axes, want)
				}
			}
			hd := h0.Header()
			if u, _ := hd.String("BUNIT"); !strings.EqualFold(u, tc.unit) { // the radio data say JY/BEAM
				t.Errorf("BUNIT %q, want %q", u, tc.unit)
			}
			if s, ok := hd.Float("PIXSCALE"); tc.scale > 0 && (!ok || math.Abs(s-tc.scale) > 1e-9) {
				t.Errorf("PIXSCALE %g, want %g", s, tc.scale)
			}
			if d, ok := hd.Float("CDELT1"); tc.scale > 0 && (!ok || math.Abs(d+tc.scale/3600) > 1e-12) {
				t.Errorf("CDELT1 %g, want %g deg", d, -tc.scale/3600)
			}
			if s, _ := hd.Int("GFSEED"); s != 7 {
				t.Errorf("GFSEED %d", s)
			}
			// Same pixels as the library call (float32 cube).
			m, err := generator.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			m.(*generator.Flow).SetSteps(2)
			cond, err := m.Card().ParseConds(tc.conds)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.Sample(cond, 3, 7)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range b.Pix {
				if img.Data[i] != float64(v) {
					t.Fatalf("pixel %d: file %g, library %g", i, img.Data[i], v)
				}
			}
			// Sample 1 band 0 pixel (x=3, y=5) sits at x fastest, then y.
			if got, wantV := img.Data[1*tc.bands*32*32+5*32+3], float64(b.Image(1)[5*32+3]); got != wantV {
				t.Errorf("pixel (3,5) of sample 1: %g, want %g", got, wantV)
			}
			cat, err := f.Find("CATALOG")
			if err != nil {
				t.Fatal(err)
			}
			tab, err := cat.Table()
			if err != nil {
				t.Fatal(err)
			}
			if tab.Rows() != 3 {
				t.Fatalf("CATALOG has %d rows, want 3", tab.Rows())
			}
			got := map[string]string{}
			for _, c := range tab.Columns() {
				got[c.Name] = c.Unit
			}
			if len(got) != len(tc.cols) {
				t.Errorf("CATALOG columns %v, want %v", got, tc.cols)
			}
			for name, unit := range tc.cols {
				if u, ok := got[name]; !ok || u != unit {
					t.Errorf("CATALOG column %s: present %v, unit %q, want %q", name, ok, u, unit)
				}
			}
			labels, err := tab.Strings(tc.cat)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range labels {
				if l != tc.label {
					t.Errorf("row %d: %s = %q, want %q", i, tc.cat, l, tc.label)
				}
			}
			if idx, err := tab.Int64("INDEX"); err != nil || idx[2] != 2 {
				t.Errorf("INDEX %v %v", idx, err)
			}
			if sizes, err := tab.Float64("SIZE"); tc.cat == "RING" && (err != nil || sizes[0] != 5) {
				t.Errorf("SIZE %v %v, want 5", sizes, err)
			}
		})
	}
}

// TestTrainCommandSmoke trains each model kind for a few steps at 16 px on
// a bundled set and checks the run directory: the exported model loads and
// samples 16 px stamps, the log has one finite loss per step and the card
// records the command.
func TestTrainCommandSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models")
	}
	for _, tc := range []struct{ model, data, field string }{
		{"cvae", "gz-decals-rings", "64"},
		{"cgan", "mirabest-first", "96"},
		{"flow", "mirabest-first", "96"},
	} {
		t.Run(tc.model+"-"+tc.data, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			data := filepath.Join("..", "..", "data", tc.data)
			msg, err := runCmd("train", "--model", tc.model, "--data", data, "--size", "16", "--field", tc.field,
				"--steps", "3", "--batch", "4", "--every", "3", "--arch", "channels=4", "--seed", "2", "--out", out)
			if err != nil {
				t.Fatalf("%v: %s", err, msg)
			}
			m, err := generator.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			c := m.Card()
			if c.Model != tc.model || c.Size != 16 || c.Steps != 3 || c.Data != tc.data {
				t.Errorf("card: model %s size %d steps %d data %q", c.Model, c.Size, c.Steps, c.Data)
			}
			b, err := m.Sample(nil, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			if b.N != 2 || b.Size != 16 {
				t.Errorf("sample: %d stamps of %d px", b.N, b.Size)
			}
			lf, err := os.Open(filepath.Join(out, "log.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer lf.Close()
			sc := bufio.NewScanner(lf)
			var lines int
			for sc.Scan() {
				var rec struct {
					Step int
					Loss map[string]float64
				}
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatal(err)
				}
				lines++
				if rec.Step != lines || math.IsNaN(rec.Loss["loss"]) || math.IsInf(rec.Loss["loss"], 0) {
					t.Errorf("log line %d: step %d loss %v", lines, rec.Step, rec.Loss)
				}
			}
			if lines != 3 {
				t.Errorf("%d log lines, want 3", lines)
			}
			for _, f := range []string{"samples.png", "loss.png", "model.json", "model.safetensors"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestSampleCommandBadInput checks that bad --guidance, repeated --cond keys
// and bad output paths are refused naming the flag, that a condition far
// outside the training range warns with the range, and that files are 0644.
func TestSampleCommandBadInput(t *testing.T) {
	dir := filepath.Join("..", "..", "models", "gz-decals-rings-flow")
	tmp := t.TempDir()
	out := filepath.Join(tmp, "s.fits")
	base := []string{"sample", "--model", dir, "-n", "2", "--steps", "1", "-o", out}
	for _, tc := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--guidance", "NaN"}, "--guidance"},
		{[]string{"--guidance", "-1"}, "--guidance"},
		{[]string{"--guidance", "+Inf"}, "--guidance"},
		{[]string{"--cond", "ring=1", "--cond", "ring=0"}, `"ring" given twice`},
		{[]string{"-o", filepath.Join(tmp, "nodir", "s.fits")}, "output directory"},
		{[]string{"-o", tmp}, "existing directory"},
	} {
		msg, err := runCmd(append(append([]string{}, base...), tc.extra...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v (%s), want it to name %q", tc.extra, err, msg, tc.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("refused runs left %s behind", out)
	}
	msg, err := runCmd(append(base, "-q", "--cond", "size=1e6")...)
	if err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	if !strings.Contains(msg, "size=1e+06 is outside the training range") || strings.Contains(msg, "wrote") {
		t.Errorf("output %q: want a range warning and, with -q, no summary", msg)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v (%v), want 0644", out, st.Mode().Perm(), err)
	}
}

// TestJudgeOutDir checks that judge writes outside the model folder by
// default and where -o says otherwise.
func TestJudgeOutDir(t *testing.T) {
	if got, want := judgeOutDir("models/gz-decals-rings-flow/", ""), filepath.Join("out", "judge", "gz-decals-rings-flow"); got != want {
		t.Errorf("default %q, want %q", got, want)
	}
	if got := judgeOutDir("models/x", "r"); got != "r" {
		t.Errorf("-o r gave %q", got)
	}
}

// TestCompareCommandSizes: 128 px real stamps against 32 px samples are
// refused naming --real-field; with the model card's crop and size they
// compare, and the report folder is 0755.
func TestCompareCommandSizes(t *testing.T) {
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen.fits")
	if msg, err := runCmd("sample", "--model", "../../models/gz-decals-rings-flow", "-n", "8", "--steps", "1", "-q", "-o", gen); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	rep := filepath.Join(dir, "rep")
	base := []string{"compare", "--data", "../../data", "--real", "gz-decals-rings:test", "--generated", gen, "--limit", "8", "--steps", "5", "-o", rep}
	if msg, err := runCmd(base...); err == nil || !strings.Contains(err.Error(), "--real-field") {
		t.Errorf("128 px vs 32 px: err %v (%s), want a refusal naming --real-field", err, msg)
	}
	if msg, err := runCmd(append(base, "--real-field", "64", "--size", "32")...); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	if st, err := os.Stat(rep); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("report folder %v %v, want mode 0755", st, err)
	}
	if msg, err := runCmd("compare", "--real", gen, "--generated", gen, "-o", filepath.Join(dir, "no", "rep")); err == nil ||
		!strings.Contains(err.Error(), "output directory") {
		t.Errorf("missing parent: err %v (%s)", err, msg)
	}
}
