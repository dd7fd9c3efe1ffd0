package train

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/generator"
)

// blobs is a fake 1-band set: Gaussian blobs of two sizes (class 0 small,
// class 1 large) on 32x32 stamps, 3/4 of them in the train split.
func blobs(n int) *Raw {
	rng := rand.New(rand.NewPCG(7, 7))
	const size = 32
	stamps := make([][]float32, n)
	cls := make([]float64, n)
	for i := range stamps {
		cls[i] = float64(i % 2)
		s := 1.5 + 2*cls[i] + 0.3*rng.Float64()
		st := make([]float32, size*size)
		cx, cy := 15.5+rng.Float64()-0.5, 15.5+rng.Float64()-0.5
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				r2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
				st[y*size+x] = float32(0.1 * math.Exp(-r2/(2*s*s)))
			}
		}
		stamps[i] = st
	}
	return &Raw{
		Name: "mirabest-first", N: n, Bands: 1, Nx: size, Ny: size, Unit: "Jy/beam", PixelScale: 1.8,
		Stamp: func(i int) []float32 { return stamps[i] },
		Split: func(i int) string {
			if i%4 == 3 {
				return "test"
			}
			return "train"
		},
		Str: func(string, int) string { return "" },
		Num: func(col string, i int) float64 { return 100 + 100*cls[i] },
	}
}

func TestPrepareGeometryAndNorm(t *testing.T) {
	r := blobs(16)
	p, err := Prepare(r, RecipeFor(r.Name), 16, 0, "train")
	if err != nil {
		t.Fatal(err)
	}
	if p.N != 12 || p.Card.Rebin != 2 || p.Card.PixelScale != 3.6 || len(p.X) != 12*16*16 {
		t.Fatalf("N=%d rebin=%d scale=%g len=%d", p.N, p.Card.Rebin, p.Card.PixelScale, len(p.X))
	}
	// Block averaging then the norm round trip gives back the mean of the 2x2 block.
	src := r.Stamp(0)
	want := (src[14*32+14] + src[14*32+15] + src[15*32+14] + src[15*32+15]) / 4
	got := p.Card.Norm.Inverse(float64(p.X[7*16+7]))
	if math.Abs(got-float64(want)) > 1e-6*float64(want) {
		t.Fatalf("pixel (7,7): %g, want %g", got, want)
	}
	if p.Conds[0][0] != 0 || p.Conds[1][0] != 1 {
		t.Fatalf("fr classes %v %v", p.Conds[0], p.Conds[1])
	}
}

func TestDihedralGroup(t *testing.T) {
	src := make([]float32, 9)
	for i := range src {
		src[i] = float32(i)
	}
	seen := map[string]bool{}
	dst := make([]float32, 9)
	for k := 0; k < 8; k++ {
		generator.Dihedral(dst, src, 3, k)
		seen[string(fmtFloats(dst))] = true
	}
	if len(seen) != 8 {
		t.Fatalf("%d distinct transforms, want 8", len(seen))
	}
}

func fmtFloats(v []float32) []byte {
	var b bytes.Buffer
	for _, x := range v {
		b.WriteByte(byte(x))
	}
	return b.Bytes()
}

func runCfg(out string, steps int, resume bool) Config {
	return Config{Model: "flow", Size: 16, Steps: steps, Batch: 4, Out: out, Resume: resume, Seed: 3, Every: 2,
		Arch: map[string]float64{"channels": 4}}
}

// TestResumeBitIdentical: 2N steps in one run and N + N steps with a stop
// in between give identical weights and optimiser state.
func TestResumeBitIdentical(t *testing.T) {
	for _, model := range generator.Kinds() {
		t.Run(model, func(t *testing.T) {
			r := blobs(16)
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			ca := runCfg(a, 6, false)
			ca.Model = model
			if _, err := Run(context.Background(), ca, r); err != nil {
				t.Fatal(err)
			}
			// Run b: cancelled after its 3rd step (the step finishes, then it saves).
			ctx, cancel := context.WithCancel(context.Background())
			cb := runCfg(b, 6, false)
			cb.Model = model
			cb.Every = 100
			steps := 0
			cb.onStep = func() {
				if steps++; steps == 3 {
					cancel()
				}
			}
			res, err := Run(ctx, cb, r)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Interrupted || res.Step != 3 {
				t.Fatalf("interrupted=%v at step %d, want true at 3", res.Interrupted, res.Step)
			}
			cb.Resume, cb.onStep = true, nil
			if res, err = Run(context.Background(), cb, r); err != nil || res.Step != 6 {
				t.Fatalf("resume: step %v, %v", res, err)
			}
			fa, err := os.ReadFile(filepath.Join(a, "ckpt.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			fb, err := os.ReadFile(filepath.Join(b, "ckpt.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fa, fb) {
				t.Fatalf("checkpoints differ after 6 steps straight and 3+3 with a stop")
			}
			recs, err := ReadLog(filepath.Join(b, "log.jsonl"))
			if err != nil || len(recs) != 6 {
				t.Fatalf("log of the resumed run has %d records (%v), want 6", len(recs), err)
			}
		})
	}
}

// The COSMOS recipe conditions on magnitude, half-light radius and
// photometric redshift, softens the asinh norm at 3 sigma of the pixel
// noise and drops rows without a redshift.
func TestCOSMOSRecipe(t *testing.T) {
	r := blobs(8)
	r.Name = "cosmos:test"
	r.Num = func(col string, i int) float64 {
		switch col {
		case "MAG":
			return 20 + float64(i)
		case "HLR":
			return 0.1 * float64(i+1)
		case "ZPHOT":
			if i == 2 {
				return math.NaN()
			}
			return 0.5
		case "NOISE_VARIANCE":
			return 4e-6
		}
		return math.NaN()
	}
	p, err := Prepare(r, RecipeFor(r.Name), 16, 0, "train")
	if err != nil {
		t.Fatal(err)
	}
	if p.N != 5 || len(p.Card.Conds) != 3 || p.Card.Conds[1].Name != "hlr" {
		t.Fatalf("N=%d conds=%v", p.N, p.Card.Conds)
	}
	if p.Card.Norm.Kind != "asinh" || math.Abs(p.Card.Norm.A-6e-3) > 1e-12 {
		t.Fatalf("norm %+v", p.Card.Norm)
	}
	if p.Conds[1][0] != 21 || p.Conds[1][1] != 0.2 {
		t.Fatalf("row 1: %v", p.Conds[1])
	}
}

// TestValidationSplit: the validation subset is about ValFraction of the
// train rows, fixed by the row index, and "val" and "fit" partition
// "train" without touching "test".
func TestValidationSplit(t *testing.T) {
	var in int
	const n = 20000
	for i := range n {
		if InValidation(i) {
			in++
		}
	}
	if f := float64(in) / n; math.Abs(f-ValFraction) > 0.01 {
		t.Errorf("validation fraction %g, want %g", f, ValFraction)
	}
	// Pinned membership of the first rows (a change would silently move
	// rows between development and training sets).
	var first []int
	for i := 0; len(first) < 4; i++ {
		if InValidation(i) {
			first = append(first, i)
		}
	}
	if fmt.Sprint(first) != "[3 10 18 21]" {
		t.Errorf("first validation rows %v, want [3 10 18 21]", first)
	}
	r := blobs(400)
	rows := map[string][]int{}
	for _, s := range []string{"train", "test", "val", "fit"} {
		p, err := Prepare(r, RecipeFor(r.Name), 16, 0, s)
		if err != nil {
			t.Fatal(err)
		}
		rows[s] = p.Rows
	}
	seen := map[int]string{}
	for _, s := range []string{"val", "fit"} {
		for _, i := range rows[s] {
			if r.Split(i) != "train" || seen[i] != "" {
				t.Fatalf("row %d in %s: split %s, already in %q", i, s, r.Split(i), seen[i])
			}
			seen[i] = s
		}
	}
	if len(seen) != len(rows["train"]) || len(rows["test"]) != 100 {
		t.Fatalf("val %d + fit %d rows, train %d, test %d", len(rows["val"]), len(rows["fit"]), len(rows["train"]), len(rows["test"]))
	}
	if v := len(rows["val"]); v < 25 || v > 65 {
		t.Errorf("%d of 300 train rows in val", v)
	}
}

// TestRunLossSummaryAndModes: the summary compares like with like (the mean
// of the first and of the last LossWindow logged steps), --field beyond the
// stamp is refused naming the flag, and outputs are 0644.
func TestRunLossSummaryAndModes(t *testing.T) {
	r := blobs(16)
	if _, _, err := Geometry(r.Nx, 16, 1000); err == nil || !strings.Contains(err.Error(), "--field 1000") ||
		!strings.Contains(err.Error(), fmt.Sprintf("stamp size %d", r.Nx)) {
		t.Errorf("field 1000 on %d px stamps: %v", r.Nx, err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	res, err := Run(context.Background(), runCfg(dir, 4, false), r)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadLog(filepath.Join(dir, "log.jsonl"))
	if err != nil || len(recs) != 4 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	want := 0.0
	for _, rec := range recs {
		want += rec.Loss["loss"] / 4
	}
	if res.LossSteps != 4 || math.Abs(res.FirstLoss-want) > 1e-12 || math.Abs(res.LastLoss-want) > 1e-12 {
		t.Errorf("first %g last %g over %d steps, want both %g over 4 (short run: same window)", res.FirstLoss, res.LastLoss, res.LossSteps, want)
	}
	for _, name := range []string{"model.json", "ckpt.json", "ckpt.safetensors", "loss.png", "samples.png", "log.jsonl"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v %v, want mode 0644", name, st, err)
		}
	}
}

// TestLossTicks: the loss axis gets at least three labelled ticks, all
// inside the range, however narrow or wide the range is.
func TestLossTicks(t *testing.T) {
	for _, r := range [][2]float64{{0.4336, 1.936}, {0.41, 0.44}, {1e-4, 30}, {0.02, 0.09}} {
		n := 0
		for _, tk := range (lossTicks{}).Ticks(r[0], r[1]) {
			if tk.Value < r[0]*(1-1e-9) || tk.Value > r[1]*(1+1e-9) {
				t.Errorf("%v: tick %g outside", r, tk.Value)
			}
			if tk.Label != "" {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%v: %d labelled ticks, want >= 3", r, n)
		}
	}
}
