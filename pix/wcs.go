package pix

import (
	"fmt"
	"math"
	"strings"
)

// WCS is a celestial world coordinate system of the FITS kind (Calabretta
// & Greisen 2002) with the TAN (gnomonic) or SIN (orthographic) projection.
// Pixel coordinates in its methods are 0-based like the rest of pix; the
// FITS keywords (CRPIX) are 1-based.
type WCS struct {
	CType [2]string     // e.g. "RA---TAN", "DEC--TAN"
	CRPix [2]float64    // reference pixel, FITS 1-based
	CRVal [2]float64    // reference RA, Dec in degrees
	CD    [2][2]float64 // degrees per pixel: (x, y) -> intermediate (ξ, η)
}

// SimpleWCS returns a TAN WCS with north up and east left (RA increasing to
// the left) centred on the image's true centre at (ra, dec) degrees, for a
// pixel scale in arcsec.
func SimpleWCS(img *Image, ra, dec float64) *WCS {
	cx, cy := img.Center()
	d := img.Scale / 3600
	return &WCS{
		CType: [2]string{"RA---TAN", "DEC--TAN"},
		CRPix: [2]float64{cx + 1, cy + 1},
		CRVal: [2]float64{ra, dec},
		CD:    [2][2]float64{{-d, 0}, {0, d}},
	}
}

// Projection returns "TAN" or "SIN", or an error naming the CTYPE.
func (w *WCS) Projection() (string, error) {
	p1, p2 := projOf(w.CType[0]), projOf(w.CType[1])
	if p1 != p2 || (p1 != "TAN" && p1 != "SIN") {
		return "", fmt.Errorf("pix: wcs: CTYPE1=%q CTYPE2=%q: only matching TAN or SIN projections are supported", w.CType[0], w.CType[1])
	}
	return p1, nil
}

func projOf(ctype string) string {
	if len(ctype) < 8 {
		return ""
	}
	return strings.TrimSpace(ctype[5:8])
}

// PixelScale returns √|det CD| in arcsec per pixel.
func (w *WCS) PixelScale() float64 {
	return math.Sqrt(math.Abs(w.CD[0][0]*w.CD[1][1]-w.CD[0][1]*w.CD[1][0])) * 3600
}

// PixelToWorld maps 0-based pixel (x, y) to (ra, dec) in degrees.
func (w *WCS) PixelToWorld(x, y float64) (ra, dec float64, err error) {
	proj, err := w.Projection()
	if err != nil {
		return 0, 0, err
	}
	dx, dy := x+1-w.CRPix[0], y+1-w.CRPix[1]
	xi := (w.CD[0][0]*dx + w.CD[0][1]*dy) * math.Pi / 180
	eta := (w.CD[1][0]*dx + w.CD[1][1]*dy) * math.Pi / 180
	a0, d0 := w.CRVal[0]*math.Pi/180, w.CRVal[1]*math.Pi/180
	sd0, cd0 := math.Sincos(d0)
	var a, d float64
	switch proj {
	case "TAN":
		den := cd0 - eta*sd0
		a = a0 + math.Atan2(xi, den)
		d = math.Atan2(sd0+eta*cd0, math.Hypot(xi, den))
	case "SIN":
		r2 := xi*xi + eta*eta
		if r2 > 1 {
			return 0, 0, fmt.Errorf("pix: wcs: pixel (%g, %g) lies outside the SIN projection", x, y)
		}
		z := math.Sqrt(1 - r2)
		d = math.Asin(eta*cd0 + z*sd0)
		a = a0 + math.Atan2(xi, z*cd0-eta*sd0)
	}
	ra = math.Mod(a*180/math.Pi+360, 360)
	return ra, d * 180 / math.Pi, nil
}

// WorldToPixel maps (ra, dec) degrees to 0-based pixel coordinates.
func (w *WCS) WorldToPixel(ra, dec float64) (x, y float64, err error) {
	proj, err := w.Projection()
	if err != nil {
		return 0, 0, err
	}
	a, d := ra*math.Pi/180, dec*math.Pi/180
	a0, d0 := w.CRVal[0]*math.Pi/180, w.CRVal[1]*math.Pi/180
	sd, cd := math.Sincos(d)
	sd0, cd0 := math.Sincos(d0)
	sda, cda := math.Sincos(a - a0)
	cosc := sd*sd0 + cd*cd0*cda
	var xi, eta float64
	switch proj {
	case "TAN":
		if cosc <= 0 {
			return 0, 0, fmt.Errorf("pix: wcs: (%g, %g) is more than 90° from the TAN reference point", ra, dec)
		}
		xi = cd * sda / cosc
		eta = (sd*cd0 - cd*sd0*cda) / cosc
	case "SIN":
		if cosc < 0 {
			return 0, 0, fmt.Errorf("pix: wcs: (%g, %g) is on the far side of the SIN projection", ra, dec)
		}
		xi = cd * sda
		eta = sd*cd0 - cd*sd0*cda
	}
	xi *= 180 / math.Pi
	eta *= 180 / math.Pi
	det := w.CD[0][0]*w.CD[1][1] - w.CD[0][1]*w.CD[1][0]
	if det == 0 {
		return 0, 0, fmt.Errorf("pix: wcs: singular CD matrix")
	}
	dx := (w.CD[1][1]*xi - w.CD[0][1]*eta) / det
	dy := (-w.CD[1][0]*xi + w.CD[0][0]*eta) / det
	return dx + w.CRPix[0] - 1, dy + w.CRPix[1] - 1, nil
}
