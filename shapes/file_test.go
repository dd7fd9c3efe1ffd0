package shapes

import (
	"cmp"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
)

func writeFITS(t *testing.T, path string, axes []int, data []float64) {
	t.Helper()
	im := fits.NewImage(axes...)
	copy(im.Data, data)
	if err := fits.WriteImageFile(path, fits.NewHeader(), im, -64); err != nil {
		t.Fatal(err)
	}
}

// A stamp cube is measured plane by plane; a field is segmented and each
// object measured with its neighbours masked; tables round-trip.
func TestMeasureFileCubeAndField(t *testing.T) {
	dir := t.TempDir()
	type obj struct{ x, y, g1, g2, s2 float64 }
	objs := []obj{{16, 15.5, 0.1, 0, 4}, {15.2, 16.7, -0.05, 0.2, 6}, {15.5, 15.5, 0, -0.15, 5}}
	var cube []float64
	for _, o := range objs {
		mxx, mxy, myy := shearedCov(o.s2, o.g1, o.g2)
		cube = append(cube, gaussImage(32, 500, o.x, o.y, mxx, mxy, myy).Pix...)
	}
	cubePath := filepath.Join(dir, "stamps.fits")
	writeFITS(t, cubePath, []int{32, 32, len(objs)}, cube)
	ms, err := MeasureFile(FileOptions{Image: cubePath, Method: MethodMoments})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(objs) {
		t.Fatalf("%d measurements for %d stamps", len(ms), len(objs))
	}
	for i, m := range ms {
		o := objs[i]
		if m.Flag != 0 || math.Abs(m.G1-o.g1) > 1e-5 || math.Abs(m.G2-o.g2) > 1e-5 ||
			math.Abs(m.X-o.x) > 1e-5 || math.Abs(m.Y-o.y) > 1e-5 {
			t.Errorf("stamp %d: %+v, want g (%g, %g) at (%g, %g)", i, m, o.g1, o.g2, o.x, o.y)
		}
	}

	// The same objects in one 96x40 field, 30 px apart, on a sky of 10
	// with Gaussian noise of 0.05.
	rng := rand.New(rand.NewPCG(7, 8))
	field := make([]float64, 96*40)
	for i, o := range objs {
		mxx, mxy, myy := shearedCov(o.s2, o.g1, o.g2)
		g := gaussImage(96, 5000, o.x+float64(30*i)+2, o.y+4, mxx, mxy, myy)
		for j := range field {
			if j < len(g.Pix) {
				field[j] += g.Pix[(j/96)*96+j%96]
			}
		}
	}
	for j := range field {
		field[j] += 10 + 0.05*rng.NormFloat64()
	}
	fieldPath := filepath.Join(dir, "field.fits")
	writeFITS(t, fieldPath, []int{96, 40}, field)
	fm, err := MeasureFile(FileOptions{Image: fieldPath, Method: MethodMoments, StampSize: 28})
	if err != nil {
		t.Fatal(err)
	}
	if len(fm) != len(objs) {
		t.Fatalf("detected %d objects, want %d", len(fm), len(objs))
	}
	// match by x (detections are labelled in raster order)
	slices.SortFunc(fm, func(a, b Measurement) int { return cmp.Compare(a.X, b.X) })
	for i, m := range fm {
		o := objs[i]
		if m.Flag != 0 || math.Abs(m.G1-o.g1) > 2e-3 || math.Abs(m.G2-o.g2) > 2e-3 ||
			math.Abs(m.X-(o.x+float64(30*i)+2)) > 1e-3 {
			t.Errorf("field object %d: %+v, want g (%g, %g)", i, m, o.g1, o.g2)
		}
	}

	for _, name := range []string{"out.fits", "out.csv"} {
		p := filepath.Join(dir, name)
		if err := WriteTable(p, ms, MethodMoments); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".csv") {
			b, _ := os.ReadFile(p)
			if lines := strings.Count(string(b), "\n"); lines != len(ms)+1 {
				t.Errorf("CSV has %d lines", lines)
			}
			continue
		}
		f, err := fits.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		h, err := f.Find("SHAPES")
		if err != nil {
			t.Fatal(err)
		}
		tb, err := h.Table()
		if err != nil {
			t.Fatal(err)
		}
		g1, _ := tb.Float64("g1")
		if tb.Rows() != len(ms) || g1[1] != ms[1].G1 {
			t.Errorf("table round trip: %d rows, g1[1] = %v", tb.Rows(), g1)
		}
		f.Close()
	}

	// PSF-corrected methods on a cube of Gaussians seen through a Gaussian
	// PSF of variance 2: every method recovers the pre-seeing shape.
	psfPath := filepath.Join(dir, "psf.fits")
	writeFITS(t, psfPath, []int{32, 32}, gaussImage(32, 1, 15.5, 15.5, 2, 0, 2).Pix)
	var conv []float64
	for _, o := range objs {
		mxx, mxy, myy := shearedCov(o.s2, o.g1, o.g2)
		conv = append(conv, gaussImage(32, 500, o.x, o.y, mxx+2, mxy, myy+2).Pix...)
	}
	convPath := filepath.Join(dir, "conv.fits")
	writeFITS(t, convPath, []int{32, 32, len(objs)}, conv)
	for _, method := range []Method{MethodRegauss, MethodKSB, MethodMetacal} {
		ms, err := MeasureFile(FileOptions{Image: convPath, PSF: psfPath, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range ms {
			o := objs[i]
			g1, g2 := m.G1, m.G2
			if method == MethodMetacal {
				// noshear estimate / response for a single object
				ri := inv22(m.R)
				g1, g2 = ri[0][0]*m.G1+ri[0][1]*m.G2, ri[1][0]*m.G1+ri[1][1]*m.G2
			}
			tol := 2e-3
			if method == MethodKSB || method == MethodMetacal {
				tol = 0.02 // first-order estimators at |g| ≈ 0.15
			}
			if m.Flag != 0 || math.Abs(g1-o.g1) > tol || math.Abs(g2-o.g2) > tol {
				t.Errorf("%v stamp %d: g (%.4f, %.4f), want (%g, %g); flag %v %s", method, i, g1, g2, o.g1, o.g2, m.Flag, m.Err)
			}
		}
	}

	// Metacal with noise symmetrisation on the noisy field.
	fmc, err := MeasureFile(FileOptions{Image: fieldPath, PSF: psfPath, Method: MethodMetacal, StampSize: 28, FixNoise: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fmc {
		if m.Flag != 0 || !(m.R[0][0] > 0.2 && m.R[0][0] < 1.2) || !(m.R[1][1] > 0.2 && m.R[1][1] < 1.2) {
			t.Errorf("metacal with fixnoise: %+v", m)
		}
	}

	// Errors name the file; PSF-corrected methods need a PSF.
	if _, err := MeasureFile(FileOptions{Image: filepath.Join(dir, "missing.fits")}); err == nil || !strings.Contains(err.Error(), "missing.fits") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := MeasureFile(FileOptions{Image: cubePath, Method: MethodRegauss}); err == nil || !strings.Contains(err.Error(), "psf") {
		t.Errorf("regauss without PSF: %v", err)
	}
}
