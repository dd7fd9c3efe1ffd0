package cosmos

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

// SDSSScale is the SDSS pixel scale in arcsec, the scale of the SDSS PSF
// and the SHERA reference image shipped with the large COSMOS galaxy.
const SDSSScale = 0.396

// SDSSSoftBias is the soft bias (counts) that SDSS adds to its PSF and image
// files, removed by LoadStamp.
const SDSSSoftBias = 1000

// Stamp is one large real COSMOS galaxy with its HST PSF, as GalSim ships
// it in examples/data as <ident>_<ra>_<dec>_masknoise.fits (the galaxy,
// neighbours masked and replaced by noise), .psf.fits (its PSF) and
// optionally .sdsspsf.fits and .g1_0.02.g2_0.00.fits (SHERA's SDSS
// rendering of the galaxy sheared by g = (0.02, 0), a reference for
// shear-and-reconvolve pipelines).
type Stamp struct {
	Ident   string     // COSMOS identifier, e.g. "147246.0"
	RA, Dec float64    // degrees, from the file name
	Image   *pix.Image // galaxy, Scale from the WCS CD matrix (0.03")
	PSF     *pix.Image // HST PSF at the image's scale (sums to about 1)
	ExpTime float64    // seconds (EXPTIME)
	Unit    string     // BUNIT as stored

	SDSSPSF *pix.Image // SDSS PSF, soft bias removed, SDSSScale; nil when absent
	SHERA   *pix.Image // SHERA reference (sheared, SDSS PSF, soft bias removed); nil when absent
}

// LoadStamp reads the large-galaxy files whose names start with prefix
// (a path such as data/cosmos-example/147246.0_150.416558_1.998697).
func LoadStamp(prefix string) (*Stamp, error) {
	base := filepath.Base(prefix)
	parts := strings.Split(base, "_")
	if len(parts) != 3 {
		return nil, fmt.Errorf("cosmos: stamp prefix %q is not IDENT_RA_DEC", base)
	}
	s := &Stamp{Ident: parts[0]}
	var err1, err2 error
	s.RA, err1 = strconv.ParseFloat(parts[1], 64)
	s.Dec, err2 = strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("cosmos: stamp prefix %q: RA/Dec not numbers", base)
	}
	var hdr *fits.Header
	var err error
	if s.Image, hdr, err = readImage(prefix+"_masknoise.fits", 0); err != nil {
		return nil, err
	}
	s.Image.Scale, err = cdScale(hdr)
	if err != nil {
		return nil, fmt.Errorf("cosmos: %s_masknoise.fits: %w", prefix, err)
	}
	s.ExpTime, _ = hdr.Float("EXPTIME")
	s.Unit, _ = hdr.String("BUNIT")
	if s.PSF, _, err = readImage(prefix+".psf.fits", s.Image.Scale); err != nil {
		return nil, err
	}
	for _, o := range []struct {
		file string
		dst  **pix.Image
	}{{".sdsspsf.fits", &s.SDSSPSF}, {".g1_0.02.g2_0.00.fits", &s.SHERA}} {
		p := prefix + o.file
		if _, err := os.Stat(p); err != nil {
			continue
		}
		m, _, err := readImage(p, SDSSScale)
		if err != nil {
			return nil, err
		}
		for k := range m.Pix {
			m.Pix[k] -= SDSSSoftBias
		}
		*o.dst = m
	}
	return s, nil
}

// cdScale returns the pixel scale in arcsec from a CD matrix (degrees),
// sqrt(|det CD|) × 3600.
func cdScale(h *fits.Header) (float64, error) {
	var cd [4]float64
	for k, key := range []string{"CD1_1", "CD1_2", "CD2_1", "CD2_2"} {
		v, ok := h.Float(key)
		if !ok {
			return 0, fmt.Errorf("keyword %s missing", key)
		}
		cd[k] = v
	}
	return math.Sqrt(math.Abs(cd[0]*cd[3]-cd[1]*cd[2])) * 3600, nil
}

// readImage reads HDU 0 of path as a 2-D image with the given scale.
func readImage(path string, scale float64) (*pix.Image, *fits.Header, error) {
	f, err := fits.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cosmos: %w", err)
	}
	defer f.Close()
	h, err := f.HDU(0)
	if err != nil {
		return nil, nil, fmt.Errorf("cosmos: %w", err)
	}
	m, err := hduImage(h, scale)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, h.Header(), nil
}
