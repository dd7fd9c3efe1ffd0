package profile

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/galforge/galforge/pix"
)

// specWords lists, per SPEC word, the keys it accepts besides the common
// flux=, g1=, g2= and rotate=.
var specWords = map[string][]string{
	"gaussian":      {"sigma", "fwhm"},
	"exponential":   {"hlr", "scale_radius"},
	"devaucouleurs": {"hlr"},
	"sersic":        {"n", "hlr", "scale_radius", "trunc"},
	"moffat":        {"beta", "fwhm", "scale_radius", "trunc"},
	"airy":          {"lod", "obscuration"},
	"kolmogorov":    {"fwhm", "lam_over_r0"},
	"pixel":         {"width"},
	"delta":         {},
	"real":          {"file", "hdu", "psf", "psf_hdu", "scale"},
	"image":         {"file", "hdu", "scale", "sky"},
}

// ParseSpec builds a profile from the SPEC language of `galforge draw`: a
// profile word and key=value pairs, lengths in arcsec,
//
//	gaussian sigma=|fwhm=            exponential hlr=|scale_radius=
//	devaucouleurs hlr=               sersic n= hlr=|scale_radius= [trunc=]
//	moffat beta= fwhm=|scale_radius= [trunc=]
//	airy lod= [obscuration=]         kolmogorov fwhm=|lam_over_r0=
//	pixel width=                     delta
//	real file=F [hdu=] psf=F [psf_hdu=] scale=ARCSEC
//	image file=F [hdu=] [scale=ARCSEC] [sky=]
//
// each with optional flux= (default 1; for real and image the image's own
// pixel sum) and its own rotate= (degrees, counter-clockwise) then g1= g2=
// (reduced shear) applied to that component. Components joined by " + "
// are summed. `real` is the real-galaxy recipe (the galaxy image
// deconvolved by its PSF image, see RealGalaxy); `image` is a plain
// InterpolatedImage (after subtracting sky= from every pixel), e.g. a PSF
// image that includes its pixel. FITS files
// are read with pix.ReadFITS; scale= overrides their pixel scale.
func ParseSpec(spec string) (Profile, error) {
	parts := strings.Split(spec, " + ")
	var ps []Profile
	for _, part := range parts {
		p, err := parseComponent(strings.Fields(part))
		if err != nil {
			return nil, fmt.Errorf("spec %q: %w", strings.TrimSpace(part), err)
		}
		ps = append(ps, p)
	}
	if len(ps) == 1 {
		return ps[0], nil
	}
	return Add(ps...), nil
}

type specArgs struct {
	word string
	kv   map[string]string
}

func (a *specArgs) has(k string) bool { _, ok := a.kv[k]; return ok }

func (a *specArgs) num(k string, def float64) (float64, error) {
	s, ok := a.kv[k]
	if !ok {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %s=%q is not a number", a.word, k, s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: %s=%s must be finite", a.word, k, s)
	}
	return v, nil
}

// need returns the value of a required numeric key.
func (a *specArgs) need(k string) (float64, error) {
	if !a.has(k) {
		return 0, fmt.Errorf("%s: missing %s=", a.word, k)
	}
	return a.num(k, 0)
}

// oneOf returns which of two alternative keys is given (exactly one).
func (a *specArgs) oneOf(k1, k2 string) (string, float64, error) {
	switch {
	case a.has(k1) && a.has(k2):
		return "", 0, fmt.Errorf("%s: give only one of %s= and %s=", a.word, k1, k2)
	case a.has(k1):
		v, err := a.num(k1, 0)
		return k1, v, err
	case a.has(k2):
		v, err := a.num(k2, 0)
		return k2, v, err
	}
	return "", 0, fmt.Errorf("%s: missing %s= (or %s=)", a.word, k1, k2)
}

func parseComponent(f []string) (Profile, error) {
	if len(f) == 0 {
		return nil, fmt.Errorf("empty component")
	}
	word := strings.ToLower(f[0])
	keys, ok := specWords[word]
	if !ok {
		words := make([]string, 0, len(specWords))
		for w := range specWords {
			words = append(words, w)
		}
		sort.Strings(words)
		return nil, fmt.Errorf("unknown profile word %q (known: %s)", f[0], strings.Join(words, ", "))
	}
	a := &specArgs{word: word, kv: map[string]string{}}
	allowed := map[string]bool{"flux": true, "g1": true, "g2": true, "rotate": true}
	for _, k := range keys {
		allowed[k] = true
	}
	for _, kv := range f[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%s: %q is not key=value", word, kv)
		}
		k = strings.ToLower(k)
		if !allowed[k] {
			ks := append([]string(nil), keys...)
			ks = append(ks, "flux", "g1", "g2", "rotate")
			return nil, fmt.Errorf("%s: unknown key %q (allowed: %s)", word, k, strings.Join(ks, ", "))
		}
		if a.has(k) {
			return nil, fmt.Errorf("%s: key %s given twice", word, k)
		}
		a.kv[k] = v
	}
	p, err := buildComponent(a)
	if err != nil {
		return nil, err
	}
	rot, err := a.num("rotate", 0)
	if err != nil {
		return nil, err
	}
	if rot != 0 {
		if p, err = Rotate(p, rot*math.Pi/180); err != nil {
			return nil, err
		}
	}
	g1, err := a.num("g1", 0)
	if err != nil {
		return nil, err
	}
	g2, err := a.num("g2", 0)
	if err != nil {
		return nil, err
	}
	if g1 != 0 || g2 != 0 {
		if p, err = Shear(p, g1, g2); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func buildComponent(a *specArgs) (Profile, error) {
	flux, err := a.num("flux", 1)
	if err != nil {
		return nil, err
	}
	switch a.word {
	case "gaussian":
		k, v, err := a.oneOf("sigma", "fwhm")
		if err != nil {
			return nil, err
		}
		if k == "fwhm" {
			return GaussianFWHM(v, flux)
		}
		return Gaussian(v, flux)
	case "exponential":
		k, v, err := a.oneOf("hlr", "scale_radius")
		if err != nil {
			return nil, err
		}
		if k == "hlr" {
			return ExponentialHLR(v, flux)
		}
		return Exponential(v, flux)
	case "devaucouleurs":
		v, err := a.need("hlr")
		if err != nil {
			return nil, err
		}
		return DeVaucouleurs(v, flux)
	case "sersic":
		n, err := a.need("n")
		if err != nil {
			return nil, err
		}
		k, v, err := a.oneOf("hlr", "scale_radius")
		if err != nil {
			return nil, err
		}
		t, err := a.num("trunc", 0)
		if err != nil {
			return nil, err
		}
		o := SersicOptions{N: n, Trunc: t, Flux: flux}
		if k == "hlr" {
			o.HLR = v
		} else {
			o.ScaleRadius = v
		}
		if o.HLR == 0 && o.ScaleRadius == 0 {
			return nil, &RangeError{"sersic", k, 0, "(0, +Inf): must be a positive finite number"}
		}
		return NewSersic(o)
	case "moffat":
		beta, err := a.need("beta")
		if err != nil {
			return nil, err
		}
		k, v, err := a.oneOf("fwhm", "scale_radius")
		if err != nil {
			return nil, err
		}
		t, err := a.num("trunc", 0)
		if err != nil {
			return nil, err
		}
		o := MoffatOptions{Beta: beta, Trunc: t, Flux: flux}
		if k == "fwhm" {
			o.FWHM = v
		} else {
			o.ScaleRadius = v
		}
		if o.FWHM == 0 && o.ScaleRadius == 0 {
			return nil, &RangeError{"moffat", k, 0, "(0, +Inf): must be a positive finite number"}
		}
		return NewMoffat(o)
	case "airy":
		lod, err := a.need("lod")
		if err != nil {
			return nil, err
		}
		obs, err := a.num("obscuration", 0)
		if err != nil {
			return nil, err
		}
		return Airy(lod, obs, flux)
	case "kolmogorov":
		k, v, err := a.oneOf("fwhm", "lam_over_r0")
		if err != nil {
			return nil, err
		}
		if k == "fwhm" {
			return KolmogorovFWHM(v, flux)
		}
		return Kolmogorov(v, flux)
	case "pixel":
		w, err := a.need("width")
		if err != nil {
			return nil, err
		}
		return Pixel(w, flux)
	case "delta":
		return Delta(flux)
	case "real", "image":
		return buildImageSpec(a)
	}
	return nil, fmt.Errorf("unknown profile word %q", a.word)
}

func buildImageSpec(a *specArgs) (Profile, error) {
	scale, err := a.num("scale", 0)
	if err != nil {
		return nil, err
	}
	if a.has("scale") {
		if err := checkPositive(a.word, "scale", scale); err != nil {
			return nil, err
		}
	}
	flux, err := a.num("flux", 0)
	if err != nil {
		return nil, err
	}
	if a.has("flux") && flux == 0 {
		return nil, &RangeError{a.word, "flux", 0, "non-zero values"}
	}
	file, ok := a.kv["file"]
	if !ok {
		return nil, fmt.Errorf("%s: missing file=", a.word)
	}
	gal, _, err := pix.ReadFITS(file, a.kv["hdu"])
	if err != nil {
		return nil, fmt.Errorf("%s: file=%s: %w", a.word, file, err)
	}
	if scale == 0 && !(gal.Scale > 0) {
		return nil, fmt.Errorf("%s: file=%s has no pixel scale; give scale=", a.word, file)
	}
	if a.word == "image" {
		sky, err := a.num("sky", 0)
		if err != nil {
			return nil, err
		}
		for i := range gal.Pix {
			gal.Pix[i] -= sky
		}
		p, err := NewInterpolatedImage(gal, InterpOptions{Scale: scale, Flux: flux})
		if err != nil {
			return nil, fmt.Errorf("%s: file=%s: %w", a.word, file, err)
		}
		return p, nil
	}
	psfFile, ok := a.kv["psf"]
	if !ok {
		return nil, fmt.Errorf("real: missing psf=")
	}
	psf, _, err := pix.ReadFITS(psfFile, a.kv["psf_hdu"])
	if err != nil {
		return nil, fmt.Errorf("real: psf=%s: %w", psfFile, err)
	}
	if scale == 0 {
		scale = gal.Scale
		psf.Scale = gal.Scale
	}
	return RealGalaxy(gal, psf, scale, flux)
}
