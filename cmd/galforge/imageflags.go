package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
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

// parsePSF parses --psf: a profile SPEC, or nil for "none".
func parsePSF(spec string) (profile.Profile, error) {
	if spec == "none" {
		return nil, nil
	}
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New(`--psf is empty: give a PSF SPEC, or --psf none for no PSF`)
	}
	psf, err := profile.ParseSpec(spec)
	if err != nil {
		return nil, fmt.Errorf("--psf: %w", err)
	}
	return psf, nil
}

// checkOutputs checks, before anything is written, that every output path
// given (flag name, path; empty paths are skipped) can be written and
// that no two outputs share a path.
func checkOutputs(outs ...[2]string) error {
	seen := map[string]string{}
	for _, o := range outs {
		flag, path := o[0], o[1]
		if path == "" {
			continue
		}
		if err := fits.CheckOutput(path); err != nil {
			return fmt.Errorf("--%s: %w", flag, err)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return fmt.Errorf("--%s %s: %w", flag, path, err)
		}
		if prev, ok := seen[abs]; ok {
			return fmt.Errorf("--%s and --%s name the same file %s", prev, flag, path)
		}
		seen[abs] = flag
	}
	return nil
}

// writeOutputs runs the writers in order; if one fails it removes the
// files the earlier ones wrote, so a failure leaves no partial output.
func writeOutputs(paths []string, writers []func() error) error {
	for i, w := range writers {
		if err := w(); err != nil {
			for _, p := range paths[:i] {
				os.Remove(p)
			}
			return err
		}
	}
	return nil
}

// imageWriters returns the writers of img with the extra cards hdr to the
// FITS file out and, when png is not empty, of an asinh-stretched PNG
// preview, with their paths, for writeOutputs.
func imageWriters(out, png string, img *pix.Image, hdr *fits.Header) ([]string, []func() error) {
	paths := []string{out}
	writers := []func() error{func() error { return pix.WriteFITS(out, img, nil, hdr) }}
	if png != "" {
		paths = append(paths, png)
		writers = append(writers, func() error { return pix.WritePNG(png, pix.AsinhStretch.Gray(img)) })
	}
	return paths, writers
}
