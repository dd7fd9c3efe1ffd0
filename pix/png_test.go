package pix

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStretchPercentile(t *testing.T) {
	v := []float64{0, 1, 2, 3, 4}
	for _, c := range []struct{ p, want float64 }{{0, 0}, {50, 2}, {100, 4}, {12.5, 0.5}, {90, 3.6}} {
		if got := stretchPercentile(v, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("stretchPercentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestStretchCurves(t *testing.T) {
	for f := StretchLinear; f <= StretchAsinh; f++ {
		s := Stretch{Func: f}
		if s.Curve(0) != 0 || math.Abs(s.Curve(1)-1) > 1e-12 || s.Curve(-3) != 0 || s.Curve(7) != 1 || s.Curve(math.NaN()) != 0 {
			t.Errorf("%v: endpoints wrong", f)
		}
		prev := 0.0
		for x := 0.01; x <= 1; x += 0.01 {
			y := s.Curve(x)
			if y <= prev {
				t.Fatalf("%v not increasing at %v", f, x)
			}
			prev = y
		}
	}
	// asinh with softening s: x=s maps to asinh(1)/asinh(1/s).
	s := Stretch{Func: StretchAsinh, Soft: 0.05}
	if got, want := s.Curve(0.05), math.Asinh(1)/math.Asinh(20); math.Abs(got-want) > 1e-12 {
		t.Errorf("asinh(soft) = %v, want %v", got, want)
	}
	l := Stretch{Func: StretchLog, Soft: 0.1}
	if got, want := l.Curve(0.1), math.Log(2)/math.Log(11); math.Abs(got-want) > 1e-12 {
		t.Errorf("log(soft) = %v, want %v", got, want)
	}
	if got := (Stretch{Func: StretchSqrt}).Curve(0.25); got != 0.5 {
		t.Errorf("sqrt(0.25) = %v", got)
	}
}

func TestStretchLimits(t *testing.T) {
	pix := make([]float64, 101)
	for i := range pix {
		pix[i] = float64(i)
	}
	pix = append(pix, math.NaN(), math.Inf(1))
	lo, hi := Stretch{Low: 1, High: 99}.Limits(pix)
	if lo != 1 || hi != 99 {
		t.Errorf("percentile limits %v %v, want 1 99", lo, hi)
	}
	lo, hi = Stretch{Min: -2, Max: 5, Low: 1, High: 99}.Limits(pix)
	if lo != -2 || hi != 5 {
		t.Errorf("explicit limits %v %v", lo, hi)
	}
	lo, hi = Stretch{}.Limits([]float64{3, 3, 3})
	if lo != 3 || hi != 4 {
		t.Errorf("flat image limits %v %v, want 3 4", lo, hi)
	}
	// Noise clip: Gaussian-like values with known MAD; explicit RMS wins.
	lo, _ = Stretch{High: 100, NoiseClip: 3, RMS: 0.002}.Limits(pix)
	if math.Abs(lo-0.006) > 1e-15 {
		t.Errorf("noise clip lo = %v, want 0.006", lo)
	}
	// MAD of 0..100 is 25, so sigma = 1.4826*25.
	lo, _ = Stretch{High: 100, NoiseClip: 2}.Limits(pix)
	if want := 2 * 1.4826 * 25; math.Abs(lo-want) > 1e-9 {
		t.Errorf("estimated noise clip lo = %v, want %v", lo, want)
	}
}

// TestGrayOrientation checks the flip: pixel (0,0), the lower-left of the
// image, is the bottom-left pixel of the PNG.
func TestStretchGrayOrientation(t *testing.T) {
	m := New(3, 2, 0.1)
	m.Set(0, 0, 10) // lower-left bright
	m.Set(2, 1, 5)  // upper-right half
	var buf bytes.Buffer
	if err := EncodePNG(&buf, m, Stretch{Min: 0, Max: 10}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	g := img.(*image.Gray)
	if g.GrayAt(0, 1).Y != 255 || g.GrayAt(2, 0).Y != 128 || g.GrayAt(0, 0).Y != 0 {
		t.Errorf("orientation wrong: %v", g.Pix)
	}
}

func TestStretchRGB(t *testing.T) {
	r, g, b := New(2, 1, 0), New(2, 1, 0), New(2, 1, 0)
	r.Set(0, 0, 200)
	g.Set(0, 0, 100)
	b.Set(0, 0, 50)
	r.Set(1, 0, 255)
	g.Set(1, 0, 255)
	b.Set(1, 0, 255)
	// StretchLinear 0..255 shows display data unchanged.
	im, err := Stretch{Min: 0, Max: 255}.RGB(r, g, b)
	if err != nil {
		t.Fatal(err)
	}
	if c := im.RGBAAt(0, 0); c != (color.RGBA{200, 100, 50, 255}) {
		t.Errorf("linear RGB = %v", c)
	}
	// StretchAsinh keeps colour ratios of unsaturated pixels.
	im, _ = Stretch{Func: StretchAsinh, Min: 0, Max: 2550, Soft: 0.01}.RGB(r, g, b)
	c := im.RGBAAt(0, 0)
	if math.Abs(float64(c.R)/float64(c.G)-2) > 0.05 || math.Abs(float64(c.G)/float64(c.B)-2) > 0.1 {
		t.Errorf("asinh RGB ratios lost: %v", c)
	}
	if _, err := (Stretch{}).RGB(r, g, New(3, 1, 0)); err == nil {
		t.Error("mismatched bands accepted")
	}
}

func TestWritePNGAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.png")
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	img.Pix[5] = 77
	if err := WritePNG(p, img); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	back, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if back.(*image.Gray).Pix[5] != 77 {
		t.Error("round trip lost a pixel")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if fi, err := os.Stat(p); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o644 {
		t.Errorf("PNG mode %v, want 0644", fi.Mode().Perm())
	}
	err = WritePNG(filepath.Join(dir, "no", "such", "dir.png"), img)
	if err == nil || !strings.Contains(err.Error(), "output directory "+filepath.Join(dir, "no", "such")+" does not exist") {
		t.Errorf("write into missing directory: %v", err)
	}
	if err := WritePNG(dir, img); err == nil || !strings.Contains(err.Error(), "is an existing directory") {
		t.Errorf("write onto a directory: %v", err)
	}
}
