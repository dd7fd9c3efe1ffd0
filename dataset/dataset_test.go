package dataset

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Reference numbers below were read with astropy 5.2.1 / numpy from the
// bundled files (indices as numpy [i, band, y, x]).

func sum32(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x)
	}
	return s
}

func TestLoadDecals(t *testing.T) {
	s, err := Load("gz-decals-rings")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 470 || s.Nx != 128 || s.Ny != 128 || s.Bands != 3 || s.Unit != "display" || s.PixelScale != 0 {
		t.Fatalf("decals: n %d %dx%dx%d unit %q scale %v", s.Len(), s.Bands, s.Ny, s.Nx, s.Unit, s.PixelScale)
	}
	if strings.Join(s.BandNames, ",") != "R,G,B" {
		t.Errorf("band names %v", s.BandNames)
	}
	st := s.Stamp(5)
	plane := 128 * 128
	if st[1*plane+10*128+20] != 13 || s.Stamp(469)[2*plane+127*128+0] != 16 || sum32(s.Stamp(7)) != 1549677 {
		t.Errorf("decals pixels: %v %v %v", st[1*plane+10*128+20], s.Stamp(469)[2*plane+127*128], sum32(s.Stamp(7)))
	}
	if s.String("iauname", 5) != "J005612.79-005001.6" || s.Float("RING", 5) != 1 || s.Float("FEATURED_FRAC", 5) != 0.6710444109305943 || s.Label(5) != 1 {
		t.Errorf("decals catalog row 5: %q %v %v", s.String("IAUNAME", 5), s.Float("RING", 5), s.Float("FEATURED_FRAC", 5))
	}
	if len(s.Indices("train")) != 400 || len(s.Indices("test")) != 70 || s.Split(0) != "train" || s.Split(469) != "test" {
		t.Errorf("decals split %d/%d", len(s.Indices("train")), len(s.Indices("test")))
	}
	rings := 0
	for i := range s.Len() {
		rings += s.Label(i)
	}
	if rings != 235 {
		t.Errorf("rings = %d, want 235", rings)
	}
	if !math.IsNaN(s.Float("IAUNAME", 0)) || !math.IsNaN(s.Float("NOPE", 0)) || s.String("NOPE", 0) != "" {
		t.Error("missing/text columns should give NaN and empty string")
	}
}

func TestLoadMirabest(t *testing.T) {
	s, err := Load("mirabest-first")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1255 || s.Nx != 150 || s.Bands != 1 || s.Unit != "JY/BEAM" || math.Abs(s.PixelScale-1.8) > 1e-12 {
		t.Fatalf("mirabest: n %d nx %d bands %d unit %q scale %v", s.Len(), s.Nx, s.Bands, s.Unit, s.PixelScale)
	}
	st := s.Stamp(3)
	if st[75*150+75] != 0.016753105 || st[76*150+75] != 0.022767691 || math.Abs(sum32(s.Stamp(1254))-0.3549900949001312) > 1e-6 {
		t.Errorf("mirabest pixels %v %v %v", st[75*150+75], st[76*150+75], sum32(s.Stamp(1254)))
	}
	if s.Float("CLASS_CODE", 3) != 100 || s.String("FR_CLASS", 3) != "FRI" || s.Float("RMS_JY_BEAM", 3) != 0.00014213 {
		t.Errorf("mirabest row 3: %v %q %v", s.Float("CLASS_CODE", 3), s.String("FR_CLASS", 3), s.Float("RMS_JY_BEAM", 3))
	}
	counts := make([]int, 3)
	for i := range s.Len() {
		counts[s.Label(i)]++
	}
	if counts[0] != 591 || counts[1] != 630 || counts[2] != 34 || s.Classes[2] != "hybrid" {
		t.Errorf("mirabest classes %v", counts)
	}
	if len(s.Indices("train")) != 1155 || len(s.Indices("test")) != 100 {
		t.Errorf("mirabest split")
	}
}

func TestLoadFirst4ClassAndFRDEEP(t *testing.T) {
	s, err := Load("first-radio-galaxy-4class")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2158 || s.Nx != 300 || s.Bands != 1 || s.PixelScale != 1.8 || s.Unit != "display" {
		t.Fatalf("4class: n %d nx %d scale %v unit %q", s.Len(), s.Nx, s.PixelScale, s.Unit)
	}
	if sum32(s.Stamp(100)) != 10076 || s.Stamp(100)[150*300+149] != 255 {
		t.Errorf("4class stamp 100 sum %v", sum32(s.Stamp(100)))
	}
	// train/valid/test stay distinct
	if len(s.Indices("train")) != 1758 || len(s.Indices("valid")) != 200 || len(s.Indices("test")) != 200 ||
		len(s.Splits()) != 3 {
		t.Errorf("4class splits %v", s.Splits())
	}
	if s.Label(2000) != 0 || s.Classes[3] != "Bent" {
		t.Errorf("4class label")
	}

	f, err := Load("frdeep-first-nvss")
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 658 || f.Bands != 2 || f.BandScales[0] != 1.8 || f.BandScales[1] != 15 || f.BandNames[1] != "NVSS" || f.Unit != "JY/BEAM" {
		t.Fatalf("frdeep: n %d bands %d scales %v names %v", f.Len(), f.Bands, f.BandScales, f.BandNames)
	}
	st := f.Stamp(10)
	if math.Abs(sum32(st[:22500])-0.9211249158252031) > 1e-6 || math.Abs(sum32(st[22500:])-2.311299940920435) > 1e-6 || st[22500+74*150+75] != 0.060399998 {
		t.Errorf("frdeep sums %v %v", sum32(st[:22500]), sum32(st[22500:]))
	}
	if f.String("OBJECT_ID", 10) != "1424-0174" || f.Label(10) != 1 || f.Split(10) != "test" || !math.IsNaN(f.Float("REDSHIFT", 1)) {
		t.Errorf("frdeep row 10")
	}
	if len(f.Indices("train")) != 460 || len(f.Indices("test")) != 198 {
		t.Errorf("frdeep split")
	}
}

func TestStampIntoNoAlloc(t *testing.T) {
	s, err := Load("gz-decals-rings")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, s.StampSize())
	if a := testing.AllocsPerRun(10, func() { s.StampInto(buf, 3) }); a != 0 {
		t.Errorf("StampInto allocates %v times", a)
	}
}

func TestResolveAndErrors(t *testing.T) {
	if _, err := Load("no-such-set"); err == nil || !strings.Contains(err.Error(), "no-such-set") {
		t.Errorf("unknown set: %v", err)
	}
	if _, err := Load(filepath.Join("..", "data", "hubble-xdf-jpeg")); err == nil || !strings.Contains(err.Error(), "CATALOG") {
		t.Errorf("set without cube: %v", err)
	}
	t.Setenv("GALFORGE_DATA", filepath.Join("..", "data"))
	if d, err := DataDir(); err != nil || d != filepath.Join("..", "data") {
		t.Errorf("GALFORGE_DATA ignored: %v %v", d, err)
	}
	if _, err := Load("mirabest-first"); err != nil {
		t.Error(err)
	}
	os.Unsetenv("GALFORGE_DATA")
}

func BenchmarkLoadMirabest(b *testing.B) {
	for b.Loop() {
		if _, err := Load("mirabest-first"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStampInto(b *testing.B) {
	s, err := Load("gz-decals-rings")
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]float32, s.StampSize())
	for i := 0; b.Loop(); i++ {
		s.StampInto(buf, i%s.Len())
	}
}
