package generator

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
)

func TestNormRoundTrip(t *testing.T) {
	for _, n := range []Norm{
		{Kind: "linear", A: 127.5, B: 127.5, Lo: 0, Hi: 255},
		{Kind: "asinh", A: 1e-3, B: math.Asinh(1e3) / 2},
	} {
		for _, v := range []float64{0, 1e-4, 0.3, 1, 200} {
			if got := n.Inverse(n.Forward(v)); math.Abs(got-v) > 1e-12*math.Max(1, v) {
				t.Errorf("%s: %g -> %g", n.Kind, v, got)
			}
		}
	}
	// asinh: 0 -> -1 and 1 Jy/beam -> +1 by construction.
	n := Norm{Kind: "asinh", A: 1e-3, B: math.Asinh(1e3) / 2}
	if n.Forward(0) != -1 || math.Abs(n.Forward(1)-1) > 1e-12 {
		t.Errorf("asinh ends: %g %g", n.Forward(0), n.Forward(1))
	}
	if err := (Norm{Kind: "log"}).Validate(); err == nil {
		t.Error("unknown norm kind accepted")
	}
}

// TestMeasureGaussian checks the morphology statistics against the closed
// forms for an elliptical Gaussian: half-light radius of a circular one
// σ√(2 ln 2), concentration 5 log10(√(2 ln 5)/√(−2 ln 0.8)), and distortion
// (σx²−σy²)/(σx²+σy²).
func TestMeasureGaussian(t *testing.T) {
	const n = 64
	img := func(sx, sy float64) []float32 {
		s := make([]float32, n*n)
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				dx, dy := float64(x)-31.5, float64(y)-31.5
				s[y*n+x] = float32(1000 * math.Exp(-dx*dx/(2*sx*sx)-dy*dy/(2*sy*sy)))
			}
		}
		return s
	}
	if c := Measure(img(6, 6), 1, n).Conc; math.Abs(c-5*math.Log10(math.Sqrt(2*math.Log(5))/math.Sqrt(-2*math.Log(0.8)))) > 0.1 {
		t.Errorf("concentration %g", c)
	}
	m := Measure(img(4, 4), 1, n)
	if want := 4 * math.Sqrt(2*math.Log(2)); math.Abs(m.HLR-want) > 0.02*want {
		t.Errorf("hlr %g, want %g", m.HLR, want)
	}
	if want := 2 * math.Pi * 16 * 1000; math.Abs(m.Flux-want) > 1e-3*want {
		t.Errorf("flux %g, want %g", m.Flux, want)
	}
	if math.Abs(m.X-31.5) > 1e-6 || math.Abs(m.Y-31.5) > 1e-6 {
		t.Errorf("centroid %g %g", m.X, m.Y)
	}
	e := Measure(img(4, 2), 1, n).E
	if want := (16.0 - 4) / (16 + 4); math.Abs(e-want) > 1e-3 {
		t.Errorf("distortion %g, want %g", e, want)
	}
}

func TestCondParseEncode(t *testing.T) {
	c := &Card{Conds: []CondSpec{
		{Name: "fr", Kind: "category", Labels: []string{"FRI", "FRII"}},
		{Name: "size", Kind: "number", Unit: "pixel", Log: true, Mean: 0.5, Std: 0.25},
	}}
	got, err := c.ParseConds([]string{"fr=FRII", "SIZE=10"})
	if err != nil || got["fr"] != 1 || got["size"] != 10 {
		t.Fatalf("parse: %v %v", got, err)
	}
	for _, bad := range []string{"fr=FRIII", "size=-1", "mass=3", "fr"} {
		if _, err := c.ParseConds([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	v := make([]float32, c.CondWidth())
	c.Encode(v, []float64{1, 10})
	if want := []float32{0, 1, 2, 1}; !equal32(v, want) {
		t.Errorf("encoded %v, want %v", v, want)
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func tinyCard(model string) *Card {
	return &Card{Format: CardFormat, Model: model, Data: "test", Size: 16, Bands: 2, Unit: "Jy/beam", PixelScale: 1.8,
		Norm:       Norm{Kind: "asinh", A: 1e-3, B: 3},
		Conds:      []CondSpec{{Name: "fr", Kind: "category", Labels: []string{"FRI", "FRII"}}},
		TrainConds: [][]float64{{0}, {1}, {1}},
		Arch:       map[string]float64{"channels": 4}}
}

// TestModelsSaveLoadSample: every model exports, loads back and samples the
// same bytes from the same seed; different seeds differ.
func TestModelsSaveLoadSample(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			m, err := NewTrainer(tinyCard(kind), 5)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			x := make([]float32, 4*2*16*16)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 0.3)
			}
			cv := make([]float32, 4*m.Card().CondWidth())
			for i := 0; i < 4; i++ {
				m.Card().Encode(cv[i*3:(i+1)*3], []float64{float64(i % 2)})
			}
			for i := 0; i < 3; i++ {
				if _, err := m.Step(x, cv, 4, rng); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Export(dir); err != nil {
				t.Fatal(err)
			}
			a, err := m.Sample(Cond{"fr": 1}, 3, 9)
			if err != nil {
				t.Fatal(err)
			}
			l, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			b, err := l.Sample(Cond{"fr": 1}, 3, 9)
			if err != nil {
				t.Fatal(err)
			}
			if !equal32(a.Pix, b.Pix) {
				t.Fatal("loaded model samples differ from the trained one")
			}
			c, _ := l.Sample(Cond{"fr": 1}, 3, 10)
			if equal32(a.Pix, c.Pix) {
				t.Fatal("seeds 9 and 10 give the same samples")
			}
			for i := range a.Conds {
				if a.Conds[i][0] != 1 {
					t.Fatalf("sample %d drawn with fr=%g, asked 1", i, a.Conds[i][0])
				}
			}
			if a.N != 3 || len(a.Pix) != 3*2*16*16 || a.Unit != "Jy/beam" || a.PixelScale != 1.8 {
				t.Fatalf("batch %d %d %q %g", a.N, len(a.Pix), a.Unit, a.PixelScale)
			}
		})
	}
}

// TestInpaintHoldsKnownPixels: known pixels come back exactly (up to the
// norm round trip), and the free ones are drawn.
func TestInpaintHoldsKnownPixels(t *testing.T) {
	m, err := NewTrainer(tinyCard("flow"), 5)
	if err != nil {
		t.Fatal(err)
	}
	f := m.(*Flow)
	f.SetSteps(4)
	const px = 2 * 16 * 16
	known, mask := make([]float32, px), make([]float32, px)
	for i := range known {
		known[i] = float32(i%7) * 0.01
		if (i/16)%16 < 8 {
			mask[i] = 1
		}
	}
	b, err := f.InpaintCond(nil, 2, 3, known, mask)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 2; s++ {
		img := b.Image(s)
		for i := range img {
			if mask[i] != 0 && math.Abs(float64(img[i]-known[i])) > 1e-6 {
				t.Fatalf("sample %d pixel %d: %g, known %g", s, i, img[i], known[i])
			}
		}
	}
	if _, err := f.InpaintCond(nil, 2, 3, known[:10], mask); err == nil {
		t.Fatal("mismatched known image accepted")
	}
}

// TestWriteFITSAstropy writes a sample cube and reads it back with galforge
// and, when available, astropy: axes, unit, values and the CATALOG table.
func TestWriteFITSAstropy(t *testing.T) {
	c := tinyCard("flow")
	b := &Batch{N: 3, Bands: 2, Size: 16, Pix: make([]float32, 3*2*16*16), Conds: [][]float64{{0}, {1}, {1}}, Unit: "Jy/beam", PixelScale: 1.8}
	for i := range b.Pix {
		b.Pix[i] = float32(i) * 0.5
	}
	path := filepath.Join(t.TempDir(), "s.fits")
	if err := WriteFITS(path, c, b, 7); err != nil {
		t.Fatal(err)
	}
	img, hdr, err := fits.ReadImageFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{16, 16, 2, 3}; len(img.Axes) != 4 || img.Axes[2] != 2 || img.Axes[3] != 3 || img.Axes[0] != want[0] {
		t.Fatalf("axes %v, want %v", img.Axes, want)
	}
	if u, _ := hdr.String("BUNIT"); u != "Jy/beam" {
		t.Fatalf("BUNIT %q", u)
	}
	// Pixel (x=3, y=5) of band 1, sample 2.
	k := ((2*2+1)*16+5)*16 + 3
	if img.Data[k] != float64(b.Pix[k]) {
		t.Fatalf("pixel %g, want %g", img.Data[k], b.Pix[k])
	}
	py, err := "/usr/bin/python3", error(nil) // Debian's, with python3-astropy
	if _, serr := os.Stat(py); serr != nil {
		py, err = exec.LookPath("python3")
	}
	if err == nil {
		err = exec.Command(py, "-c", "import astropy").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: python3 with astropy needed: %v", err)
		}
		t.Skip("python3 with astropy not available")
	}
	out, err := exec.Command(py, "-c", `
import sys
from astropy.io import fits
h = fits.open(sys.argv[1])
d = h[0].data
t = h["CATALOG"].data
print(" ".join(str(v) for v in d.shape))
print(repr(float(d[2, 1, 5, 3])))
print(h[0].header["BUNIT"])
print(",".join(str(v).strip() for v in t["FR"]))
print(",".join(str(int(v)) for v in t["INDEX"]))
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("astropy: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 5 {
		t.Fatalf("astropy printed %q", out)
	}
	v, err := strconv.ParseFloat(lines[1], 64)
	if err != nil || v != float64(b.Pix[k]) {
		t.Errorf("astropy pixel %q, want %g", lines[1], b.Pix[k])
	}
	for i, want := range []string{"3 2 16 16", "", "Jy/beam", "FRI,FRII,FRII", "0,1,2"} {
		if i != 1 && lines[i] != want {
			t.Errorf("astropy line %d: %q, want %q", i, lines[i], want)
		}
	}
}

// TestCondChecksAndGuidance: a key given twice is refused naming it, a value
// outside the training range is reported with the range, bad guidance is
// refused, and card writes are 0644 with a plain missing-directory error.
func TestCondChecksAndGuidance(t *testing.T) {
	c := &Card{Conds: []CondSpec{
		{Name: "fr", Kind: "category", Labels: []string{"FRI", "FRII"}},
		{Name: "size", Kind: "number", Unit: "pixel"},
	}, TrainConds: [][]float64{{0, 2}, {1, 8}}}
	if _, err := c.ParseConds([]string{"size=3", "SIZE=4"}); err == nil || !strings.Contains(err.Error(), `"size" given twice`) {
		t.Errorf("repeated key: %v", err)
	}
	if w := c.RangeWarnings(Cond{"size": 1e6, "fr": 1}); len(w) != 1 || !strings.Contains(w[0], "[2, 8] pixel") {
		t.Errorf("size=1e6 warnings %q, want one giving the range [2, 8] pixel", w)
	}
	if w := c.RangeWarnings(Cond{"size": 5}); len(w) != 0 {
		t.Errorf("size=5 inside the range: %q", w)
	}
	f := &Flow{Guidance: 1.5}
	for _, w := range []float64{math.NaN(), math.Inf(1), -0.5} {
		if err := f.SetGuidance(w); err == nil || !strings.Contains(err.Error(), "guidance") || f.Guidance != 1.5 {
			t.Errorf("guidance %g: %v, guidance now %g", w, err, f.Guidance)
		}
	}
	if err := f.SetGuidance(2); err != nil || f.Guidance != 2 {
		t.Errorf("guidance 2: %v, now %g", err, f.Guidance)
	}
	dir := t.TempDir()
	if err := WriteCard(filepath.Join(dir, "missing"), tinyCard("flow")); err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Errorf("missing directory: %v", err)
	}
	if err := WriteCard(dir, tinyCard("flow")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, "model.json")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("model.json: %v %v, want mode 0644", st, err)
	}
}
