package profile

import (
	"fmt"
	"math"
	"testing"

	"github.com/galforge/galforge/pix"
)

// TestDrawTinyConservesFlux: a profile far smaller than a pixel must put
// its whole flux in the pixel(s) at its centre, for any offset.
func TestDrawTinyConservesFlux(t *testing.T) {
	var specs []string
	for _, r := range []float64{1e-2, 1e-4, 1e-5, 1e-7, 1e-9} {
		specs = append(specs,
			fmt.Sprintf("gaussian sigma=%g", r),
			fmt.Sprintf("exponential hlr=%g", r),
			fmt.Sprintf("sersic n=4 hlr=%g", r),
			fmt.Sprintf("sersic n=1.5 hlr=%g flux=3", r))
	}
	offsets := [][2]float64{{0, 0}, {0.3, 0.2}, {0.5, 0.5}, {-0.49, 0.17}}
	for _, spec := range specs {
		p, err := ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range offsets {
			img := pix.New(16, 16, 0.2)
			if err := Draw(p, img, DrawOptions{Offset: off}); err != nil {
				t.Fatalf("%s: %v", spec, err)
			}
			var sum float64
			for _, v := range img.Pix {
				sum += v
			}
			if rel := math.Abs(sum/p.Flux() - 1); rel > 1e-4 {
				t.Errorf("%s offset %v: flux %.6g, want %g (rel err %.2g)", spec, off, sum, p.Flux(), rel)
			}
		}
	}
}
