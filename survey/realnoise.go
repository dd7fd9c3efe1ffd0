package survey

import (
	"fmt"
	"math"
	"sort"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/noise"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

// streamWhiten seeds the extra noise added to whiten a real galaxy.
const streamWhiten = 4

// realNoise is the correlated HST noise a real stamp carries, in the
// stamp's units per stamp pixel.
type realNoise struct {
	cn *noise.Correlated
}

// loadRealNoise reads the noise correlation function (lags in stamp pixels)
// and scales it to the stamp's variance: the configured one, or the
// robust (MAD) variance of the stamp's outer 32-pixel frame.
func loadRealNoise(c *Config, stamp *pix.Image) (*realNoise, error) {
	path := c.resolve(c.Galaxies.Real.NoiseCF)
	cf, _, err := fits.ReadImageFile(path, "")
	if err != nil {
		return nil, c.errf("galaxies.real.noise_cf", "%v", err)
	}
	if len(cf.Axes) != 2 {
		return nil, c.errf("galaxies.real.noise_cf", "%s: want a 2-D image", path)
	}
	img := pix.New(cf.Axes[0], cf.Axes[1], stamp.Scale)
	copy(img.Pix, cf.Data)
	cn, err := noise.NewCorrelated(img)
	if err != nil {
		return nil, c.errf("galaxies.real.noise_cf", "%s: %v", path, err)
	}
	v := c.Galaxies.Real.NoiseVariance
	if v == 0 {
		v = frameVariance(stamp, 32)
	}
	if !(v > 0) {
		return nil, c.errf("galaxies.real.noise_variance", "could not estimate the stamp's noise variance; set it")
	}
	if cn, err = cn.WithVariance(v); err != nil {
		return nil, err
	}
	return &realNoise{cn: cn}, nil
}

// frameVariance is the squared robust sigma (1.4826 MAD) of the pixels
// within w of the image edge.
func frameVariance(img *pix.Image, w int) float64 {
	var v []float64
	for y := range img.Ny {
		for x := range img.Nx {
			if x < w || y < w || x >= img.Nx-w || y >= img.Ny-w {
				v = append(v, img.At(x, y))
			}
		}
	}
	if len(v) < 10 {
		return 0
	}
	sort.Float64s(v)
	med := v[len(v)/2]
	for i := range v {
		v[i] = math.Abs(v[i] - med)
	}
	sort.Float64s(v)
	s := 1.4826 * v[len(v)/2]
	return s * s
}

// jacobian is the map the recipe applies to the real galaxy of o: rotation,
// dilation to the wanted size, intrinsic shear, lensing shear and
// magnification, as [dudx, dudy, dvdx, dvdy].
func (s *realSource) jacobian(o *Object) [4]float64 {
	c, sn := math.Cos(o.Rotation), math.Sin(o.Rotation)
	d := 1.0
	if s.c.Galaxies.HLR != nil && s.native > 0 {
		d = o.HLR / s.native
	}
	j := [4]float64{d * c, -d * sn, d * sn, d * c}
	j = mul2(shearJac(o.E1, o.E2), j)
	j = mul2(shearJac(o.G1, o.G2), j)
	m := math.Sqrt(math.Abs(o.Mu))
	return [4]float64{m * j[0], m * j[1], m * j[2], m * j[3]}
}

func shearJac(g1, g2 float64) [4]float64 {
	f := 1 / math.Sqrt(1-g1*g1-g2*g2)
	return [4]float64{f * (1 + g1), f * g2, f * g2, f * (1 - g1)}
}

func mul2(a, b [4]float64) [4]float64 {
	return [4]float64{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3]}
}

// treatNoise whitens or symmetrises the HST noise carried by the drawn
// stamp img of object o (o.Flux is its final flux, after any S/N scaling).
// The stamp's noise is the HST noise, scaled by the flux factor
// f = o.Flux / (flux of the HST stamp), mapped by the object's Jacobian and summed over
// the output pixel through the PSF: ξ_out = f² ξ_HST∘J⁻¹ ⊛ A_K, with K the
// PSF convolved with the output pixel sampled on the HST grid (weights of
// HST pixels in one output pixel). The HST PSF's own deconvolution is left
// out of K (it is much narrower than the survey PSF this recipe requires).
// It returns the variance added.
func (s *realSource) treatNoise(r *renderer, o *Object, img *pix.Image) (float64, error) {
	mode := s.c.Galaxies.Real.Noise
	if mode == "none" || s.noise == nil {
		return 0, nil
	}
	f := o.Flux / s.flux
	cn, err := s.noise.cn.WithVariance(s.noise.cn.Variance() * f * f)
	if err != nil {
		return 0, err
	}
	j := s.jacobian(o)
	if cn, err = cn.Transform(j[0], j[1], j[2], j[3]); err != nil {
		return 0, err
	}
	k, err := s.kernel(r, o, img.Scale)
	if err != nil {
		return 0, err
	}
	if cn, err = cn.Convolve(k); err != nil {
		return 0, err
	}
	rng := newRand(o.Seed, streamWhiten)
	if mode == "symmetrize" {
		return cn.Symmetrize(img, 4, rng)
	}
	return cn.Whiten(img, rng)
}

// kernel draws the PSF at o's position convolved with the output pixel of
// side scale, as weights on the HST pixel grid (summing to the ratio of
// pixel areas).
func (s *realSource) kernel(r *renderer, o *Object, scale float64) (*pix.Image, error) {
	psf, err := r.psfAt(o.U, o.V)
	if err != nil {
		return nil, err
	}
	box, err := profile.Pixel(scale, scale*scale)
	if err != nil {
		return nil, err
	}
	p, err := profile.Convolve(psf, box)
	if err != nil {
		return nil, err
	}
	hs := s.scale
	n := int(math.Ceil(3*(r.psfFWHM+scale)/hs)) | 1
	k := pix.New(n, n, hs)
	if err := profile.Draw(p, k, profile.DrawOptions{Method: profile.NoPixel, Accuracy: &drawAccuracy}); err != nil {
		return nil, fmt.Errorf("noise kernel: %w", err)
	}
	for i := range k.Pix {
		k.Pix[i] /= hs * hs
	}
	return k, nil
}
