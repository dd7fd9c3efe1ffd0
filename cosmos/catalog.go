package cosmos

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

// ErrNoImages is returned (wrapped) by Catalog.Image when the galaxy-image
// file a catalog row points at is not on disk, as for the bundled
// 100-galaxy example whose real_galaxy_images.fits is not distributed.
var ErrNoImages = errors.New("galaxy image file not present (the bundled COSMOS example ships catalogs, PSFs and noise only; run `galforge data fetch cosmos` for the images)")

// SersicFit is one Sérsic component of the COSMOS parametric fits, stored
// in the catalog as 8 numbers in this order (GalSim's COSMOSCatalog
// convention):
//
//	[0] Ie   surface brightness at the half-light radius, image units per pixel
//	[1] Re   half-light radius along the major axis, in COSMOS pixels (0.03")
//	[2] N    Sérsic index
//	[3] Q    axis ratio b/a
//	[4] Boxiness of the isophotes (not used by GalSim)
//	[5] X0, [6] Y0  centre of the fit in stamp pixels
//	[7] Phi  position angle of the major axis, radians
//
// The profile is I(r) = Ie exp(-b_n ((r/Re)^(1/n) - 1)) on elliptical radii.
type SersicFit struct {
	Ie, Re, N, Q, Boxiness, X0, Y0, Phi float64
}

func sersicFromSlice(v []float64) SersicFit {
	return SersicFit{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]}
}

// HalfLightRadius returns the circularised half-light radius in arcsec,
// sqrt(Q) × Re × scale, as GalSim uses it; scale in arcsec per pixel.
func (s SersicFit) HalfLightRadius(scale float64) float64 {
	return scale * math.Sqrt(s.Q) * s.Re
}

// Galaxy is one catalog row: the main catalog's columns and, when the
// _fits file is present, the parametric fits.
type Galaxy struct {
	Ident         int64
	RA, Dec       float64 // degrees, J2000
	Mag           float64 // AB magnitude in Band
	Band          string  // e.g. F814W
	Weight        float64 // sampling weight
	GalFile       string  // file of the galaxy stamp (relative to the catalog)
	GalHDU        int
	PSFFile       string // file of the PSF stamp
	PSFHDU        int
	PixelScale    float64 // arcsec per pixel of the stamps
	NoiseMean     float64 // mean stamp background, image units
	NoiseVariance float64 // pixel noise variance, image units squared
	NoiseFile     string  // noise correlation function file
	StampFlux     float64 // summed stamp flux, image units (NaN when not stored)

	HasFits      bool       // the fields below are set
	MagAuto      float64    // SExtractor MAG_AUTO
	FluxRadius   float64    // SExtractor half-light radius, pixels
	ZPhot        float64    // photometric redshift
	Sersic       SersicFit  // single-Sérsic fit (SERSICFIT)
	Disk, Bulge  SersicFit  // bulge+disk fit (BULGEFIT[0:8] is the n=1 disk, [8:16] the n=4 bulge)
	FitStatus    [5]int64   // status of the fits; GalSim wants FitStatus[4] in 1..4
	UseBulgeFit  bool       // the bulge+disk fit is preferred over the Sérsic one
	ViableSersic bool       // the Sérsic fit is usable
	HLR          [3]float64 // half-light radii, arcsec: Sérsic, bulge, disk
	Flux         [4]float64 // fluxes: Sérsic, bulge, disk, bulge+disk

	HasSelection bool // the stamp-quality fields below are set (from the _selection file)
	Selection    Selection
}

// Selection holds the stamp-quality columns of the _selection file, which
// GalSim's COSMOSCatalog cuts on (its exclusion_level); the names follow
// the file's columns.
type Selection struct {
	DMag                float64 // dmag: a magnitude difference
	SNEllipGauss        float64 // sn_ellip_gauss: signal-to-noise in an elliptical Gaussian weight
	MinMaskDist         float64 // min_mask_dist_pixels: nearest masked pixel, pixels
	AvgMaskAdjacent     float64 // average_mask_adjacent_pixel_count
	PeakImagePixelCount float64 // peak_image_pixel_count
}

// Catalog is a real-galaxy catalog and the files beside it.
type Catalog struct {
	Path     string // the main catalog file
	Dir      string // directory the stamp files are looked up in
	Galaxies []Galaxy

	mu    sync.Mutex
	files map[string]*fits.File
}

// Open reads the real-galaxy catalog at path (for example
// real_galaxy_catalog_23.5_example.fits) and, when present beside it, the
// parametric-fit file (same name with _fits before .fits) and the
// stamp-selection file (_selection), checking that their IDENT columns
// match row by row.
func Open(path string) (*Catalog, error) {
	t, err := openTable(path)
	if err != nil {
		return nil, err
	}
	c := &Catalog{Path: path, Dir: filepath.Dir(path), files: map[string]*fits.File{}}
	n := t.Rows()
	c.Galaxies = make([]Galaxy, n)
	r := colReader{t: t, path: path}
	ident := r.ints("IDENT")
	ra, dec, mag := r.floats("RA"), r.floats("DEC"), r.floats("MAG")
	band := r.strings("BAND")
	weight := r.floats("WEIGHT")
	galFile, psfFile, noiseFile := r.strings("GAL_FILENAME"), r.strings("PSF_FILENAME"), r.strings("NOISE_FILENAME")
	galHDU, psfHDU := r.ints("GAL_HDU"), r.ints("PSF_HDU")
	scale, nmean, nvar := r.floats("PIXEL_SCALE"), r.floats("NOISE_MEAN"), r.floats("NOISE_VARIANCE")
	var flux []float64
	if r.has("stamp_flux") {
		flux = r.floats("stamp_flux")
	}
	if r.err != nil {
		return nil, r.err
	}
	for i := range c.Galaxies {
		g := &c.Galaxies[i]
		*g = Galaxy{Ident: ident[i], RA: ra[i], Dec: dec[i], Mag: mag[i], Band: band[i], Weight: weight[i],
			GalFile: galFile[i], GalHDU: int(galHDU[i]), PSFFile: psfFile[i], PSFHDU: int(psfHDU[i]),
			PixelScale: scale[i], NoiseMean: nmean[i], NoiseVariance: nvar[i], NoiseFile: noiseFile[i], StampFlux: math.NaN()}
		if flux != nil {
			g.StampFlux = flux[i]
		}
	}
	for _, side := range []struct {
		suffix string
		read   func(string) error
	}{{"_fits", c.readFits}, {"_selection", c.readSelection}} {
		p := siblingName(path, side.suffix)
		if _, err := os.Stat(p); err == nil {
			if err := side.read(p); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// sideTable opens a per-row side file and checks its IDENT column against
// the catalog.
func (c *Catalog) sideTable(path string) (*colReader, error) {
	t, err := openTable(path)
	if err != nil {
		return nil, err
	}
	if t.Rows() != len(c.Galaxies) {
		return nil, fmt.Errorf("cosmos: %s has %d rows, the catalog %d", path, t.Rows(), len(c.Galaxies))
	}
	r := &colReader{t: t, path: path}
	ident := r.ints("IDENT")
	if r.err != nil {
		return nil, r.err
	}
	for i := range c.Galaxies {
		if ident[i] != c.Galaxies[i].Ident {
			return nil, fmt.Errorf("cosmos: %s row %d: IDENT %d differs from the catalog's %d", path, i, ident[i], c.Galaxies[i].Ident)
		}
	}
	return r, nil
}

func (c *Catalog) readSelection(path string) error {
	r, err := c.sideTable(path)
	if err != nil {
		return err
	}
	dmag, sn := r.floats("DMAG"), r.floats("SN_ELLIP_GAUSS")
	dist, adj, peak := r.floats("MIN_MASK_DIST_PIXELS"), r.floats("AVERAGE_MASK_ADJACENT_PIXEL_COUNT"), r.floats("PEAK_IMAGE_PIXEL_COUNT")
	if r.err != nil {
		return r.err
	}
	for i := range c.Galaxies {
		c.Galaxies[i].HasSelection = true
		c.Galaxies[i].Selection = Selection{dmag[i], sn[i], dist[i], adj[i], peak[i]}
	}
	return nil
}

// siblingName inserts suffix before the first ".fits" of path's base name
// (GalSim's rule, which also works for .fits.gz).
func siblingName(path, suffix string) string {
	dir, base := filepath.Split(path)
	k := strings.Index(base, ".fits")
	if k < 0 {
		return path + suffix
	}
	return dir + base[:k] + suffix + base[k:]
}

func (c *Catalog) readFits(path string) error {
	r, err := c.sideTable(path)
	if err != nil {
		return err
	}
	magAuto, fluxRadius, zphot := r.floats("MAG_AUTO"), r.floats("FLUX_RADIUS"), r.floats("ZPHOT")
	sersic, bulge := r.vectors("SERSICFIT", 8), r.vectors("BULGEFIT", 16)
	status := r.intVectors("FIT_STATUS", 5)
	useBulge, viable := r.ints("USE_BULGEFIT"), r.ints("VIABLE_SERSIC")
	hlr, flux := r.vectors("HLR", 3), r.vectors("FLUX", 4)
	if r.err != nil {
		return r.err
	}
	for i := range c.Galaxies {
		g := &c.Galaxies[i]
		g.HasFits = true
		g.MagAuto, g.FluxRadius, g.ZPhot = magAuto[i], fluxRadius[i], zphot[i]
		g.Sersic = sersicFromSlice(sersic[i])
		g.Disk, g.Bulge = sersicFromSlice(bulge[i][:8]), sersicFromSlice(bulge[i][8:])
		copy(g.FitStatus[:], status[i])
		g.UseBulgeFit, g.ViableSersic = useBulge[i] != 0, viable[i] != 0
		copy(g.HLR[:], hlr[i])
		copy(g.Flux[:], flux[i])
	}
	return nil
}

// Len returns the number of galaxies.
func (c *Catalog) Len() int { return len(c.Galaxies) }

// HasImages reports whether the galaxy-image file of row i is on disk.
func (c *Catalog) HasImages(i int) bool {
	if i < 0 || i >= len(c.Galaxies) {
		return false
	}
	_, err := os.Stat(filepath.Join(c.Dir, c.Galaxies[i].GalFile))
	return err == nil
}

// Image returns the galaxy stamp of row i with its pixel scale; an error
// wrapping ErrNoImages when its file is missing.
func (c *Catalog) Image(i int) (*pix.Image, error) {
	if err := c.check(i); err != nil {
		return nil, err
	}
	g := &c.Galaxies[i]
	p := filepath.Join(c.Dir, g.GalFile)
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("cosmos: galaxy %d (IDENT %d): %s: %w", i, g.Ident, p, ErrNoImages)
	}
	return c.stamp(p, g.GalHDU, g.PixelScale)
}

// PSF returns the PSF stamp of row i (not renormalised: the COSMOS PSFs sum
// to about 0.96).
func (c *Catalog) PSF(i int) (*pix.Image, error) {
	if err := c.check(i); err != nil {
		return nil, err
	}
	g := &c.Galaxies[i]
	return c.stamp(filepath.Join(c.Dir, g.PSFFile), g.PSFHDU, g.PixelScale)
}

// NoiseCorrelation returns the noise correlation function of row i scaled
// so that its centre equals the row's NOISE_VARIANCE (GalSim's convention:
// the file holds the shape, the catalog the amplitude), with the row's
// pixel scale.
func (c *Catalog) NoiseCorrelation(i int) (*pix.Image, error) {
	if err := c.check(i); err != nil {
		return nil, err
	}
	g := &c.Galaxies[i]
	m, err := c.stamp(filepath.Join(c.Dir, g.NoiseFile), 0, g.PixelScale)
	if err != nil {
		return nil, err
	}
	centre := m.At(m.Nx/2, m.Ny/2)
	if !(centre > 0) {
		return nil, fmt.Errorf("cosmos: %s: centre of the correlation function is %g, want > 0", g.NoiseFile, centre)
	}
	f := g.NoiseVariance / centre
	for k := range m.Pix {
		m.Pix[k] *= f
	}
	return m, nil
}

// Close closes the stamp files opened so far.
func (c *Catalog) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, f := range c.files {
		errs = append(errs, f.Close())
	}
	c.files = map[string]*fits.File{}
	return errors.Join(errs...)
}

func (c *Catalog) check(i int) error {
	if i < 0 || i >= len(c.Galaxies) {
		return fmt.Errorf("cosmos: %s: galaxy index %d out of range [0, %d)", c.Path, i, len(c.Galaxies))
	}
	return nil
}

// stamp reads HDU hdu of file p as an image, keeping files open for reuse.
func (c *Catalog) stamp(p string, hdu int, scale float64) (*pix.Image, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.files[p]
	if f == nil {
		var err error
		if f, err = fits.Open(p); err != nil {
			return nil, fmt.Errorf("cosmos: %w", err)
		}
		c.files[p] = f
	}
	h, err := f.HDU(hdu)
	if err != nil {
		return nil, fmt.Errorf("cosmos: %w", err)
	}
	return hduImage(h, scale)
}

// hduImage converts a 2-D image HDU to a pix.Image with the given scale.
func hduImage(h *fits.HDU, scale float64) (*pix.Image, error) {
	im, err := h.Image()
	if err != nil {
		return nil, fmt.Errorf("cosmos: %w", err)
	}
	if len(im.Axes) != 2 {
		return nil, fmt.Errorf("cosmos: HDU %d: %d axes, want a 2-D image", h.Index(), len(im.Axes))
	}
	return &pix.Image{Nx: im.Axes[0], Ny: im.Axes[1], Stride: im.Axes[0], Pix: im.Data, Scale: scale}, nil
}

// openTable opens the first binary table of a FITS file.
func openTable(path string) (*fits.Table, error) {
	f, err := fits.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cosmos: %w", err)
	}
	defer f.Close()
	h, err := f.HDU(1)
	if err != nil {
		return nil, fmt.Errorf("cosmos: %s: %w", path, err)
	}
	t, err := h.Table()
	if err != nil {
		return nil, fmt.Errorf("cosmos: %s: %w", path, err)
	}
	return t, nil
}

// colReader reads named columns of a table, keeping the first error.
type colReader struct {
	t    *fits.Table
	path string
	err  error
}

func (r *colReader) has(name string) bool {
	_, err := r.t.Column(name)
	return err == nil
}

func (r *colReader) wrap(err error) {
	if r.err == nil && err != nil {
		r.err = fmt.Errorf("cosmos: %s: %w", r.path, err)
	}
}

func (r *colReader) floats(name string) []float64 {
	v, err := r.t.Float64(name)
	r.wrap(err)
	return v
}

func (r *colReader) ints(name string) []int64 {
	v, err := r.t.Int64(name)
	r.wrap(err)
	return v
}

func (r *colReader) strings(name string) []string {
	v, err := r.t.Strings(name)
	r.wrap(err)
	for i := range v {
		v[i] = strings.TrimSpace(v[i])
	}
	return v
}

// vectors reads a vector column and checks each row has n values.
func (r *colReader) vectors(name string, n int) [][]float64 {
	v, err := r.t.Vectors(name)
	r.wrap(err)
	for i := range v {
		if len(v[i]) != n && r.err == nil {
			r.err = fmt.Errorf("cosmos: %s: column %s row %d has %d values, want %d", r.path, name, i, len(v[i]), n)
		}
	}
	return v
}

func (r *colReader) intVectors(name string, n int) [][]int64 {
	v := r.vectors(name, n)
	out := make([][]int64, len(v))
	for i, row := range v {
		out[i] = make([]int64, len(row))
		for k, x := range row {
			out[i][k] = int64(x)
		}
	}
	return out
}
