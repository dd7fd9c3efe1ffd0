package pix

import (
	"math"
	"testing"
)

// TestCenterConvention pins the one centre convention: (N-1)/2 in 0-based
// pixels for odd and even N; (1+N)/2 in FITS 1-based pixels.
func TestCenterConvention(t *testing.T) {
	for _, c := range []struct {
		nx, ny int
		x, y   float64
	}{{5, 5, 2, 2}, {4, 4, 1.5, 1.5}, {64, 47, 31.5, 23}, {1, 2, 0, 0.5}} {
		m := New(c.nx, c.ny, 1)
		if x, y := m.Center(); x != c.x || y != c.y {
			t.Errorf("%dx%d: centre (%g, %g), want (%g, %g)", c.nx, c.ny, x, y, c.x, c.y)
		}
		if x, y := New32(c.nx, c.ny, 1).Center(); x != c.x || y != c.y {
			t.Errorf("Image32 %dx%d: centre (%g, %g)", c.nx, c.ny, x, y)
		}
		// FITS 1-based: (1+N)/2.
		if x, _ := m.Center(); x+1 != float64(1+c.nx)/2 {
			t.Errorf("%d: 1-based centre %g, want %g", c.nx, x+1, float64(1+c.nx)/2)
		}
	}
}

func TestOpsAndViews(t *testing.T) {
	m := New(6, 5, 0.2)
	for j := 0; j < 5; j++ {
		for i := 0; i < 6; i++ {
			m.Set(i, j, float64(10*j+i))
		}
	}
	v, err := m.Sub(2, 1, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if v.At(0, 0) != 12 || v.At(2, 1) != 24 || v.Stride != 6 {
		t.Errorf("view values %g %g stride %d", v.At(0, 0), v.At(2, 1), v.Stride)
	}
	v.AddConst(100)
	if m.At(2, 1) != 112 || m.At(1, 1) != 11 || m.At(5, 1) != 15 {
		t.Errorf("writes through the view: %g %g %g", m.At(2, 1), m.At(1, 1), m.At(5, 1))
	}
	if got := v.Sum(); got != 12+13+14+22+23+24+600 {
		t.Errorf("view sum %g", got)
	}
	c := v.Clone()
	if c.Stride != 3 || c.At(2, 1) != 124 {
		t.Errorf("clone %d %g", c.Stride, c.At(2, 1))
	}
	if err := c.Add(c.Clone()); err != nil || c.At(1, 0) != 226 {
		t.Errorf("add: %v %g", err, c.At(1, 0))
	}
	if err := c.Subtract(v); err != nil || c.At(1, 0) != 113 {
		t.Errorf("subtract: %v %g", err, c.At(1, 0))
	}
	if err := c.Mul(v); err != nil || c.At(1, 0) != 113*113 {
		t.Errorf("mul: %v %g", err, c.At(1, 0))
	}
	c.MulConst(0.5)
	if mx, x, y := c.Max(); mx != 124*124/2.0 || x != 2 || y != 1 {
		t.Errorf("max %g at %d,%d", mx, x, y)
	}
	if err := c.Add(New(2, 2, 1)); err == nil {
		t.Error("adding images of different sizes: no error")
	}
	if _, err := m.Sub(4, 0, 3, 1); err == nil {
		t.Error("sub-image outside: no error")
	}
	f := m.Float32()
	if f.At(2, 1) != 112 || f.Float64().At(5, 4) != 45 {
		t.Error("float32 round trip")
	}
}

func TestRebinResample(t *testing.T) {
	// A smooth Gaussian of flux 1 on a fine grid.
	m := New(60, 60, 0.05)
	cx, cy := m.Center()
	for j := 0; j < 60; j++ {
		for i := 0; i < 60; i++ {
			x, y := (float64(i)-cx)*0.05, (float64(j)-cy)*0.05
			m.Set(i, j, math.Exp(-(x*x+y*y)/(2*0.3*0.3))/(2*math.Pi*0.09)*0.05*0.05)
		}
	}
	r, err := Rebin(m, 3)
	if err != nil {
		t.Fatal(err)
	}
	if r.Nx != 20 || math.Abs(r.Scale-0.15) > 1e-15 || math.Abs(r.Sum()-m.Sum()) > 1e-12 {
		t.Errorf("rebin: %d %g sum %g vs %g", r.Nx, r.Scale, r.Sum(), m.Sum())
	}
	// The centre is kept: the rebinned image is symmetric.
	if math.Abs(r.At(9, 9)-r.At(10, 10)) > 1e-15 {
		t.Errorf("rebin broke the centring")
	}
	if _, err := Rebin(m, 7); err == nil {
		t.Error("rebin by a non-divisor: no error")
	}
	s, err := Resample(m, 30, 30, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Sum()/m.Sum()-1) > 2e-3 {
		t.Errorf("resample flux %g, want %g", s.Sum(), m.Sum())
	}
	if math.Abs(s.At(14, 14)-s.At(15, 15)) > 1e-15 || math.Abs(s.At(14, 15)-s.At(15, 14)) > 1e-15 {
		t.Errorf("resample broke the centring")
	}
}
