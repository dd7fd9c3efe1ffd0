package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/lensing"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

func init() {
	register(func() *cobra.Command {
		var o lensFlags
		cmd := &cobra.Command{
			Use:   "lens --source SPEC --einstein ARCSEC --nx N --ny N --scale ARCSEC -o lensed.fits",
			Short: "Draw a background galaxy strongly lensed by an SIE with external shear",
			Long: `lens ray-traces a background galaxy (any profile SPEC, e.g. "sersic n=1
hlr=0.3 flux=1000") through a singular isothermal ellipsoid of Einstein
radius --einstein arcsec, axis ratio --q and major-axis position angle --pa
(degrees counter-clockwise from +x), plus an external shear --shear G1,G2.
The lens sits at the image centre; --source-shift moves the source on the
source plane (arcsec). Each pixel averages oversample² rays (surface
brightness is conserved along rays); the result is convolved with --psf
(drawn without the pixel response and normalised to unit sum) unless it is
"none". Pixel values are flux per pixel; the header records the lens and the
total magnification of the source.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return runLens(cmd, &o) },
		}
		f := cmd.Flags()
		f.StringVar(&o.source, "source", "", "source galaxy profile SPEC (required)")
		f.Float64Var(&o.einstein, "einstein", 0, "Einstein radius in arcsec (required, > 0)")
		f.Float64Var(&o.q, "q", 1, "lens axis ratio in (0, 1]")
		f.Float64Var(&o.pa, "pa", 0, "lens major-axis position angle in degrees, counter-clockwise from +x")
		f.StringVar(&o.shear, "shear", "0,0", "external shear G1,G2 (|γ| < 1)")
		f.StringVar(&o.shift, "source-shift", "0,0", "source position DX,DY in arcsec relative to the lens")
		f.IntVar(&o.nx, "nx", 0, "image width in pixels (required)")
		f.IntVar(&o.ny, "ny", 0, "image height in pixels (required)")
		f.Float64Var(&o.scale, "scale", 0, "pixel scale in arcsec/pixel (required)")
		f.StringVar(&o.psf, "psf", "none", `PSF profile SPEC, or "none"`)
		f.IntVar(&o.oversample, "oversample", 4, "rays per pixel along each axis")
		f.StringVarP(&o.out, "output", "o", "", "output FITS file (required)")
		f.StringVar(&o.png, "png", "", "also write an asinh-stretched PNG preview here")
		f.StringVar(&o.magmap, "magmap", "", "also write the magnification map μ(θ) at the pixel centres as FITS here")
		for _, r := range []string{"source", "einstein", "nx", "ny", "scale", "output"} {
			_ = cmd.MarkFlagRequired(r)
		}
		return cmd
	})
}

type lensFlags struct {
	source, shear, shift, psf, out, png, magmap string
	einstein, q, pa, scale                      float64
	nx, ny, oversample                          int
}

func runLens(cmd *cobra.Command, o *lensFlags) error {
	if err := checkImageFlags(o.nx, o.ny, o.scale); err != nil {
		return err
	}
	if err := checkOutputs([2]string{"output", o.out}, [2]string{"png", o.png}, [2]string{"magmap", o.magmap}); err != nil {
		return err
	}
	if math.IsNaN(o.pa) || math.IsInf(o.pa, 0) {
		return fmt.Errorf("--pa %g: want a finite angle in degrees", o.pa)
	}
	g1, g2, err := parsePair("shear", o.shear)
	if err != nil {
		return err
	}
	dx, dy, err := parsePair("source-shift", o.shift)
	if err != nil {
		return err
	}
	if o.oversample < 1 || o.oversample > lensing.MaxOversample {
		return fmt.Errorf("--oversample %d: want 1 to %d rays per pixel per axis", o.oversample, lensing.MaxOversample)
	}
	sie, err := lensing.NewSIE(o.einstein, o.q, o.pa*math.Pi/180)
	if err != nil {
		flag := map[string]string{"Einstein radius": "einstein", "q (axis ratio)": "q"}
		var re *lensing.RangeError
		if errors.As(err, &re) && flag[re.Param] != "" {
			return fmt.Errorf("--%s: %w", flag[re.Param], err)
		}
		return err
	}
	ext, err := lensing.NewExternalShear(g1, g2)
	if err != nil {
		return fmt.Errorf("--shear: %w", err)
	}
	src, err := profile.ParseSpec(o.source)
	if err != nil {
		return fmt.Errorf("--source: %w", err)
	}
	psf, err := parsePSF(o.psf)
	if err != nil {
		return err
	}

	img := pix.New(o.nx, o.ny, o.scale)
	err = lensing.RayTrace(img, lensing.Sum{sie, ext}, src, lensing.TraceOptions{Oversample: o.oversample, SourceX: dx, SourceY: dy})
	if err != nil {
		return err
	}
	lensed := img.Sum()
	if psf != nil {
		k, err := lensPSFKernel(psf, o.scale, max(o.nx, o.ny))
		if err != nil {
			return fmt.Errorf("--psf: %w", err)
		}
		if err := lensing.ConvolveImage(img, k); err != nil {
			return fmt.Errorf("--psf: %w", err)
		}
	}

	hdr := fits.NewHeader()
	hdr.Set("LENSMOD", "SIE+SHEAR", "singular isothermal ellipsoid + external shear")
	hdr.Set("THETAE", o.einstein, "Einstein radius [arcsec]")
	hdr.Set("LENSQ", o.q, "lens axis ratio")
	hdr.Set("LENSPA", o.pa, "lens PA [deg, counter-clockwise from +x]")
	hdr.Set("GAMMA1", g1, "external shear gamma1")
	hdr.Set("GAMMA2", g2, "external shear gamma2")
	hdr.Set("SRCX", dx, "source x offset from lens [arcsec]")
	hdr.Set("SRCY", dy, "source y offset from lens [arcsec]")
	hdr.Set("SOURCE", o.source, "source profile spec")
	hdr.Set("PSF", o.psf, "PSF profile spec")
	hdr.Set("OVERSAMP", o.oversample, "rays per pixel per axis")
	hdr.Set("SRCFLUX", src.Flux(), "source flux")
	hdr.Set("LENSFLUX", lensed, "lensed flux in the image before the PSF")
	hdr.Set("MAGNIF", lensed/src.Flux(), "total magnification in the image")
	var mu *pix.Image
	if o.magmap != "" {
		mu = pix.New(o.nx, o.ny, o.scale)
		if err := lensing.MagnificationMap(mu, lensing.Sum{sie, ext}); err != nil {
			return err
		}
	}
	paths, writers := imageWriters(o.out, o.png, img, hdr)
	if mu != nil {
		paths = append(paths, o.magmap)
		writers = append(writers, func() error { return pix.WriteFITS(o.magmap, mu, nil, nil) })
	}
	if err := writeOutputs(paths, writers); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%dx%d at %g arcsec/pixel): source flux %.6g, lensed flux %.6g, magnification %.4f\n",
		o.out, o.nx, o.ny, o.scale, src.Flux(), lensed, lensed/src.Flux())
	return nil
}

// lensPSFKernel draws psf without the pixel response on an odd square stamp at
// scale arcsec that holds the radius π/StepK (at most 2·limit+1 pixels),
// normalised to unit sum.
func lensPSFKernel(psf profile.Profile, scale float64, limit int) (*pix.Image, error) {
	h := int(math.Ceil(math.Pi / psf.StepK() / scale))
	h = max(1, min(h, limit))
	k := pix.New(2*h+1, 2*h+1, scale)
	if err := profile.Draw(psf, k, profile.DrawOptions{Method: profile.NoPixel}); err != nil {
		return nil, err
	}
	s := k.Sum()
	if !(s > 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("PSF stamp sums to %g", s)
	}
	for i := range k.Pix {
		k.Pix[i] /= s
	}
	return k, nil
}
