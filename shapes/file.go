package shapes

import (
	"encoding/csv"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

// FileOptions configures MeasureFile.
type FileOptions struct {
	Image   string // FITS image: one field, or a stamp cube (NAXIS3 = objects)
	PSF     string // FITS PSF image (unit flux, centred); needed unless Method is moments
	Catalog string // optional FITS table with x, y (0-based pixels); rows = objects
	HDU     string // image HDU (index or EXTNAME); "" = first with data
	Method  Method
	Scale   float64 // arcsec per pixel (informational; 0 = from the header's PIXSCALE/CDELT, else 0)
	// StampSize is the side of the stamps cut around detections or catalog
	// positions in a field (default 48 pixels).
	StampSize int
	Detect    DetectOptions
	// FixNoise symmetrises the noise in metacal (MetacalOptions.NoiseSigma)
	// at each stamp's background rms, with the object index as the seed.
	FixNoise bool
}

// MeasureFile measures every object of a FITS image: each plane of a
// stamp cube, or, in a 2-D field, each catalog position or (without a
// catalog) each segment found by Detect, cut out with other segments
// masked. Positions in the result are 0-based pixels of the field, or of
// each stamp for cubes (Measurement.ID is then the plane index).
func MeasureFile(opt FileOptions) ([]Measurement, error) {
	f, err := fits.Open(opt.Image)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hdu *fits.HDU
	if opt.HDU == "" {
		hdu, err = f.DataHDU()
	} else {
		hdu, err = f.Find(opt.HDU)
	}
	if err != nil {
		return nil, fmt.Errorf("shapes: %s: %w", opt.Image, err)
	}
	axes := hdu.Axes()
	if len(axes) < 2 {
		return nil, fmt.Errorf("shapes: %s HDU %d: NAXIS=%d, want an image or a cube", opt.Image, hdu.Index(), len(axes))
	}
	planes := 1
	for _, n := range axes[2:] {
		planes *= n
	}
	var psf *pix.Image
	if opt.PSF != "" {
		im, _, err := fits.ReadImageFile(opt.PSF, "")
		if err != nil {
			return nil, err
		}
		if len(im.Axes) != 2 {
			return nil, fmt.Errorf("shapes: PSF %s: NAXIS=%d, want a 2-D image", opt.PSF, len(im.Axes))
		}
		psf = &pix.Image{Nx: im.Axes[0], Ny: im.Axes[1], Stride: im.Axes[0], Pix: im.Data, Scale: opt.Scale}
	} else if opt.Method != MethodMoments {
		return nil, fmt.Errorf("shapes: method %v needs --psf", opt.Method)
	}
	var cx, cy []float64
	if opt.Catalog != "" {
		if cx, cy, err = readPositions(opt.Catalog); err != nil {
			return nil, err
		}
	}
	size := opt.StampSize
	if size == 0 {
		size = 48
	}
	toPix := func(im *fits.Image) *pix.Image {
		return &pix.Image{Nx: im.Axes[0], Ny: im.Axes[1], Stride: im.Axes[0], Pix: im.Data, Scale: opt.Scale}
	}
	var out []Measurement
	if planes > 1 || len(axes) > 2 {
		if cx != nil && len(cx) != planes {
			return nil, fmt.Errorf("shapes: catalog %s has %d rows for %d stamps in %s", opt.Catalog, len(cx), planes, opt.Image)
		}
		var mp *MetacalPSF
		if opt.Method == MethodMetacal {
			// one prepared PSF for all the stamps of the cube
			if mp, err = NewMetacalPSF(psf, axes[0], axes[1], MetacalOptions{}); err != nil {
				return nil, fmt.Errorf("shapes: PSF %s: %w", opt.PSF, err)
			}
		}
		for k := 0; k < planes; k++ {
			im, err := hdu.Plane(k)
			if err != nil {
				return nil, fmt.Errorf("shapes: %s plane %d: %w", opt.Image, k, err)
			}
			var guess *[2]float64
			if cx != nil {
				guess = &[2]float64{cx[k], cy[k]}
			}
			st := toPix(im)
			mk := mp
			if mp != nil && opt.FixNoise {
				mk = mp.WithNoise(MetacalNoise(st), uint64(k))
			}
			m := measureStamp(st, psf, opt.Method, guess, mk)
			m.ID = k
			out = append(out, m)
		}
		return out, nil
	}
	im, err := hdu.Image()
	if err != nil {
		return nil, fmt.Errorf("shapes: %s: %w", opt.Image, err)
	}
	field := toPix(im)
	bg, noise := Background(field)
	var mp *MetacalPSF
	if opt.Method == MethodMetacal {
		if mp, err = NewMetacalPSF(psf, size, size, MetacalOptions{}); err != nil {
			return nil, fmt.Errorf("shapes: PSF %s: %w", opt.PSF, err)
		}
	}
	prep := func(k int) *MetacalPSF {
		if mp != nil && opt.FixNoise {
			return mp.WithNoise(noise, uint64(k))
		}
		return mp
	}
	if cx != nil {
		for k := range cx {
			st, x0, y0 := Cutout(field, nil, 0, cx[k], cy[k], size, bg)
			m := measureStamp(st, psf, opt.Method, &[2]float64{cx[k] - float64(x0), cy[k] - float64(y0)}, prep(k))
			m.ID, m.X, m.Y = k, m.X+float64(x0), m.Y+float64(y0)
			out = append(out, m)
		}
		return out, nil
	}
	dets, seg, err := Detect(field, opt.Detect)
	if err != nil {
		return nil, err
	}
	for _, d := range dets {
		st, x0, y0 := Cutout(field, seg, int32(d.ID), d.X, d.Y, size, bg)
		m := measureStamp(st, psf, opt.Method, &[2]float64{d.X - float64(x0), d.Y - float64(y0)}, prep(d.ID))
		m.ID, m.X, m.Y = d.ID, m.X+float64(x0), m.Y+float64(y0)
		out = append(out, m)
	}
	return out, nil
}

// readPositions reads the x and y columns (0-based pixels; names
// case-insensitive) of the first table HDU of path.
func readPositions(path string) (x, y []float64, err error) {
	f, err := fits.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	hdus, err := f.HDUs()
	if err != nil {
		return nil, nil, err
	}
	for _, h := range hdus {
		t, err := h.Table()
		if err != nil {
			continue
		}
		if x, err = t.Float64("x"); err != nil {
			return nil, nil, fmt.Errorf("shapes: catalog %s HDU %d: %w", path, h.Index(), err)
		}
		if y, err = t.Float64("y"); err != nil {
			return nil, nil, fmt.Errorf("shapes: catalog %s HDU %d: %w", path, h.Index(), err)
		}
		return x, y, nil
	}
	return nil, nil, fmt.Errorf("shapes: catalog %s: no table HDU", path)
}

// CheckTablePath reports, before any work, why WriteTable could not write
// path: an extension other than .fits, .fits.gz or .csv, a missing
// directory, or a directory at path.
func CheckTablePath(path string) error {
	if err := fits.CheckOutput(path); err != nil {
		return fmt.Errorf("shapes: %w", err)
	}
	low := strings.ToLower(path)
	if !strings.HasSuffix(low, ".fits") && !strings.HasSuffix(low, ".fits.gz") && !strings.HasSuffix(low, ".csv") {
		return fmt.Errorf("shapes: output %s: unknown extension %q, want .fits, .fits.gz or .csv", path, filepath.Ext(path))
	}
	return nil
}

// WriteTable writes measurements to path: a FITS binary table (extension
// SHAPES) for .fits or .fits.gz or, for .csv, CSV with a header line and a
// last column, error, with the reason of a nonzero flag. The file appears,
// mode 0644, only when complete.
func WriteTable(path string, ms []Measurement, method Method) error {
	if err := CheckTablePath(path); err != nil {
		return err
	}
	n := len(ms)
	col := func(f func(m Measurement) float64) []float64 {
		v := make([]float64, n)
		for i, m := range ms {
			v[i] = f(m)
		}
		return v
	}
	ids := make([]int64, n)
	flags := make([]int32, n)
	errs := make([]string, n)
	for i, m := range ms {
		ids[i], flags[i], errs[i] = int64(m.ID), int32(m.Flag), m.Err
	}
	cols := []fits.Column{
		{Name: "id", Data: ids},
		{Name: "x", Unit: "pixel", Data: col(func(m Measurement) float64 { return m.X })},
		{Name: "y", Unit: "pixel", Data: col(func(m Measurement) float64 { return m.Y })},
		{Name: "flux", Unit: "ADU", Data: col(func(m Measurement) float64 { return m.Flux })},
		{Name: "sigma", Unit: "pixel", Data: col(func(m Measurement) float64 { return m.Sigma })},
		{Name: "e1", Data: col(func(m Measurement) float64 { return m.E1 })},
		{Name: "e2", Data: col(func(m Measurement) float64 { return m.E2 })},
		{Name: "g1", Data: col(func(m Measurement) float64 { return m.G1 })},
		{Name: "g2", Data: col(func(m Measurement) float64 { return m.G2 })},
		{Name: "resolution", Data: col(func(m Measurement) float64 { return m.Resolution })},
		{Name: "r11", Data: col(func(m Measurement) float64 { return m.R[0][0] })},
		{Name: "r12", Data: col(func(m Measurement) float64 { return m.R[0][1] })},
		{Name: "r21", Data: col(func(m Measurement) float64 { return m.R[1][0] })},
		{Name: "r22", Data: col(func(m Measurement) float64 { return m.R[1][1] })},
		{Name: "flag", Data: flags},
	}
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		return writeCSV(path, cols, errs)
	}
	w, err := fits.Create(path)
	if err != nil {
		return err
	}
	h := fits.NewHeader()
	h.Set("EXTNAME", "SHAPES", "galforge shape measurements")
	h.Set("METHOD", method.String(), "moments, regauss, ksb or metacal")
	h.Set("COORDS", "0-based", "x, y: pixel (0,0) is the first stored pixel")
	h.AddComment("e1, e2: distortion (a2-b2)/(a2+b2); g1, g2: reduced shear (a-b)/(a+b)")
	h.AddComment("regauss/ksb: PSF-corrected; metacal: g is the noshear estimate, r11..r22 its response")
	if err := w.WriteTable(h, cols); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

func writeCSV(path string, cols []fits.Column, errs []string) error {
	err := atomicfile.Write(path, func(out io.Writer) error {
		cw := csv.NewWriter(out)
		head := make([]string, 0, len(cols)+1)
		for _, c := range cols {
			head = append(head, c.Name)
		}
		cw.Write(append(head, "error"))
		for i := range errs {
			row := make([]string, 0, len(cols)+1)
			for _, c := range cols {
				switch d := c.Data.(type) {
				case []float64:
					if math.IsNaN(d[i]) {
						row = append(row, "nan")
					} else {
						row = append(row, strconv.FormatFloat(d[i], 'g', -1, 64))
					}
				case []int64:
					row = append(row, strconv.FormatInt(d[i], 10))
				case []int32:
					row = append(row, strconv.FormatInt(int64(d[i]), 10))
				}
			}
			cw.Write(append(row, errs[i]))
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("shapes: %w", err)
	}
	return nil
}
