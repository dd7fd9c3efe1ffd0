package survey

import (
	"math"

	"github.com/galforge/galforge/lensing"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

// drawStrong draws a source behind the config's SIE: the unlensed,
// unconvolved galaxy is ray-traced through the lens (β = θ − α(θ), 4x4 rays
// per pixel) onto the stamp, and the result, which already holds the pixel
// response, is convolved with the PSF as an interpolated image and drawn
// without a second pixel.
func (r *renderer) drawStrong(o *Object, img *pix.Image) error {
	s := r.c.Lensing.SIE
	gal, err := r.src.galaxy(o)
	if err != nil {
		return err
	}
	sie, err := lensing.NewSIE(s.ThetaE, s.Q, s.PA*math.Pi/180)
	if err != nil {
		return err
	}
	// Sky offset of the stamp's centre from the image centre.
	cx, cy := img.Center()
	uc := o.U - (o.X-cx)*img.Scale
	vc := o.V - (o.Y-cy)*img.Scale
	sie.X0, sie.Y0 = s.X-uc, s.Y-vc
	traced := pix.New(img.Nx, img.Ny, img.Scale)
	if err := lensing.RayTrace(traced, sie, gal, lensing.TraceOptions{SourceX: o.U - uc, SourceY: o.V - vc}); err != nil {
		return err
	}
	sum := 0.0
	for _, v := range traced.Pix {
		sum += v
	}
	if !(sum > 0) {
		for i := range img.Pix {
			img.Pix[i] = 0
		}
		return nil
	}
	ii, err := profile.NewInterpolatedImage(traced, profile.InterpOptions{})
	if err != nil {
		return err
	}
	psf, err := r.psfAt(o.U, o.V)
	if err != nil {
		return err
	}
	p, err := profile.Convolve(ii, psf)
	if err != nil {
		return err
	}
	return profile.Draw(p, img, profile.DrawOptions{Method: profile.NoPixel})
}
