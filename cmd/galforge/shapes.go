package main

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/shapes"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var (
			psf, catalog, method, out, hdu string
			stamp, minArea                 int
			thresh, scale                  float64
			fixNoise                       bool
		)
		cmd := &cobra.Command{
			Use:   "shapes IMAGE.fits",
			Short: "Measure galaxy shapes: adaptive moments, re-Gaussianization, KSB or metacalibration",
			Long: `shapes measures every object of a FITS image and writes one table row per
object (FITS binary table, or CSV when -o ends in .csv).

IMAGE may be a stamp cube (NAXIS3 = objects, each stamp measured on its own)
or a field: objects are then taken from --catalog (columns x, y, 0-based
pixels, as galforge survey writes truth.fits) or found by thresholding and
deblending-free segmentation, and each is cut out with its neighbours masked.

Methods: moments (adaptive moments as GalSim's FindAdaptiveMom, no PSF
correction), regauss (re-Gaussianization, GalSim EstimateShear 'REGAUSS'),
ksb (KSB), metacal (metacalibration: g and the 2x2 response r11..r22).
Columns:
  id          plane index (cube) or catalog row, 0-based like survey's truth
              ids; for objects detected in a field, the segment label (from 1)
  x y         centroid, 0-based pixels of the image (of each stamp for cubes)
  flux sigma  Gaussian-fit amplitude (counts) and adaptive sigma (pixels)
  e1 e2       distortion (a²−b²)/(a²+b²); g1 g2 reduced shear (a−b)/(a+b)
  resolution  1 − T_psf/T_gal for regauss and ksb; NaN for moments (no PSF
              correction) and metacal (corrected through r11..r22 instead)
  r11..r22    metacal shear response, else 0
  flag        0 when the measurement succeeded
  error       (CSV only) why a flagged measurement failed
An image where nothing is detected gives a warning and an empty table.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				m, err := shapes.ParseMethod(method)
				if err != nil {
					return fmt.Errorf("--method: %w", err)
				}
				if out == "" {
					return fmt.Errorf("-o: an output table path is required")
				}
				if stamp < 8 {
					return fmt.Errorf("--stamp-size %d: must be at least 8 pixels", stamp)
				}
				if !(thresh > 0) || math.IsInf(thresh, 0) {
					return fmt.Errorf("--threshold %g: must be a finite number > 0 (background sigmas)", thresh)
				}
				if minArea < 1 {
					return fmt.Errorf("--min-area %d: must be at least 1 pixel", minArea)
				}
				if err := shapes.CheckTablePath(out); err != nil {
					return fmt.Errorf("-o: %w", err)
				}
				ms, err := shapes.MeasureFile(shapes.FileOptions{
					Image: args[0], PSF: psf, Catalog: catalog, HDU: hdu, Method: m,
					Scale: scale, StampSize: stamp,
					Detect:   shapes.DetectOptions{Threshold: thresh, MinArea: minArea},
					FixNoise: fixNoise,
				})
				if err != nil {
					return err
				}
				if len(ms) == 0 && catalog == "" {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s: 0 objects detected above threshold %g (background sigmas); writing an empty table\n", args[0], thresh)
				}
				if err := shapes.WriteTable(out, ms, m); err != nil {
					return err
				}
				failed := 0
				for _, r := range ms {
					if r.Flag != 0 {
						failed++
					}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d objects measured with %v (%d flagged) -> %s\n",
					args[0], len(ms), m, failed, out)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&psf, "psf", "", "PSF image (FITS, centred, including the pixel response); required except for moments")
		f.StringVar(&catalog, "catalog", "", "FITS table with x, y columns (0-based pixels) giving the objects")
		f.StringVar(&method, "method", "regauss", "moments, regauss, ksb or metacal")
		f.StringVarP(&out, "output", "o", "", "output table (.fits, .fits.gz or .csv)")
		f.StringVar(&hdu, "hdu", "", "image HDU (index or EXTNAME); default the first with data")
		f.IntVar(&stamp, "stamp-size", 48, "stamp side (pixels) cut around each object of a field")
		f.Float64Var(&thresh, "threshold", 3, "detection threshold (background sigmas)")
		f.IntVar(&minArea, "min-area", 5, "smallest detected segment (pixels)")
		f.Float64Var(&scale, "scale", 0, "pixel scale in arcsec (informational)")
		f.BoolVar(&fixNoise, "fixnoise", false, "metacal: symmetrise the noise at each stamp's background rms (seed = object index)")
		return cmd
	})
}
