package generator

import (
	"fmt"

	"github.com/galforge/galforge/fits"
)

// WriteFITS writes a batch as a FITS cube laid out like the input sets —
// NAXIS1 = x, NAXIS2 = y, NAXIS3 = band when there are several, last axis
// = sample — as float32 in the data's unit (BUNIT), with the conditions of
// every sample in a CATALOG table (categories by label, numbers in the
// card's units). The file appears only when complete.
func WriteFITS(path string, c *Card, b *Batch, seed uint64) error {
	axes := []int{b.Size, b.Size}
	if b.Bands > 1 {
		axes = append(axes, b.Bands)
	}
	axes = append(axes, b.N)
	img := fits.NewImage(axes...)
	for i, v := range b.Pix {
		img.Data[i] = float64(v)
	}
	h := fits.NewHeader()
	h.Set("BUNIT", b.Unit, "pixel unit (as the training data)")
	if b.PixelScale > 0 {
		h.Set("CDELT1", -b.PixelScale/3600, "[deg] pixel size along x")
		h.Set("CDELT2", b.PixelScale/3600, "[deg] pixel size along y")
		h.Set("PIXSCALE", b.PixelScale, "[arcsec/pixel]")
	}
	h.Set("GFMODEL", c.Model, "galforge generator type")
	h.Set("GFDATA", c.Data, "data set the model was trained on")
	h.Set("GFSTEPS", c.Steps, "training steps")
	h.Set("GFSEED", int64(seed), "sampling seed")
	if err := fits.CheckOutput(path); err != nil {
		return fmt.Errorf("generator: %w", err)
	}
	w, err := fits.Create(path)
	if err != nil {
		return fmt.Errorf("generator: %w", err)
	}
	if err := w.WriteImage(h, img, -32); err != nil {
		w.Abort()
		return fmt.Errorf("generator: %s: %w", path, err)
	}
	idx := make([]int32, b.N)
	for i := range idx {
		idx[i] = int32(i)
	}
	cols := []fits.Column{{Name: "INDEX", Data: idx}}
	for j, s := range c.Conds {
		if s.Kind == "category" {
			v := make([]string, b.N)
			for i := range v {
				v[i] = s.Format(b.Conds[i][j])
			}
			cols = append(cols, fits.Column{Name: upper(s.Name), Data: v})
			continue
		}
		v := make([]float64, b.N)
		for i := range v {
			v[i] = b.Conds[i][j]
		}
		cols = append(cols, fits.Column{Name: upper(s.Name), Unit: s.Unit, Data: v})
	}
	th := fits.NewHeader()
	th.Set("EXTNAME", "CATALOG", "conditions of each sample")
	if err := w.WriteTable(th, cols); err != nil {
		w.Abort()
		return fmt.Errorf("generator: %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("generator: %s: %w", path, err)
	}
	return nil
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// ReadStamp reads a single stamp of the card's shape (Size x Size, with a
// third axis of Bands when Bands > 1) from the primary HDU of a FITS file,
// for inpainting (the known image and the mask).
func ReadStamp(path string, c *Card) ([]float32, error) {
	img, _, err := fits.ReadImageFile(path, "")
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	want := c.Bands * c.Size * c.Size
	ok := len(img.Axes) >= 2 && img.Axes[0] == c.Size && img.Axes[1] == c.Size && len(img.Data) == want
	if !ok {
		return nil, fmt.Errorf("generator: %s: image of axes %v, want %d x %d (x %d bands)", path, img.Axes, c.Size, c.Size, c.Bands)
	}
	out := make([]float32, want)
	for i, v := range img.Data {
		out[i] = float32(v)
	}
	return out, nil
}
