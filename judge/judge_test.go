package judge

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/galforge/galforge/generator"
)

func TestKS(t *testing.T) {
	a := []float64{1, 2, 3, 4}
	if d := KS(a, a); d != 0 {
		t.Errorf("KS(a,a) = %g", d)
	}
	if d := KS(a, []float64{10, 11}); d != 1 {
		t.Errorf("disjoint KS = %g", d)
	}
	// F_a - F_b is largest at x = 2: 2/4 - 0/2.
	if d := KS(a, []float64{2.5, 5}); math.Abs(d-0.5) > 1e-12 {
		t.Errorf("KS = %g, want 0.5", d)
	}
}

// A pure cosine with 4 cycles along x puts all its power in the k=4 ring:
// |F|^2/n^4 = (1/2)^2 at (±4, 0), so the ring mean is 2 * 1/4 / (ring size).
func TestPowerSpectrumCosine(t *testing.T) {
	const n = 16
	b := &generator.Batch{N: 1, Bands: 1, Size: n, Pix: make([]float32, n*n)}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			b.Pix[y*n+x] = float32(math.Cos(2 * math.Pi * 4 * float64(x) / n))
		}
	}
	k, p := PowerSpectrum(b)
	if len(k) != n/2+1 {
		t.Fatalf("%d k bins", len(k))
	}
	var ring4 float64
	for v := 0; v < n; v++ {
		for u := 0; u < n; u++ {
			ku, kv := u, v
			if ku > n/2 {
				ku -= n
			}
			if kv > n/2 {
				kv -= n
			}
			if int(math.Round(math.Hypot(float64(ku), float64(kv)))) == 4 {
				ring4++
			}
		}
	}
	if want := 0.5 / ring4; math.Abs(p[4]-want) > 1e-9 {
		t.Errorf("P(4) = %g, want %g", p[4], want)
	}
	for i, v := range p {
		if i != 4 && v > 1e-12 {
			t.Errorf("P(%d) = %g, want 0", i, v)
		}
	}
}

func TestNearestDistancesInvariant(t *testing.T) {
	const n = 8
	rng := rand.New(rand.NewPCG(1, 2))
	ref := make([]float32, 3*n*n)
	for i := range ref {
		ref[i] = float32(rng.NormFloat64())
	}
	// A rotated copy of ref's second stamp is at distance 0; a shifted one is not.
	a := make([]float32, 2*n*n)
	generator.Dihedral(a[:n*n], ref[n*n:2*n*n], n, 5)
	for i := range a[n*n:] {
		a[n*n+i] = ref[i] + 0.5
	}
	d := NearestDistances(a, ref, n*n, 1, n)
	if d[0] != 0 || math.Abs(d[1]-0.5*n) > 1e-5 {
		t.Errorf("distances %v, want [0 %g]", d, 0.5*n)
	}
}

// The classifier tells rings from plain discs of the same size.
func TestClassifierRings(t *testing.T) {
	const n = 32
	rng := rand.New(rand.NewPCG(3, 4))
	make1 := func(ring bool) []float32 {
		s := make([]float32, n*n)
		r0 := 4 + 2*rng.Float64()
		q := 0.6 + 0.4*rng.Float64()
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				dx, dy := float64(x)-15.5, (float64(y)-15.5)/q
				r := math.Hypot(dx, dy)
				v := math.Exp(-r / (r0 / 2))
				if ring {
					v = 0.5*math.Exp(-r/(r0/4)) + 0.5*math.Exp(-(r-2*r0)*(r-2*r0)/2)
				}
				s[y*n+x] = float32(100*v + rng.NormFloat64())
			}
		}
		return s
	}
	var st [][]float32
	var lab []int
	for i := 0; i < 60; i++ {
		st = append(st, make1(i%2 == 1))
		lab = append(lab, i%2)
	}
	c, err := TrainClassifier(st, lab, 1, n)
	if err != nil {
		t.Fatal(err)
	}
	var rings, discs [][]float32
	for i := 0; i < 20; i++ {
		rings = append(rings, make1(true))
		discs = append(discs, make1(false))
	}
	if r1, r0 := c.Rate(rings), c.Rate(discs); r1 < 0.9 || r0 > 0.1 {
		t.Errorf("ring rate %g on rings, %g on discs", r1, r0)
	}
	if _, err := TrainClassifier(st[:2], lab[:2], 1, n); err == nil {
		t.Error("2 stamps accepted")
	}
}

func TestSlope(t *testing.T) {
	s, c := Slope([]float64{1, 2, 3}, []float64{3, 5, 7})
	if math.Abs(s-2) > 1e-12 || math.Abs(c-1) > 1e-12 {
		t.Errorf("slope %g intercept %g", s, c)
	}
}
