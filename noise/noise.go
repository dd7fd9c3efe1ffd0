package noise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/galforge/galforge/pix"
)

// pcgStream is the fixed PCG increment NewRand uses with the seed.
const pcgStream = 0x9e3779b97f4a7c15

// NewRand returns the package's standard generator for seed: PCG with state
// seed and increment 0x9e3779b97f4a7c15.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, pcgStream)) }

// Model is a kind of pixel noise that can be added to an image in place.
type Model interface {
	Apply(img *pix.Image, rng *rand.Rand) error
}

// RangeError reports a noise parameter outside its allowed range.
type RangeError struct {
	Param string
	Value float64
	Range string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("noise: %s = %g is outside its allowed range %s", e.Param, e.Value, e.Range)
}

// checkNonNeg returns a RangeError unless v is finite and >= 0.
func checkNonNeg(param string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return &RangeError{param, v, "[0, inf)"}
	}
	return nil
}

// checkImage rejects a nil image, a missing rng and non-finite pixels
// before any pixel is changed.
func checkImage(img *pix.Image, rng *rand.Rand) error {
	if img == nil || img.Nx <= 0 || img.Ny <= 0 {
		return fmt.Errorf("noise: empty image")
	}
	if rng == nil {
		return fmt.Errorf("noise: nil random generator (seed one explicitly, e.g. noise.NewRand(seed))")
	}
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			if v := img.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("noise: image pixel (%d, %d) = %g is not finite", i, j, v)
			}
		}
	}
	return nil
}

// Gaussian adds independent N(0, Sigma²) noise to every pixel; Sigma in
// image units (ADU).
type Gaussian struct {
	Sigma float64
}

// Apply adds the noise in place.
func (g Gaussian) Apply(img *pix.Image, rng *rand.Rand) error {
	if err := checkNonNeg("Gaussian sigma", g.Sigma); err != nil {
		return err
	}
	if err := checkImage(img, rng); err != nil {
		return err
	}
	for j := 0; j < img.Ny; j++ {
		row := img.Pix[j*img.Stride : j*img.Stride+img.Nx]
		for i := range row {
			row[i] += g.Sigma * rng.NormFloat64()
		}
	}
	return nil
}

// Variance returns Sigma².
func (g Gaussian) Variance() float64 { return g.Sigma * g.Sigma }

// Poisson replaces each pixel value v (in counts, e.g. electrons or
// photons) by a Poisson draw of mean v + SkyLevel, minus SkyLevel, as
// GalSim's PoissonNoise: the sky adds noise but not signal. It is CCD with
// unit gain and no read noise.
type Poisson struct {
	SkyLevel float64 // counts per pixel
}

// Apply adds the noise in place.
func (p Poisson) Apply(img *pix.Image, rng *rand.Rand) error {
	return CCD{SkyLevel: p.SkyLevel, Gain: 1}.apply(img, rng, "Poisson")
}

// CCD is the noise of a CCD exposure as GalSim's CCDNoise defines it, for an
// image in ADU: each pixel value v plus the sky level s is converted to
// electrons, drawn from a Poisson distribution, converted back, and
// Gaussian read noise of ReadNoise/Gain ADU is added:
//
//	v' = Poisson(Gain·(v + s))/Gain + N(0, (ReadNoise/Gain)²) − s,
//
// so on a blank image the mean is 0 and the variance s/Gain +
// (ReadNoise/Gain)² ADU². The sky is subtracted again unless KeepSky is set
// (then v' keeps the + s). Pixels whose v + s is negative are drawn with
// mean 0 (a Poisson mean cannot be negative).
type CCD struct {
	SkyLevel  float64 // sky level in ADU per pixel, >= 0
	Gain      float64 // electrons per ADU, > 0
	ReadNoise float64 // read noise in electrons, >= 0
	KeepSky   bool    // leave the sky level in the image
}

// Validate reports the first parameter outside its range.
func (c CCD) Validate() error {
	if err := checkNonNeg("CCD sky level", c.SkyLevel); err != nil {
		return err
	}
	if math.IsNaN(c.Gain) || math.IsInf(c.Gain, 0) || c.Gain <= 0 {
		return &RangeError{"CCD gain", c.Gain, "(0, inf) electrons/ADU"}
	}
	return checkNonNeg("CCD read noise", c.ReadNoise)
}

// Variance returns the noise variance on a blank image, s/Gain +
// (ReadNoise/Gain)² ADU².
func (c CCD) Variance() float64 {
	r := c.ReadNoise / c.Gain
	return c.SkyLevel/c.Gain + r*r
}

// Apply adds the noise in place; the image is left unchanged on error.
func (c CCD) Apply(img *pix.Image, rng *rand.Rand) error { return c.apply(img, rng, "CCD") }

func (c CCD) apply(img *pix.Image, rng *rand.Rand, name string) error {
	if err := c.Validate(); err != nil {
		if name != "CCD" {
			err = fmt.Errorf("noise: %s: %w", name, err)
		}
		return err
	}
	if err := checkImage(img, rng); err != nil {
		return err
	}
	// Poisson draws for all pixels first, then read noise (GalSim's order).
	for j := 0; j < img.Ny; j++ {
		row := img.Pix[j*img.Stride : j*img.Stride+img.Nx]
		for i, v := range row {
			e := (v + c.SkyLevel) * c.Gain
			if e < 0 {
				e = 0
			}
			row[i] = distuv.Poisson{Lambda: e, Src: rng}.Rand() / c.Gain
		}
	}
	sigma := c.ReadNoise / c.Gain
	for j := 0; j < img.Ny; j++ {
		row := img.Pix[j*img.Stride : j*img.Stride+img.Nx]
		for i := range row {
			if sigma > 0 {
				row[i] += sigma * rng.NormFloat64()
			}
			if !c.KeepSky {
				row[i] -= c.SkyLevel
			}
		}
	}
	return nil
}
