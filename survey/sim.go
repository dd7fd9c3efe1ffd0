package survey

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/pix"
)

// Sim renders single stamps of a stamp config in memory, for callers that
// measure galaxies without writing files (the shear calibration). It is safe
// for concurrent use; Stamp(i) gives exactly plane i of the config's
// stamps.fits.
type Sim struct {
	r *renderer
}

// NewSim prepares the PSF, the galaxy source and the lensing of c, which
// must describe stamps.
func NewSim(c *Config) (*Sim, error) {
	if c.Image.Type != "stamps" {
		return nil, c.errf("image.type", "in-memory simulation needs stamps, not %q", c.Image.Type)
	}
	r, err := newRenderer(c)
	if err != nil {
		return nil, err
	}
	return &Sim{r: r}, nil
}

// N is the number of objects.
func (s *Sim) N() int { return s.r.gen.n }

// Stamp draws object i with its noise; the Object is its truth row.
func (s *Sim) Stamp(i int) (Object, *pix.Image, error) {
	if i < 0 || i >= s.N() {
		return Object{}, nil, fmt.Errorf("survey: object %d outside [0, %d)", i, s.N())
	}
	o := s.r.gen.Object(i)
	n := s.r.c.Image.StampSize
	img := pix.New(n, n, s.r.c.Image.PixelScale)
	if err := s.r.stamp(&o, img, true); err != nil {
		return o, nil, fmt.Errorf("survey: object %d: %w", i, err)
	}
	return o, img, nil
}

// PSF draws the PSF at the image centre (pixel response included), as
// written to psf.fits.
func (s *Sim) PSF() (*pix.Image, error) { return s.r.psfImage() }

// NoiseSigma is the rms of the pixel noise on a blank stamp, in ADU (0 when
// the config adds no noise): what metacalibration needs to symmetrise it.
func (s *Sim) NoiseSigma() float64 { return math.Sqrt(s.r.noiseVariance()) }
