package noise

import (
	"math"
	"strings"
	"testing"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

func stats(v []float64) (mean, variance float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(v)-1)
}

// readFITS reads a 2-D image from the repository's data or testdata.
func readFITS(t *testing.T, path string, scale float64) (*pix.Image, *fits.Header) {
	t.Helper()
	im, h, err := fits.ReadImageFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Axes) != 2 {
		t.Fatalf("%s: %d axes", path, len(im.Axes))
	}
	m := pix.New(im.Axes[0], im.Axes[1], scale)
	copy(m.Pix, im.Data)
	return m, h
}

func TestCCDVarianceAndGalSim(t *testing.T) {
	ccd := CCD{SkyLevel: 100, Gain: 2, ReadNoise: 5}
	want := ccd.Variance()
	if want != 56.25 {
		t.Fatalf("CCD variance formula %g, want 56.25", want)
	}
	img := pix.New(256, 256, 0.2)
	if err := ccd.Apply(img, NewRand(1234)); err != nil {
		t.Fatal(err)
	}
	m, v := stats(img.Pix)
	se := math.Sqrt(want / float64(len(img.Pix)))
	t.Logf("galforge CCD noise 256x256: mean %.4f, variance %.3f (expected 0, %.2f)", m, v, want)
	if math.Abs(v/want-1) > 0.02 {
		t.Errorf("variance %g, want %g within 2%%", v, want)
	}
	if math.Abs(m) > 4*se {
		t.Errorf("mean %g, want 0 ± %g", m, 4*se)
	}
	// GalSim's realisation (different RNG): the same distribution.
	gs, _ := readFITS(t, "../testdata/galsim/noise_ccd_sky100_gain2_rn5_seed1234_256x256.fits", 0.2)
	gm, gv := stats(gs.Pix)
	t.Logf("GalSim CCD noise: mean %.4f, variance %.3f", gm, gv)
	if math.Abs(gm-0.006336061460315706) > 1e-9 || math.Abs(gv-55.79974124756072) > 1e-6 {
		t.Errorf("GalSim file statistics %g %g differ from its manifest", gm, gv)
	}
	// Var of a sample variance ≈ 2σ⁴/N (plus a small excess-kurtosis term).
	seVar := math.Sqrt(2*want*want/float64(len(img.Pix))) * 1.05
	if math.Abs(v-gv) > 4*math.Sqrt2*seVar || math.Abs(m-gm) > 4*math.Sqrt2*se {
		t.Errorf("galforge (%g, %g) and GalSim (%g, %g) differ by more than 4 sigma", m, v, gm, gv)
	}
	// Integer electron counts: (v + sky)·gain − read noise is not integral, but
	// with ReadNoise 0 it is.
	img2 := pix.New(16, 16, 0.2)
	_ = CCD{SkyLevel: 10.25, Gain: 4}.Apply(img2, NewRand(1))
	for _, x := range img2.Pix {
		if e := (x + 10.25) * 4; e != math.Round(e) {
			t.Fatalf("no read noise: %g electrons is not an integer", e)
		}
	}
}

func TestPoissonAndGaussian(t *testing.T) {
	img := pix.New(200, 200, 1)
	for i := range img.Pix {
		img.Pix[i] = 30
	}
	if err := (Poisson{SkyLevel: 20}).Apply(img, NewRand(5)); err != nil {
		t.Fatal(err)
	}
	m, v := stats(img.Pix)
	if math.Abs(m-30) > 4*math.Sqrt(50.0/40000) || math.Abs(v/50-1) > 0.03 {
		t.Errorf("Poisson(30 + sky 20): mean %g var %g, want 30, 50", m, v)
	}
	g := pix.New(200, 200, 1)
	if err := (Gaussian{Sigma: 3}).Apply(g, NewRand(6)); err != nil {
		t.Fatal(err)
	}
	if _, v := stats(g.Pix); math.Abs(v/9-1) > 0.03 {
		t.Errorf("Gaussian variance %g, want 9", v)
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	models := []Model{CCD{SkyLevel: 40, Gain: 1.7, ReadNoise: 3}, Gaussian{Sigma: 2}, Poisson{SkyLevel: 5}}
	cf := pix.New(3, 3, 0.1)
	copy(cf.Pix, []float64{0.1, 0.2, 0.1, 0.2, 1, 0.2, 0.1, 0.2, 0.1})
	c, err := NewCorrelated(cf)
	if err != nil {
		t.Fatal(err)
	}
	models = append(models, c)
	for _, md := range models {
		a, b, d := pix.New(33, 20, 0.1), pix.New(33, 20, 0.1), pix.New(33, 20, 0.1)
		_ = md.Apply(a, NewRand(77))
		_ = md.Apply(b, NewRand(77))
		_ = md.Apply(d, NewRand(78))
		same := true
		for i := range a.Pix {
			if math.Float64bits(a.Pix[i]) != math.Float64bits(b.Pix[i]) {
				t.Fatalf("%T: same seed, pixel %d differs", md, i)
			}
			same = same && a.Pix[i] == d.Pix[i]
		}
		if same {
			t.Errorf("%T: different seeds gave the same image", md)
		}
	}
}

func TestBadInput(t *testing.T) {
	img := pix.New(4, 4, 0.2)
	img.Pix[6] = 1
	cases := []struct {
		m    Model
		want string
	}{
		{CCD{SkyLevel: 10, Gain: -2, ReadNoise: 1}, "gain"},
		{CCD{SkyLevel: math.NaN(), Gain: 2}, "sky level"},
		{CCD{SkyLevel: 1, Gain: 2, ReadNoise: math.Inf(1)}, "read noise"},
		{Gaussian{Sigma: math.NaN()}, "sigma"},
		{Poisson{SkyLevel: -1}, "Poisson"},
	}
	for _, c := range cases {
		err := c.m.Apply(img, NewRand(1))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want one naming %q", c.m, err, c.want)
		}
	}
	img.Pix[5] = math.NaN()
	if err := (Gaussian{Sigma: 1}).Apply(img, NewRand(1)); err == nil || !strings.Contains(err.Error(), "pixel (1, 1)") {
		t.Errorf("NaN pixel: err = %v", err)
	}
	if img.Pix[6] != 1 || img.Pix[0] != 0 {
		t.Error("image changed by a failed Apply")
	}
	if err := (Gaussian{Sigma: 1}).Apply(pix.New(2, 2, 1), nil); err == nil || !strings.Contains(err.Error(), "random generator") {
		t.Errorf("nil rng: %v", err)
	}
	bad := pix.New(4, 5, 1)
	if _, err := NewCorrelated(bad); err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("even CF: %v", err)
	}
	cf := pix.New(3, 3, 1)
	cf.Pix[4] = 1
	cf.Pix[0] = 2
	if _, err := NewCorrelated(cf); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("CF > variance: %v", err)
	}
	cf.Pix[0] = 0
	c, _ := NewCorrelated(cf)
	if _, err := c.Symmetrize(pix.New(8, 8, 1), 3, NewRand(1)); err == nil || !strings.Contains(err.Error(), "order") {
		t.Errorf("order 3: %v", err)
	}
	if _, err := c.Shear(0.9, 0.9); err == nil || !strings.Contains(err.Error(), "|g|") {
		t.Errorf("|g|>1: %v", err)
	}
	if err := c.Apply(pix.New(8, 8, 0), NewRand(1)); err == nil || !strings.Contains(err.Error(), "pixel scale") {
		t.Errorf("scale 0: %v", err)
	}
}
