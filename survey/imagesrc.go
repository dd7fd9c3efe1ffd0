package survey

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/galforge/galforge/cosmos"
	"github.com/galforge/galforge/generator"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

// generatorSource draws each galaxy from a trained generative model: one
// sample per object (per ring pair) from its own seed, bands averaged, the
// background (median of the border pixels) removed and negative pixels set to zero,
// turned into an interpolated-image profile, rotated, scaled to the
// object's flux (and to its half-light radius when galaxies.hlr is given).
// Models trained on display-stretched images (gz-decals-rings) give
// morphology templates, not calibrated surface brightness, and carry their
// survey's seeing; see package generator.
//
// In a stamps run objects are drawn in ID order, so a missing sample is
// drawn together with those of the next objects (sampleAhead of them) by
// generator.SampleEach, which gives each the pixels of its own single draw:
// the bytes do not depend on the batching, and shards agree.
type generatorSource struct {
	c     *Config
	mu    sync.Mutex // guards model (not assumed safe for concurrent use) and the cache
	model generator.Model
	scale float64 // arcsec/pixel of the samples
	names []string
	// cache keeps the latest samples by seed, so that a ring partner reuses
	// its twin's sample instead of drawing it again, and prefetched samples
	// wait for their objects.
	cache map[uint64]*pix.Image
	order []uint64 // cache keys, oldest first
	// object returns object i (< count) for prefetching; ahead is the
	// batch size (1: no prefetch).
	object func(i int) Object
	count  int
	ahead  int
}

// sampleCache is the number of samples kept for ring partners and
// prefetched objects.
const sampleCache = 256

// sampleAhead is the number of objects whose samples a stamps run draws
// in one batch.
const sampleAhead = 32

func newGeneratorSource(c *Config, r *renderer) (*generatorSource, error) {
	dir := c.resolve(c.Galaxies.Generator.Model)
	m, err := generator.Load(dir)
	if err != nil {
		return nil, c.errf("galaxies.generator.model", "%v", err)
	}
	card := m.Card()
	known := map[string]bool{}
	for _, s := range card.Conds {
		known[s.Name] = true
	}
	for _, name := range r.gen.conds {
		if !known[name] {
			return nil, c.errf("galaxies.generator.conditions."+name, "model %s has no condition %q", dir, name)
		}
	}
	if err := checkConds(c, card, dir); err != nil {
		return nil, err
	}
	scale := card.PixelScale
	if !(scale > 0) {
		scale = c.Image.PixelScale
	}
	g := &generatorSource{c: c, model: m, scale: scale, names: r.gen.conds, cache: map[uint64]*pix.Image{},
		object: r.gen.Object, count: r.gen.n, ahead: 1}
	if c.Image.Type != "field" {
		// A field draws its galaxies in the order of their rows, not IDs.
		g.ahead = sampleAhead
	}
	return g, nil
}

// typicalHLR is a quarter of the sample's side, arcsec, for footprints of
// galaxies that keep their own size.
func (g *generatorSource) typicalHLR() float64 {
	return float64(g.model.Card().Size) * g.scale / 4
}

func (g *generatorSource) galaxy(o *Object) (profile.Profile, error) {
	img, err := g.sample(o)
	if err != nil {
		return nil, err
	}
	return imageGalaxy(img, o, g.c.Galaxies.HLR != nil)
}

// sample returns the cleaned, band-averaged sample of o (shared with its
// ring partner), drawing it with those of the next objects when missing.
func (g *generatorSource) sample(o *Object) (*pix.Image, error) {
	seed := ObjectSeed(o.paramSeed, streamSource)
	g.mu.Lock()
	defer g.mu.Unlock()
	if img, ok := g.cache[seed]; ok {
		return img, nil
	}
	conds, seeds := []generator.Cond{g.cond(o)}, []uint64{seed}
	want := map[uint64]bool{seed: true}
	for i := o.ID + 1; i < min(o.ID+g.ahead, g.count); i++ {
		n := g.object(i)
		s := ObjectSeed(n.paramSeed, streamSource)
		if _, ok := g.cache[s]; ok || want[s] {
			continue
		}
		want[s] = true
		conds, seeds = append(conds, g.cond(&n)), append(seeds, s)
	}
	b, err := generator.SampleEach(g.model, conds, seeds)
	if err != nil {
		return nil, fmt.Errorf("generator sample: %w", err)
	}
	plane := b.Size * b.Size
	for i, s := range seeds {
		img := pix.New(b.Size, b.Size, g.scale)
		for k, v := range b.Image(i) {
			img.Pix[k%plane] += float64(v) / float64(b.Bands)
		}
		cleanBackground(img)
		if len(g.order) >= sampleCache {
			delete(g.cache, g.order[0])
			g.order = g.order[1:]
		}
		g.cache[s] = img
		g.order = append(g.order, s)
	}
	return g.cache[seed], nil
}

// cond returns the generator conditions of o by name.
func (g *generatorSource) cond(o *Object) generator.Cond {
	cond := generator.Cond{}
	for k, name := range g.names {
		cond[name] = o.Cond[k]
	}
	return cond
}

// cleanBackground subtracts the median of the border pixels and clips
// negative values to zero.
func cleanBackground(img *pix.Image) {
	var border []float64
	for y := range img.Ny {
		for x := range img.Nx {
			if x == 0 || y == 0 || x == img.Nx-1 || y == img.Ny-1 {
				border = append(border, img.At(x, y))
			}
		}
	}
	sort.Float64s(border)
	med := border[len(border)/2]
	for i, v := range img.Pix {
		img.Pix[i] = math.Max(v-med, 0)
	}
}

// imageGalaxy turns a galaxy image into the object's profile: rotated by
// o.Rotation, sheared by its extra intrinsic ellipticity, with flux o.Flux
// and, when setSize, dilated to half-light radius o.HLR; otherwise o.HLR is
// set to the image's own half-light radius.
func imageGalaxy(img *pix.Image, o *Object, setSize bool) (profile.Profile, error) {
	sum := 0.0
	for _, v := range img.Pix {
		sum += v
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("galaxy image has no positive flux")
	}
	p, err := profile.NewInterpolatedImage(img, profile.InterpOptions{})
	if err != nil {
		return nil, err
	}
	if p, err = profile.ScaleFlux(p, o.Flux/p.Flux()); err != nil {
		return nil, err
	}
	native := halfLightRadius(img)
	if setSize && native > 0 {
		if p, err = profile.Dilate(p, o.HLR/native); err != nil {
			return nil, err
		}
	} else {
		o.HLR = native
	}
	if p, err = profile.Rotate(p, o.Rotation); err != nil {
		return nil, err
	}
	if o.E1 != 0 || o.E2 != 0 {
		return profile.Shear(p, o.E1, o.E2)
	}
	return p, nil
}

// halfLightRadius returns the radius (arcsec) of the circle about the
// galaxy's centre that holds half of the image's total flux. Values are
// summed with their signs so that zero-mean noise cancels out; the centre is
// the centroid of the pixels above a quarter of the peak.
func halfLightRadius(img *pix.Image) float64 {
	peak := 0.0
	for _, v := range img.Pix {
		peak = math.Max(peak, v)
	}
	var sx, sy, s, total float64
	for y := range img.Ny {
		for x := range img.Nx {
			v := img.At(x, y)
			total += v
			if v > peak/4 {
				sx += v * float64(x)
				sy += v * float64(y)
				s += v
			}
		}
	}
	if s <= 0 || total <= 0 {
		return 0
	}
	cx, cy := sx/s, sy/s
	type rv struct{ r, v float64 }
	a := make([]rv, 0, img.Nx*img.Ny)
	for y := range img.Ny {
		for x := range img.Nx {
			a = append(a, rv{math.Hypot(float64(x)-cx, float64(y)-cy), img.At(x, y)})
		}
	}
	sort.Slice(a, func(i, j int) bool { return a[i].r < a[j].r })
	acc := 0.0
	for _, e := range a {
		acc += e.v
		if acc >= total/2 {
			return e.r * img.Scale
		}
	}
	return 0
}

// realSource draws galaxies from one real HST stamp by GalSim's recipe:
// the stamp as an interpolated image, deconvolved by its HST PSF, then
// rotated, sheared and scaled per object, and reconvolved with the survey
// PSF by the renderer. This is only valid when the survey PSF is wider than
// the HST one (it must suppress the Fourier modes the deconvolution
// amplifies): newRealSource checks the FWHM of both.
type realSource struct {
	c      *Config
	deconv profile.Profile // galaxy ⊗ PSF⁻¹ at unit flux
	native float64         // half-light radius of the stamp, arcsec
	flux   float64         // flux of the HST stamp, its units
	scale  float64         // arcsec/pixel of the HST stamp
	noise  *realNoise      // nil for real.noise: none
}

func newRealSource(c *Config, r *renderer) (*realSource, error) {
	prefix := strings.TrimSuffix(c.resolve(c.Galaxies.Real.Stamp+"_masknoise.fits"), "_masknoise.fits")
	st, err := cosmos.LoadStamp(prefix)
	if err != nil {
		return nil, c.errf("galaxies.real.stamp", "%v", err)
	}
	gal, err := profile.NewInterpolatedImage(st.Image, profile.InterpOptions{})
	if err != nil {
		return nil, c.errf("galaxies.real.stamp", "galaxy image: %v", err)
	}
	psf, err := profile.NewInterpolatedImage(st.PSF, profile.InterpOptions{})
	if err != nil {
		return nil, c.errf("galaxies.real.stamp", "PSF image: %v", err)
	}
	hst := fwhmOf(psf)
	// The survey PSF convolved with the output pixel must be wider.
	minDil := 1 - math.Abs(c.PSF.Variation.Dilate)*math.Sqrt2
	if target := r.psfFWHM * minDil; !(target > 1.5*hst) {
		return nil, c.errf("psf.spec", "the real-galaxy recipe needs a PSF wider than the HST PSF of %s: FWHM %.3g\" is not > 1.5 x %.3g\"", prefix, target, hst)
	}
	if c.Image.PixelScale < st.Image.Scale {
		return nil, c.errf("image.pixel_scale", "%v\"/pixel is finer than the real stamps' %v\"/pixel", c.Image.PixelScale, st.Image.Scale)
	}
	d, err := profile.Convolve(gal, profile.Deconvolve(psf))
	if err != nil {
		return nil, err
	}
	if d, err = profile.ScaleFlux(d, 1/d.Flux()); err != nil {
		return nil, err
	}
	s := &realSource{c: c, deconv: d, native: halfLightRadius(st.Image), flux: gal.Flux(), scale: st.Image.Scale}
	if c.Galaxies.Real.Noise != "none" {
		if s.noise, err = loadRealNoise(c, st.Image); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *realSource) typicalHLR() float64 { return s.native }

func (s *realSource) galaxy(o *Object) (profile.Profile, error) {
	p, err := profile.ScaleFlux(s.deconv, o.Flux)
	if err != nil {
		return nil, err
	}
	if s.c.Galaxies.HLR != nil && s.native > 0 {
		if p, err = profile.Dilate(p, o.HLR/s.native); err != nil {
			return nil, err
		}
	} else {
		o.HLR = s.native
	}
	if p, err = profile.Rotate(p, o.Rotation); err != nil {
		return nil, err
	}
	if o.E1 != 0 || o.E2 != 0 {
		return profile.Shear(p, o.E1, o.E2)
	}
	return p, nil
}

// checkConds checks the configured condition distributions against the
// model card, as galforge sample does for a single value: a category takes
// only the integer label indices 0..len(labels)-1 (const or choice); a
// number must lie within the training range widened by its own width on
// each side (farther out the network has never seen such values).
func checkConds(c *Config, card *generator.Card, dir string) error {
	for i, s := range card.Conds {
		d, ok := c.Galaxies.Generator.Conditions[s.Name]
		if !ok {
			continue
		}
		key := "galaxies.generator.conditions." + s.Name
		if s.Kind == "category" {
			vals := d.Values
			if d.Type == "const" {
				vals = []float64{d.Value}
			} else if d.Type != "choice" {
				return c.errf(key, "a category (labels %v) takes a label index or {type: choice, values: [...]}, not %s", s.Labels, d.Type)
			}
			for _, v := range vals {
				if v != math.Trunc(v) || v < 0 || int(v) >= len(s.Labels) {
					return c.errf(key, "%v is not one of the label indices 0..%d (%v)", v, len(s.Labels)-1, s.Labels)
				}
			}
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, row := range card.TrainConds {
			if i < len(row) && finite(row[i]) {
				lo, hi = math.Min(lo, row[i]), math.Max(hi, row[i])
			}
		}
		if lo > hi {
			continue // the card does not record the training values
		}
		if s.Log && lo > 0 {
			// Widen in log10, the network's own scale.
			w := math.Log10(hi) - math.Log10(lo)
			if w == 0 {
				w = 1
			}
			lo, hi = lo*math.Pow(10, -w), hi*math.Pow(10, w)
		} else {
			w := hi - lo
			if w == 0 {
				w = math.Max(math.Abs(lo), 1)
			}
			lo, hi = lo-w, hi+w
		}
		if err := d.check(c, key, lo, hi); err != nil {
			return fmt.Errorf("%w (far outside the training range of model %s; %s)", err, dir, s.Unit)
		}
	}
	return nil
}
