package shapes

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// The gridded evaluation of the image transform matches the direct sum.
func TestKImageMatchesDirectDFT(t *testing.T) {
	for _, n := range []int{31, 32} {
		img := gaussImage(n, 100, 14.2, 15.9, 6, 1, 4)
		rng := rand.New(rand.NewPCG(3, 4))
		for i := range img.Pix {
			img.Pix[i] += rng.NormFloat64() * 0.01
		}
		k := newKImage(img, kGrid(n))
		cx, cy := img.Center()
		worst := 0.0
		for trial := 0; trial < 200; trial++ {
			kx, ky := (rng.Float64()*2-1)*math.Pi, (rng.Float64()*2-1)*math.Pi
			var want complex128
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					want += complex(img.At(x, y), 0) * cmplx.Exp(complex(0, -(kx*(float64(x)-cx)+ky*(float64(y)-cy))))
				}
			}
			worst = math.Max(worst, cmplx.Abs(k.at(kx, ky)-want)/100)
		}
		t.Logf("n=%d: worst error / flux = %.2e", n, worst)
		if worst > 2e-6 {
			t.Errorf("n=%d: gridded transform error %.2e of the flux", n, worst)
		}
	}
}
