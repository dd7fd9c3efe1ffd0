package survey

import (
	"github.com/galforge/galforge/fits"
)

// wcsCards adds a TAN WCS with the reference pixel (1-based crpix1, crpix2)
// at the config's RA/Dec, x to the west (CD1_1 < 0) and y to the north.
func (r *renderer) wcsCards(h *fits.Header, crpix1, crpix2 float64) {
	im := &r.c.Image
	d := im.PixelScale / 3600
	h.Set("WCSAXES", int64(2), "celestial axes")
	h.Set("CTYPE1", "RA---TAN", "gnomonic projection")
	h.Set("CTYPE2", "DEC--TAN", "gnomonic projection")
	h.Set("CUNIT1", "deg", "")
	h.Set("CUNIT2", "deg", "")
	h.Set("CRPIX1", crpix1, "reference pixel, 1-based")
	h.Set("CRPIX2", crpix2, "reference pixel, 1-based")
	h.Set("CRVAL1", im.RA, "RA at the reference pixel, deg")
	h.Set("CRVAL2", im.Dec, "Dec at the reference pixel, deg")
	h.Set("CD1_1", -d, "deg/pixel")
	h.Set("CD1_2", 0.0, "")
	h.Set("CD2_1", 0.0, "")
	h.Set("CD2_2", d, "deg/pixel")
	h.Set("RADESYS", "ICRS", "")
}

// commonCards are the provenance cards of every image: no dates, no paths,
// so that the same config gives the same bytes anywhere.
func (r *renderer) commonCards(h *fits.Header) {
	h.Set("BUNIT", "ADU", "pixel unit")
	h.Set("PIXSCALE", r.c.Image.PixelScale, "arcsec/pixel")
	h.Set("GFSEED", int64(r.c.Seed&^(1<<63)), "galforge survey seed")
	h.Set("GFSOURCE", r.c.Galaxies.Source, "galaxy source")
	h.Set("GFLENS", r.c.Lensing.Type, "lensing")
	h.Set("GFNOISE", r.c.Image.Noise.Type, "pixel noise")
	h.Set("GFPSF", r.c.PSF.Spec, "PSF SPEC at the image centre")
}

// stampsHeader is the header of a cube of n stamps: plane k holds object
// k; the WCS describes a stamp centred on the config's RA/Dec (each stamp's
// own position is in the truth catalog).
func (r *renderer) stampsHeader(n int) *fits.Header {
	s := r.c.Image.StampSize
	h := imageHeader(true, s, s, n)
	c := float64(s+1) / 2
	r.wcsCards(h, c, c)
	r.commonCards(h)
	h.AddComment("plane k (NAXIS3) is object k of the truth catalog; stamp centre (N-1)/2 0-based")
	return h
}

// fieldHeader is the header of the full field.
func (r *renderer) fieldHeader() *fits.Header {
	im := &r.c.Image
	h := imageHeader(true, im.Nx, im.Ny)
	r.wcsCards(h, float64(im.Nx+1)/2, float64(im.Ny+1)/2)
	r.commonCards(h)
	return h
}

// psfHeader is the header of the PSF image drawn at the image centre.
func (r *renderer) psfHeader() *fits.Header {
	s := r.c.Image.StampSize
	h := imageHeader(true, s, s)
	h.Set("PIXSCALE", r.c.Image.PixelScale, "arcsec/pixel")
	h.Set("GFPSF", r.c.PSF.Spec, "PSF SPEC at the image centre")
	h.AddComment("PSF at the image centre, unit flux, pixel-convolved, centred at (N-1)/2 0-based")
	return h
}
