package survey

import (
	"fmt"
	"math"
	"testing"
)

// TestSimNoiseSigma checks the blank-sky rms that calibration hands to
// metacalibration's noise symmetrisation: sigma for Gaussian noise,
// sqrt(sky/gain + (read_noise/gain)^2) in ADU for CCD noise, 0 without noise.
func TestSimNoiseSigma(t *testing.T) {
	base := "image: {type: stamps, stamp_size: 16, pixel_scale: 0.2, noise: %s}\npsf: {spec: \"gaussian fwhm=0.7\"}\ngalaxies: {count: 2}\n"
	cases := []struct {
		noise string
		want  float64
	}{
		{"{type: none}", 0},
		{"{type: gaussian, sigma: 1.5}", 1.5},
		{"{type: ccd, sky_level: 100, gain: 2, read_noise: 5}", math.Sqrt(100.0/2 + (5.0/2)*(5.0/2))},
	}
	for _, tc := range cases {
		c, err := Parse([]byte(fmt.Sprintf(base, tc.noise)), "c.yaml")
		if err != nil {
			t.Fatalf("%s: %v", tc.noise, err)
		}
		sim, err := NewSim(c)
		if err != nil {
			t.Fatalf("%s: %v", tc.noise, err)
		}
		if got := sim.NoiseSigma(); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: NoiseSigma = %v, want %v", tc.noise, got, tc.want)
		}
	}
}
