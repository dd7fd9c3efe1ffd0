package survey

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/galforge/galforge/noise"
)

const realYAML = `
seed: 9
image: {type: stamps, stamp_size: 64, pixel_scale: 0.2}
psf: {spec: "gaussian fwhm=0.8"}
galaxies:
  source: real
  count: 2
  flux: 40000
  real: {noise: %s}
`

// neighbourCorrelation is ξ(1,0)/ξ(0,0) and ξ(0,1)/ξ(0,0) measured on the
// 16-pixel-wide left and right strips of a stamp (away from the galaxy).
func neighbourCorrelation(t *testing.T, dir string) (float64, float64) {
	t.Helper()
	imgs := readCube(t, filepath.Join(dir, StampsFile))
	var cx, cy float64
	for _, img := range imgs {
		for _, x0 := range []int{0, img.Nx - 16} {
			strip := img
			sub := *strip
			sub.Pix = strip.Pix[x0:]
			sub.Nx = 16
			cf, err := noise.EstimateCorrelation(&sub, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			c0 := cf.At(1, 1)
			cx += cf.At(2, 1) / c0 / 4
			cy += cf.At(1, 2) / c0 / 4
		}
	}
	return cx, cy
}

// TestRealGalaxyWhitening checks that the HST noise of the real stamp,
// correlated by the shear and the PSF, becomes white after whitening, and
// that the recipe refuses a PSF narrower than the HST one.
func TestRealGalaxyWhitening(t *testing.T) {
	dir := t.TempDir()
	var corr [2][2]float64
	for k, mode := range []string{"none", "whiten"} {
		c := mustLoad(t, fmt.Sprintf(realYAML, mode))
		out := filepath.Join(dir, mode)
		if _, err := Run(c, out, Options{}); err != nil {
			t.Fatal(err)
		}
		corr[k][0], corr[k][1] = neighbourCorrelation(t, out)
	}
	t.Logf("neighbour correlation: none %.3f %.3f, whitened %.3f %.3f", corr[0][0], corr[0][1], corr[1][0], corr[1][1])
	if corr[0][0] < 0.3 || corr[0][1] < 0.3 {
		t.Errorf("the unwhitened noise should be strongly correlated: %v", corr[0])
	}
	if math.Abs(corr[1][0]) > 0.1 || math.Abs(corr[1][1]) > 0.1 {
		t.Errorf("whitened noise still correlated: %v", corr[1])
	}
	// 4-fold symmetrisation adds noise too: the total power becomes
	// invariant under 90-degree turns, so ξ(1,0) = ξ(0,1).
	c := mustLoad(t, fmt.Sprintf(realYAML, "symmetrize"))
	sym := filepath.Join(dir, "sym")
	if _, err := Run(c, sym, Options{}); err != nil {
		t.Fatal(err)
	}
	sx, sy := neighbourCorrelation(t, sym)
	t.Logf("symmetrised: %.3f %.3f", sx, sy)
	if math.Abs(sx-sy) > 0.1 {
		t.Errorf("symmetrised noise: ξ(1,0)/ξ(0) = %.3f, ξ(0,1)/ξ(0) = %.3f", sx, sy)
	}
	c = mustLoad(t, "image: {pixel_scale: 0.03}\npsf: {spec: \"gaussian fwhm=0.05\"}\ngalaxies: {source: real, count: 2}\n")
	if _, err := NewSim(c); err == nil {
		t.Error("a PSF narrower than the HST PSF was accepted")
	} else {
		t.Log(err)
	}
}
