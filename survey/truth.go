package survey

import (
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
)

// truthColumn is one column of the truth catalog.
type truthColumn struct {
	name, form, unit, doc string
	f                     func(o *Object) float64 // D columns
	i                     func(o *Object) int64   // K columns
	s                     func(o *Object) string  // A columns (width in form)
}

const kindWidth = 10

// truthColumns lists the truth catalog's columns; conds are the generator's
// condition names (columns cond_<name>).
func truthColumns(conds []string) []truthColumn {
	cols := []truthColumn{
		{name: "id", form: "K", doc: "object index", i: func(o *Object) int64 { return int64(o.ID) }},
		{name: "x", form: "D", unit: "pixel", doc: "centre x, 0-based, in the field or its stamp", f: func(o *Object) float64 { return o.X }},
		{name: "y", form: "D", unit: "pixel", doc: "centre y, 0-based", f: func(o *Object) float64 { return o.Y }},
		{name: "u", form: "D", unit: "arcsec", doc: "sky offset from the image centre along x", f: func(o *Object) float64 { return o.U }},
		{name: "v", form: "D", unit: "arcsec", doc: "sky offset from the image centre along y", f: func(o *Object) float64 { return o.V }},
		{name: "ra", form: "D", unit: "deg", doc: "right ascension (TAN WCS)", f: func(o *Object) float64 { return o.RA }},
		{name: "dec", form: "D", unit: "deg", doc: "declination", f: func(o *Object) float64 { return o.Dec }},
		{name: "flux", form: "D", unit: "ADU", doc: "total flux before magnification", f: func(o *Object) float64 { return o.Flux }},
		{name: "hlr", form: "D", unit: "arcsec", doc: "intrinsic half-light radius", f: func(o *Object) float64 { return o.HLR }},
		{name: "sersic_n", form: "D", doc: "Sersic index (0 when not Sersic)", f: func(o *Object) float64 { return o.N }},
		{name: "bulge_frac", form: "D", doc: "bulge flux fraction (bulge+disk)", f: func(o *Object) float64 { return o.BulgeFrac }},
		{name: "e1", form: "D", doc: "intrinsic shear-type ellipticity (1-q)/(1+q), component 1", f: func(o *Object) float64 { return o.E1 }},
		{name: "e2", form: "D", doc: "intrinsic ellipticity, component 2", f: func(o *Object) float64 { return o.E2 }},
		{name: "rotation", form: "D", unit: "rad", doc: "rotation of image-based sources", f: func(o *Object) float64 { return o.Rotation }},
		{name: "g1", form: "D", doc: "applied reduced shear g1", f: func(o *Object) float64 { return o.G1 }},
		{name: "g2", form: "D", doc: "applied reduced shear g2", f: func(o *Object) float64 { return o.G2 }},
		{name: "kappa", form: "D", doc: "convergence at the position", f: func(o *Object) float64 { return o.Kappa }},
		{name: "mu", form: "D", doc: "magnification applied", f: func(o *Object) float64 { return o.Mu }},
		{name: "kind", form: strconv.Itoa(kindWidth) + "A", doc: "source kind", s: func(o *Object) string { return o.Kind }},
		{name: "seed", form: "K", doc: "per-object seed", i: func(o *Object) int64 { return int64(o.Seed) }},
	}
	for k, name := range conds {
		cols = append(cols, truthColumn{name: "cond_" + name, form: "D", doc: "generator condition " + name,
			f: func(o *Object) float64 {
				if k < len(o.Cond) {
					return o.Cond[k]
				}
				return math.NaN()
			}})
	}
	return cols
}

func colWidth(form string) int {
	switch form {
	case "K", "D":
		return 8
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(form, "A"))
	return n
}

// truthHeader is the BINTABLE header for rows rows.
func truthHeader(cols []truthColumn, rows int) *fits.Header {
	width := 0
	for _, c := range cols {
		width += colWidth(c.form)
	}
	h := fits.NewHeader()
	h.Set("XTENSION", "BINTABLE", "binary table extension")
	h.Set("BITPIX", int64(8), "")
	h.Set("NAXIS", int64(2), "")
	h.Set("NAXIS1", int64(width), "bytes per row")
	h.Set("NAXIS2", int64(rows), "rows")
	h.Set("PCOUNT", int64(0), "")
	h.Set("GCOUNT", int64(1), "")
	h.Set("TFIELDS", int64(len(cols)), "")
	for i, c := range cols {
		n := i + 1
		h.Set(fmt.Sprintf("TTYPE%d", n), c.name, c.doc)
		h.Set(fmt.Sprintf("TFORM%d", n), c.form, "")
		if c.unit != "" {
			h.Set(fmt.Sprintf("TUNIT%d", n), c.unit, "")
		}
	}
	h.Set("EXTNAME", "TRUTH", "")
	return h
}

func rowBytes(cols []truthColumn) int64 {
	w := 0
	for _, c := range cols {
		w += colWidth(c.form)
	}
	return int64(w)
}

// truthWriter streams the truth catalog to FITS and CSV.
type truthWriter struct {
	cols []truthColumn
	fits *stream
	cw   *atomicFile
	row  []byte
}

// createTruth opens truth.fits and truth.csv under dir for rows rows.
func createTruth(dir string, cols []truthColumn, rows int) (*truthWriter, error) {
	s, err := createStream(filepath.Join(dir, TruthFITS))
	if err != nil {
		return nil, err
	}
	t := &truthWriter{cols: cols, fits: s}
	if err := s.begin(imageHeaderEmpty(), 0); err != nil {
		s.Abort()
		return nil, err
	}
	if err := s.begin(truthHeader(cols, rows), rowBytes(cols)*int64(rows)); err != nil {
		s.Abort()
		return nil, err
	}
	if t.cw, err = createAtomic(filepath.Join(dir, TruthCSV)); err != nil {
		s.Abort()
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	t.cw.WriteString(strings.Join(names, ",") + "\n")
	return t, nil
}

func imageHeaderEmpty() *fits.Header {
	h := fits.NewHeader()
	h.Set("SIMPLE", true, "conforms to FITS standard")
	h.Set("BITPIX", int64(8), "")
	h.Set("NAXIS", int64(0), "")
	h.Set("EXTEND", true, "")
	return h
}

// add writes one object's row.
func (t *truthWriter) add(o *Object) error {
	t.row = t.row[:0]
	for i, c := range t.cols {
		if i > 0 {
			t.cw.WriteByte(',')
		}
		switch {
		case c.f != nil:
			v := c.f(o)
			if v == 0 {
				v = 0 // write -0 as 0
			}
			t.row = binary.BigEndian.AppendUint64(t.row, math.Float64bits(v))
			t.cw.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		case c.i != nil:
			v := c.i(o)
			t.row = binary.BigEndian.AppendUint64(t.row, uint64(v))
			t.cw.WriteString(strconv.FormatInt(v, 10))
		default:
			v := c.s(o)
			w := colWidth(c.form)
			b := make([]byte, w)
			copy(b, v)
			t.row = append(t.row, b...)
			t.cw.WriteString(v)
		}
	}
	t.cw.WriteByte('\n')
	_, err := t.fits.Write(t.row)
	return err
}

// Close finishes both files and renames them into place.
func (t *truthWriter) Close() error {
	if err := t.fits.Close(); err != nil {
		t.cw.Abort()
		return err
	}
	return t.cw.Close()
}

// Abort drops both temporary files.
func (t *truthWriter) Abort() {
	t.fits.Abort()
	t.cw.Abort()
}
