package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

// maxImagePixels bounds --nx × --ny of the images draw and lens write.
const maxImagePixels = 1 << 26

// parsePair parses the value "A,B" of --flag into two finite numbers.
func parsePair(flag, s string) (a, b float64, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		return 0, 0, fmt.Errorf("--%s %q: want two numbers A,B", flag, s)
	}
	var v [2]float64
	for i, p := range parts {
		v[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			return 0, 0, fmt.Errorf("--%s %q: %q is not a finite number", flag, s, p)
		}
	}
	return v[0], v[1], nil
}

// checkImageFlags validates --nx, --ny (pixels) and --scale (arcsec/pixel).
func checkImageFlags(nx, ny int, scale float64) error {
	if nx < 1 || ny < 1 || nx*ny > maxImagePixels {
		return fmt.Errorf("--nx %d --ny %d: want positive sizes with at most %d pixels", nx, ny, maxImagePixels)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return fmt.Errorf("--scale %g: want a finite pixel scale > 0 arcsec", scale)
	}
	return nil
}

// parsePSF parses --psf: a profile SPEC, or nil for "none" or empty.
func parsePSF(spec string) (profile.Profile, error) {
	if spec == "" || spec == "none" {
		return nil, nil
	}
	psf, err := profile.ParseSpec(spec)
	if err != nil {
		return nil, fmt.Errorf("--psf: %w", err)
	}
	return psf, nil
}

// writeImage writes img with the extra cards hdr to the FITS file out and,
// when png is not empty, an asinh-stretched PNG preview.
func writeImage(out, png string, img *pix.Image, hdr *fits.Header) error {
	if err := pix.WriteFITS(out, img, nil, hdr); err != nil {
		return err
	}
	if png == "" {
		return nil
	}
	return pix.WritePNG(png, pix.AsinhStretch.Gray(img))
}
