package pix

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// astropyPython returns a python3 with astropy, or skips (fails under CI).
func astropyPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import astropy.io.fits, astropy.wcs, numpy").Run() == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3 with astropy is required under CI (Debian: python3-astropy)")
	}
	t.Skip("no python3 with astropy: skipping the astropy comparison")
	return ""
}

func testImage() *Image {
	m := New(7, 5, 0.03)
	for j := 0; j < 5; j++ {
		for i := 0; i < 7; i++ {
			m.Set(i, j, math.Sin(float64(3*i+j))*1e3+1/3.0)
		}
	}
	return m
}

func TestFITSWithAstropy(t *testing.T) {
	py := astropyPython(t)
	dir := t.TempDir()
	img := testImage()
	for _, proj := range []string{"TAN", "SIN"} {
		w := SimpleWCS(img, 150.4, 2.2)
		w.CType = [2]string{"RA---" + proj, "DEC--" + proj}
		w.CD = [2][2]float64{{-8e-6, 2e-6}, {1.5e-6, 8.2e-6}}
		path := filepath.Join(dir, proj+".fits")
		if err := WriteFITS(path, img, w, nil); err != nil {
			t.Fatal(err)
		}
		pts := [][2]float64{{0, 0}, {3, 2}, {6.5, -1}, {100, 40}}
		script := `
import sys, json, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
h = fits.open(sys.argv[1])[0]
w = WCS(h.header)
pts = json.loads(sys.argv[2])
world = [list(map(float, w.wcs_pix2world([[x, y]], 0)[0])) for x, y in pts]
print(json.dumps({"data": h.data.astype(float).tolist(), "pixscale": h.header["PIXSCALE"],
                  "bitpix": h.header["BITPIX"], "world": world}))
`
		pj, _ := json.Marshal(pts)
		out, err := exec.Command(py, "-c", script, path, string(pj)).CombinedOutput()
		if err != nil {
			t.Fatalf("astropy: %v\n%s", err, out)
		}
		var r struct {
			Data     [][]float64
			PixScale float64
			Bitpix   int
			World    [][2]float64
		}
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if r.Bitpix != -64 || r.PixScale != 0.03 {
			t.Errorf("%s: BITPIX %d PIXSCALE %g", proj, r.Bitpix, r.PixScale)
		}
		for j := range r.Data {
			for i, v := range r.Data[j] {
				if v != img.At(i, j) {
					t.Fatalf("%s: pixel (%d,%d) %v in astropy, %v written", proj, i, j, v, img.At(i, j))
				}
			}
		}
		for k, p := range pts {
			ra, dec, err := w.PixelToWorld(p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(ra-r.World[k][0]) > 1e-10 || math.Abs(dec-r.World[k][1]) > 1e-10 {
				t.Errorf("%s: pixel %v -> (%.10f, %.10f), astropy (%.10f, %.10f)", proj, p, ra, dec, r.World[k][0], r.World[k][1])
			}
			x, y, err := w.WorldToPixel(ra, dec)
			if err != nil || math.Abs(x-p[0]) > 1e-7 || math.Abs(y-p[1]) > 1e-7 {
				t.Errorf("%s: round trip %v -> (%g, %g) %v", proj, p, x, y, err)
			}
		}
		back, bw, err := ReadFITS(path, "")
		if err != nil {
			t.Fatal(err)
		}
		if bw == nil || *bw != *w {
			t.Errorf("%s: WCS read back %+v, wrote %+v", proj, bw, w)
		}
		if math.Abs(back.Scale-w.PixelScale()) > 1e-12 {
			t.Errorf("%s: scale %g", proj, back.Scale)
		}
	}
	// astropy writes, galforge reads.
	path := filepath.Join(dir, "astropy.fits")
	script := `
import sys, numpy as np
from astropy.io import fits
d = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3
h = fits.PrimaryHDU(d)
for k, v in [("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--TAN"), ("CRPIX1", 2.5), ("CRPIX2", 2.0),
             ("CRVAL1", 10.0), ("CRVAL2", -30.0), ("CD1_1", -5.5555555555556e-05), ("CD1_2", 0.0),
             ("CD2_1", 0.0), ("CD2_2", 5.5555555555556e-05)]:
    h.header[k] = v
h.writeto(sys.argv[1])
`
	if out, err := exec.Command(py, "-c", script, path).CombinedOutput(); err != nil {
		t.Fatalf("astropy: %v\n%s", err, out)
	}
	m, w, err := ReadFITS(path, "")
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 3; j++ {
		for i := 0; i < 4; i++ {
			if want := float64((float32(4*j+i) - 5.5) / 3); m.At(i, j) != want {
				t.Errorf("pixel (%d,%d) = %v, want %v", i, j, m.At(i, j), want)
			}
		}
	}
	if w == nil || math.Abs(m.Scale-0.2) > 1e-9 || w.CRPix != [2]float64{2.5, 2} {
		t.Errorf("astropy WCS read as %+v, scale %g", w, m.Scale)
	}
}

func TestWriteFITSErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.fits")
	w := SimpleWCS(testImage(), 0, 0)
	w.CType[0] = "RA---ZEA"
	if err := WriteFITS(path, testImage(), w, nil); err == nil {
		t.Error("unsupported projection: no error")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("file written despite the error")
	}
	if _, _, err := ReadFITS(filepath.Join(dir, "missing.fits"), ""); err == nil {
		t.Error("missing file: no error")
	}
}
