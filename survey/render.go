package survey

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/galforge/galforge/noise"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

// renderer draws objects: it holds the PSF, the galaxy source and the object
// generator, all safe for concurrent use.
type renderer struct {
	c    *Config
	gen  *objectGen
	psf  profile.Profile // at the image centre
	src  source
	cols []truthColumn
	// halfW, halfH are half the field (or stamp-grid) extent, arcsec, for
	// the PSF variation's normalised coordinates.
	halfW, halfH float64
	psfFWHM      float64 // arcsec, measured once on the central PSF
}

// drawAccuracy is the accuracy of survey stamps: GalSim's GSParams
// defaults (folding 5e-3, maxk 1e-3), ten times looser than package
// profile's own defaults, which are meant for reference drawings.
var drawAccuracy = profile.Accuracy{FoldingThreshold: 5e-3, MaxKThreshold: 1e-3}

// source makes the unlensed, unconvolved galaxy of an object.
type source interface {
	galaxy(o *Object) (profile.Profile, error)
}

func newRenderer(c *Config) (*renderer, error) {
	// Configs changed in code (WithCount, ...) are checked again here.
	if err := c.validate(); err != nil {
		return nil, err
	}
	gen, err := newObjectGen(c)
	if err != nil {
		return nil, err
	}
	r := &renderer{c: c, gen: gen, cols: truthColumns(gen.conds)}
	w, h := gen.fieldExtent()
	r.halfW, r.halfH = w/2, h/2
	if r.psf, err = profile.ParseSpec(c.PSF.Spec); err != nil {
		return nil, c.errf("psf.spec", "%v", err)
	}
	r.psfFWHM = fwhmOf(r.psf)
	if r.src, err = newSource(c, r); err != nil {
		return nil, err
	}
	return r, nil
}

// checkPSF parses the PSF SPEC during validation.
func checkPSF(c *Config) error {
	if _, err := profile.ParseSpec(c.PSF.Spec); err != nil {
		return c.errf("psf.spec", "%v", err)
	}
	v := c.PSF.Variation
	if v.Dilate <= -1 || !finite(v.Dilate) {
		return c.errf("psf.variation.dilate", "%v must be > -1", v.Dilate)
	}
	if math.Abs(v.G1X)+math.Abs(v.G1Y)+math.Abs(v.G2X)+math.Abs(v.G2Y) >= 0.7 {
		return c.errf("psf.variation.g1_x", "PSF shear gradients too large: |g| could reach 1")
	}
	return nil
}

// fwhmOf measures a round profile's FWHM (arcsec) along x by bisection on
// its surface brightness.
func fwhmOf(p profile.Profile) float64 {
	peak := p.XValue(0, 0)
	if !(peak > 0) || math.IsInf(peak, 0) {
		return math.Pi / p.MaxK() * 2
	}
	lo, hi := 0.0, math.Pi/p.StepK()
	for range 60 {
		m := (lo + hi) / 2
		if p.XValue(m, 0) > peak/2 {
			lo = m
		} else {
			hi = m
		}
	}
	return 2 * lo
}

// psfAt returns the PSF at sky offset (u, v) arcsec.
func (r *renderer) psfAt(u, v float64) (profile.Profile, error) {
	pv := r.c.PSF.Variation
	if pv == (PSFVariationConf{}) {
		return r.psf, nil
	}
	x, y := u/r.halfW, v/r.halfH
	p := r.psf
	var err error
	if s := 1 + pv.Dilate*math.Hypot(x, y); s != 1 {
		if p, err = profile.Dilate(p, s); err != nil {
			return nil, err
		}
	}
	g1, g2 := pv.G1X*x+pv.G1Y*y, pv.G2X*x+pv.G2Y*y
	if g1 != 0 || g2 != 0 {
		if p, err = profile.Shear(p, g1, g2); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// psfImage draws the central PSF at unit flux on a stamp-sized image.
func (r *renderer) psfImage() (*pix.Image, error) {
	s := r.c.Image.StampSize
	img := pix.New(s, s, r.c.Image.PixelScale)
	if err := profile.Draw(r.psf, img, profile.DrawOptions{}); err != nil {
		return nil, fmt.Errorf("survey: drawing the PSF: %w", err)
	}
	return img, nil
}

// final returns the lensed, PSF-convolved profile of object o.
func (r *renderer) final(o *Object) (profile.Profile, error) {
	gal, err := r.src.galaxy(o)
	if err != nil {
		return nil, err
	}
	if o.G1 != 0 || o.G2 != 0 {
		if gal, err = profile.Shear(gal, o.G1, o.G2); err != nil {
			return nil, err
		}
	}
	if o.Mu != 1 {
		if gal, err = profile.Magnify(gal, o.Mu); err != nil {
			return nil, err
		}
	}
	psf, err := r.psfAt(o.U, o.V)
	if err != nil {
		return nil, err
	}
	return profile.Convolve(gal, psf)
}

// stamp draws object o, centred at (o.X, o.Y) 0-based pixels of img, into
// img (overwriting it). With a target S/N the image and o.Flux are scaled;
// with noise it adds the object's seeded pixel noise.
func (r *renderer) stamp(o *Object, img *pix.Image, withNoise bool) error {
	var p profile.Profile
	var err error
	if o.Kind == "lensed" {
		err = r.drawStrong(o, img)
	} else {
		p, err = r.final(o)
		if err == nil {
			cx, cy := img.Center()
			err = profile.Draw(p, img, profile.DrawOptions{Offset: [2]float64{o.X - cx, o.Y - cy}, Accuracy: &drawAccuracy})
		}
	}
	if err != nil {
		return err
	}
	if snr := r.c.Image.Noise.SNR; snr > 0 {
		ss := 0.0
		for _, v := range img.Pix {
			ss += v * v
		}
		if ss > 0 {
			f := snr * math.Sqrt(r.noiseVariance()/ss)
			for i := range img.Pix {
				img.Pix[i] *= f
			}
			o.Flux *= f
		}
	}
	if rs, ok := r.src.(*realSource); ok && o.Kind == "real" {
		if _, err := rs.treatNoise(r, o, img); err != nil {
			return fmt.Errorf("real-galaxy noise: %w", err)
		}
	}
	if withNoise {
		return r.addNoise(img, newRand(o.Seed, streamNoise))
	}
	return nil
}

// finishObject completes a field object's truth: the size of image
// sources that keep their own, and the S/N-scaled flux.
func (r *renderer) finishObject(o *Object) error {
	if o.HLR == 0 && o.Kind != "lensed" {
		if _, err := r.src.galaxy(o); err != nil {
			return err
		}
	}
	if r.c.Image.Noise.SNR <= 0 {
		return nil
	}
	b := r.footprint(o)
	oo := *o
	oo.X, oo.Y = o.X-float64(b.x0), o.Y-float64(b.y0)
	img := pix.New(b.size, b.size, r.c.Image.PixelScale)
	if err := r.stamp(&oo, img, false); err != nil {
		return err
	}
	o.Flux = oo.Flux
	return nil
}

// footprint is the pixel box in which a field galaxy is drawn: a square of
// side ~ 12 × (its lensed half-light radius ⊕ the PSF FWHM), at least 16 and
// at most 512 pixels, placed on whole pixels around the centre.
func (r *renderer) footprint(o *Object) box {
	im := &r.c.Image
	hlr := o.HLR
	if t, ok := r.src.(interface{ typicalHLR() float64 }); ok && hlr == 0 {
		hlr = t.typicalHLR()
	}
	size := 12 * math.Hypot(hlr*math.Sqrt(math.Abs(o.Mu)), r.psfFWHM) / im.PixelScale
	if o.Kind == "lensed" {
		size = max(size, 4*r.c.Lensing.SIE.ThetaE/im.PixelScale+size)
	}
	n := int(math.Ceil(size))
	n = min(max(n+n%2, 16), 512)
	x0 := int(math.Round(o.X)) - n/2
	y0 := int(math.Round(o.Y)) - n/2
	return box{id: o.ID, x0: x0, y0: y0, size: n}
}

// noiseModel is the config's pixel noise (nil for none). CCD noise is
// GalSim's CCDNoise (package noise): sky subtracted again after the draw.
func (r *renderer) noiseModel() noise.Model {
	n := &r.c.Image.Noise
	switch n.Type {
	case "gaussian":
		return noise.Gaussian{Sigma: n.Sigma}
	case "ccd":
		return noise.CCD{SkyLevel: n.SkyLevel, Gain: n.Gain, ReadNoise: n.ReadNoise}
	}
	return nil
}

// noiseVariance is the per-pixel noise variance in ADU² on a blank image.
func (r *renderer) noiseVariance() float64 {
	n := &r.c.Image.Noise
	switch n.Type {
	case "gaussian":
		return n.Sigma * n.Sigma
	case "ccd":
		return noise.CCD{SkyLevel: n.SkyLevel, Gain: n.Gain, ReadNoise: n.ReadNoise}.Variance()
	}
	return 0
}

// addNoise adds the config's pixel noise to img with rng.
func (r *renderer) addNoise(img *pix.Image, rng *rand.Rand) error {
	if m := r.noiseModel(); m != nil {
		return m.Apply(img, rng)
	}
	return nil
}
