package noise

import (
	"math"
	"testing"

	"github.com/galforge/galforge/pix"
)

// cosmosCF returns the COSMOS ACS correlation function with lags in units
// of its GS_SCALE header value (1: ACS pixels).
func cosmosCF(t *testing.T) *Correlated {
	t.Helper()
	m, h := readFITS(t, "../data/cosmos-example/acs_I_unrot_sci_20_cf.fits", 1)
	s, ok := h.Float("GS_SCALE")
	if !ok || s <= 0 {
		t.Fatalf("GS_SCALE missing or bad: %v %v", s, ok)
	}
	m.Scale = s
	c, err := NewCorrelated(m)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// xiSigma is the approximate standard error of a correlation-function
// estimate from n pixels (Bartlett): √(2 Σ ξ²/n).
func xiSigma(xi *pix.Image, n int) float64 {
	var s float64
	for _, v := range xi.Pix {
		s += v * v
	}
	return math.Sqrt(2 * s / float64(n))
}

func TestCorrelatedReproducesCF(t *testing.T) {
	c := cosmosCF(t)
	img := pix.New(512, 512, c.Scale())
	if err := c.Apply(img, NewRand(2026)); err != nil {
		t.Fatal(err)
	}
	const h = 4
	est, err := EstimateCorrelation(img, h, h)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := c.Sampled(c.Scale())
	sig := xiSigma(in, len(img.Pix))
	var worst float64
	for j := -h; j <= h; j++ {
		for i := -h; i <= h; i++ {
			want := c.At(float64(i)*c.Scale(), float64(j)*c.Scale())
			got := est.At(i+h, j+h)
			worst = math.Max(worst, math.Abs(got-want)/sig)
		}
	}
	t.Logf("COSMOS CF: variance %.4g, ξ(1,0) %.4g, ξ(0,1) %.4g; measured %.4g %.4g %.4g; worst |Δ|/σ over 9x9 lags %.2f (σ = %.2g)",
		c.Variance(), c.At(1, 0), c.At(0, 1), est.At(h, h), est.At(h+1, h), est.At(h, h+1), worst, sig)
	if worst > 5 {
		t.Errorf("measured CF differs from the input by %.1f sigma", worst)
	}
}

func TestPowerOnGridNormalisation(t *testing.T) {
	c := cosmosCF(t)
	p, err := c.PowerOnGrid(128, c.Scale())
	if err != nil {
		t.Fatal(err)
	}
	var s, neg float64
	for _, v := range p {
		s += v
		neg = math.Min(neg, v)
	}
	if got := s / (128 * 128); math.Abs(got/c.Variance()-1) > 1e-12 {
		t.Errorf("ΣP/n² = %g, variance %g", got, c.Variance())
	}
	t.Logf("COSMOS P on 128²: most negative value %.3g (relative to variance %.3g)", neg, c.Variance())
}

func TestWhitening(t *testing.T) {
	c := cosmosCF(t)
	img := pix.New(384, 384, c.Scale())
	if err := c.Apply(img, NewRand(11)); err != nil {
		t.Fatal(err)
	}
	added, err := c.Whiten(img, NewRand(12))
	if err != nil {
		t.Fatal(err)
	}
	total := c.Variance() + added
	const h = 4
	est, _ := EstimateCorrelation(img, h, h)
	sig := total * math.Sqrt(2.0/float64(len(img.Pix)))
	var worst float64
	for j := -h; j <= h; j++ {
		for i := -h; i <= h; i++ {
			if i == 0 && j == 0 {
				continue
			}
			worst = math.Max(worst, math.Abs(est.At(i+h, j+h))/sig)
		}
	}
	t.Logf("whitening COSMOS noise: variance %.4g + added %.4g = %.4g; measured %.4g; worst off-centre |ξ|/σ %.2f",
		c.Variance(), added, total, est.At(h, h), worst)
	if worst > 5 {
		t.Errorf("whitened noise still correlated: %.1f sigma", worst)
	}
	if math.Abs(est.At(h, h)/total-1) > 5*math.Sqrt(2.0/float64(len(img.Pix))) {
		t.Errorf("whitened variance %g, predicted %g", est.At(h, h), total)
	}
}

func TestSymmetrize(t *testing.T) {
	c := cosmosCF(t)
	s, err := c.Shear(0.3, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	img := pix.New(320, 320, c.Scale())
	if err := s.Apply(img, NewRand(21)); err != nil {
		t.Fatal(err)
	}
	const h = 3
	before, _ := EstimateCorrelation(img, h, h)
	added, err := s.Symmetrize(img, 4, NewRand(22))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := EstimateCorrelation(img, h, h)
	sig := after.At(h, h) * math.Sqrt(4.0/float64(len(img.Pix)))
	asym := func(e *pix.Image) float64 {
		var worst float64
		for j := -h; j <= h; j++ {
			for i := -h; i <= h; i++ {
				// ξ(l) against ξ(l rotated by 90°) = ξ(−j, i).
				worst = math.Max(worst, math.Abs(e.At(i+h, j+h)-e.At(-j+h, i+h))/sig)
			}
		}
		return worst
	}
	t.Logf("4-fold symmetrising sheared COSMOS noise: added variance %.4g; worst |ξ(l) − ξ(Rl)|/σ before %.1f, after %.2f", added, asym(before), asym(after))
	if asym(before) < 10 {
		t.Errorf("test noise is not anisotropic enough to test anything")
	}
	if asym(after) > 5 {
		t.Errorf("symmetrised noise not 4-fold symmetric: %.1f sigma", asym(after))
	}
}

func TestTransformAndConvolve(t *testing.T) {
	// A Gaussian ξ: shearing maps ξ'(JΔ) = ξ(Δ).
	g := pix.New(41, 41, 0.1)
	for j := 0; j < 41; j++ {
		for i := 0; i < 41; i++ {
			x, y := float64(i-20)*0.1, float64(j-20)*0.1
			g.Set(i, j, math.Exp(-(x*x+y*y)/0.5))
		}
	}
	c, _ := NewCorrelated(g)
	s, _ := c.Transform(1.2, 0.3, -0.1, 0.8)
	for _, d := range [][2]float64{{0.1, 0.2}, {-0.5, 0.33}, {0.7, -0.1}} {
		x, y := 1.2*d[0]+0.3*d[1], -0.1*d[0]+0.8*d[1]
		if a, b := s.At(x, y), c.At(d[0], d[1]); math.Abs(a-b) > 1e-12 {
			t.Errorf("transformed ξ(JΔ) = %g, ξ(Δ) = %g", a, b)
		}
	}
	// White noise convolved with K has ξ = v · (K autocorrelation).
	w, _ := White(2, 0.2)
	k := pix.New(4, 3, 0.2)
	copy(k.Pix, []float64{0.1, 0.2, 0.05, 0, 0.3, 0.1, 0.05, 0.02, 0.01, 0.07, 0.06, 0.04})
	cv, err := w.Convolve(k)
	if err != nil {
		t.Fatal(err)
	}
	for ly := -2; ly <= 2; ly++ {
		for lx := -3; lx <= 3; lx++ {
			var a float64
			for y := 0; y < 3; y++ {
				for x := 0; x < 4; x++ {
					if x+lx >= 0 && x+lx < 4 && y+ly >= 0 && y+ly < 3 {
						a += k.At(x, y) * k.At(x+lx, y+ly)
					}
				}
			}
			if got := cv.At(float64(lx)*0.2, float64(ly)*0.2); math.Abs(got-2*a) > 1e-14 {
				t.Errorf("lag (%d,%d): ξ %g, want %g", lx, ly, got, 2*a)
			}
		}
	}
	// A realisation convolved directly has the predicted ξ.
	img := pix.New(300, 300, 0.2)
	_ = Gaussian{Sigma: math.Sqrt2}.Apply(img, NewRand(3))
	conv := pix.New(300-3, 300-2, 0.2)
	for j := 0; j < conv.Ny; j++ {
		for i := 0; i < conv.Nx; i++ {
			var v float64
			for y := 0; y < 3; y++ {
				for x := 0; x < 4; x++ {
					v += k.At(x, y) * img.At(i+3-x, j+2-y)
				}
			}
			conv.Set(i, j, v)
		}
	}
	est, _ := EstimateCorrelation(conv, 3, 2)
	in, _ := cv.Sampled(0.2)
	sig := xiSigma(in, len(conv.Pix))
	for ly := -2; ly <= 2; ly++ {
		for lx := -3; lx <= 3; lx++ {
			if d := math.Abs(est.At(lx+3, ly+2) - cv.At(float64(lx)*0.2, float64(ly)*0.2)); d > 5*sig {
				t.Errorf("lag (%d,%d): measured %g, Convolve %g", lx, ly, est.At(lx+3, ly+2), cv.At(float64(lx)*0.2, float64(ly)*0.2))
			}
		}
	}
}

func TestFilterMatchesConvolve(t *testing.T) {
	// Filtering white noise by |K̃(k)|² of a 3x3 kernel equals Convolve.
	w, _ := White(1.5, 0.1)
	k := pix.New(3, 3, 0.1)
	copy(k.Pix, []float64{0.05, 0.1, 0.05, 0.1, 0.4, 0.1, 0.05, 0.1, 0.05})
	gain2 := func(kx, ky float64) float64 {
		var re, im float64
		for j := 0; j < 3; j++ {
			for i := 0; i < 3; i++ {
				ph := -(kx*float64(i-1) + ky*float64(j-1)) * 0.1
				re += k.At(i, j) * math.Cos(ph)
				im += k.At(i, j) * math.Sin(ph)
			}
		}
		return re*re + im*im
	}
	f, err := w.Filter(0.1, 16, gain2)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := w.Convolve(k)
	for j := -3; j <= 3; j++ {
		for i := -3; i <= 3; i++ {
			x, y := float64(i)*0.1, float64(j)*0.1
			if math.Abs(f.At(x, y)-c.At(x, y)) > 1e-14 {
				t.Errorf("lag (%d,%d): Filter %g, Convolve %g", i, j, f.At(x, y), c.At(x, y))
			}
		}
	}
	if _, err := w.Filter(0.1, 8, func(kx, ky float64) float64 { return -1 }); err == nil {
		t.Error("negative gain2 accepted")
	}
}
