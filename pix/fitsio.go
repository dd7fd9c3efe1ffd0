package pix

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/fits"
)

// ReadFITS reads a 2-D image HDU (hdu: index or EXTNAME, "" for the first
// HDU with data). The pixel scale comes from the CD matrix (or CDELT), else
// the PIXSCALE keyword (arcsec), else it is 0; the WCS is returned when
// CTYPE1/2 and a CD or CDELT matrix are present, else nil.
func ReadFITS(path, hdu string) (*Image, *WCS, error) {
	fi, hdr, err := fits.ReadImageFile(path, hdu)
	if err != nil {
		return nil, nil, err
	}
	if len(fi.Axes) != 2 {
		return nil, nil, fmt.Errorf("pix: %s: HDU %q has %d axes, want a 2-D image", path, hdu, len(fi.Axes))
	}
	img := &Image{Nx: fi.Axes[0], Ny: fi.Axes[1], Stride: fi.Axes[0], Pix: fi.Data}
	w := wcsFromHeader(hdr)
	switch {
	case w != nil:
		img.Scale = w.PixelScale()
	default:
		if s, ok := hdr.Float("PIXSCALE"); ok && s > 0 {
			img.Scale = s
		}
	}
	return img, w, nil
}

func wcsFromHeader(h *fits.Header) *WCS {
	c1, ok1 := h.String("CTYPE1")
	c2, ok2 := h.String("CTYPE2")
	if !ok1 || !ok2 {
		return nil
	}
	w := &WCS{CType: [2]string{c1, c2}}
	w.CRPix[0], _ = h.Float("CRPIX1")
	w.CRPix[1], _ = h.Float("CRPIX2")
	w.CRVal[0], _ = h.Float("CRVAL1")
	w.CRVal[1], _ = h.Float("CRVAL2")
	cd11, ok := h.Float("CD1_1")
	if ok {
		w.CD[0][0] = cd11
		w.CD[0][1], _ = h.Float("CD1_2")
		w.CD[1][0], _ = h.Float("CD2_1")
		w.CD[1][1], _ = h.Float("CD2_2")
	} else {
		d1, ok1 := h.Float("CDELT1")
		d2, ok2 := h.Float("CDELT2")
		if !ok1 || !ok2 {
			return nil
		}
		w.CD[0][0], w.CD[1][1] = d1, d2
	}
	return w
}

// WriteFITS writes img as a 64-bit float primary HDU at path (atomically:
// a temporary file renamed into place). It records the pixel scale as
// PIXSCALE (arcsec) and, when w is not nil, the WCS keywords CTYPE, CRPIX,
// CRVAL and CD; extra cards in hdr (may be nil) are added first.
func WriteFITS(path string, img *Image, w *WCS, hdr *fits.Header) error {
	if img == nil || img.Nx <= 0 || img.Ny <= 0 {
		return fmt.Errorf("pix: %s: empty image", path)
	}
	h := fits.NewHeader()
	if hdr != nil {
		h = hdr.Copy()
	}
	if img.Scale > 0 && !math.IsInf(img.Scale, 0) {
		h.Set("PIXSCALE", img.Scale, "pixel scale [arcsec/pixel]")
	}
	if w != nil {
		if _, err := w.Projection(); err != nil {
			return fmt.Errorf("pix: %s: %w", path, err)
		}
		h.Set("WCSAXES", 2, "number of WCS axes")
		h.Set("CTYPE1", w.CType[0], "")
		h.Set("CTYPE2", w.CType[1], "")
		h.Set("CRPIX1", w.CRPix[0], "reference pixel (1-based)")
		h.Set("CRPIX2", w.CRPix[1], "reference pixel (1-based)")
		h.Set("CRVAL1", w.CRVal[0], "[deg]")
		h.Set("CRVAL2", w.CRVal[1], "[deg]")
		h.Set("CUNIT1", "deg", "")
		h.Set("CUNIT2", "deg", "")
		h.Set("CD1_1", w.CD[0][0], "[deg/pixel]")
		h.Set("CD1_2", w.CD[0][1], "[deg/pixel]")
		h.Set("CD2_1", w.CD[1][0], "[deg/pixel]")
		h.Set("CD2_2", w.CD[1][1], "[deg/pixel]")
	}
	fi := fits.NewImage(img.Nx, img.Ny)
	for j := 0; j < img.Ny; j++ {
		copy(fi.Data[j*img.Nx:(j+1)*img.Nx], img.Pix[j*img.Stride:j*img.Stride+img.Nx])
	}
	return fits.WriteImageFile(path, h, fi, -64)
}
