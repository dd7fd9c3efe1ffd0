package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/profile"
)

type drawFlags struct {
	galaxy, psf, shear, shift, offset, method, out, png string
	rotate, magnify, scale                              float64
	nx, ny                                              int
}

func init() {
	register(func() *cobra.Command {
		var o drawFlags
		cmd := &cobra.Command{
			Use:   "draw --galaxy SPEC --psf SPEC|none --nx N --ny N --scale ARCSEC -o stamp.fits",
			Short: "Draw a galaxy or PSF profile into a FITS postage stamp",
			Long: `draw renders a profile SPEC (see below) into an nx x ny stamp of 64-bit
floats, flux per pixel, with the profile centre on the stamp's true centre
((N-1)/2 in 0-based pixels) plus --offset pixels.

A SPEC is a profile word and key=value pairs, lengths in arcsec:
  gaussian sigma=|fwhm=           exponential hlr=|scale_radius=
  devaucouleurs hlr=              sersic n= hlr=|scale_radius= [trunc=]
  moffat beta= fwhm=|scale_radius= [trunc=]
  airy lod= [obscuration=]        kolmogorov fwhm=|lam_over_r0=
  real file=F [hdu=] psf=F [psf_hdu=] scale=ARCSEC   (real-galaxy recipe)
  image file=F [hdu=] [scale=] [sky=]                (interpolated image)
each with optional flux= (default 1; real/image: the pixel sum) and its own
rotate= (degrees) g1= g2= for that component; components joined by " + "
are summed (bulge + disk).

The whole-object flags apply in this order: --rotate, --shear, --magnify,
--shift, then convolution with --psf, then the sub-pixel --offset.
Method auto integrates over the pixel; no_pixel samples pixel centres.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return runDraw(cmd, &o) },
		}
		f := cmd.Flags()
		f.StringVar(&o.galaxy, "galaxy", "", "galaxy (or any) profile SPEC (required)")
		f.StringVar(&o.psf, "psf", "", `PSF profile SPEC, or "none" (required)`)
		f.Float64Var(&o.rotate, "rotate", 0, "rotation in degrees, counter-clockwise")
		f.StringVar(&o.shear, "shear", "0,0", "reduced shear G1,G2 (|g| < 1)")
		f.Float64Var(&o.magnify, "magnify", 1, "lensing magnification μ > 0 (flux × μ, sizes × √μ)")
		f.StringVar(&o.shift, "shift", "0,0", "shift DX,DY in arcsec")
		f.StringVar(&o.offset, "offset", "0,0", "sub-pixel offset PX,PY in pixels")
		f.IntVar(&o.nx, "nx", 0, "stamp width in pixels (required)")
		f.IntVar(&o.ny, "ny", 0, "stamp height in pixels (required)")
		f.Float64Var(&o.scale, "scale", 0, "pixel scale in arcsec/pixel (required)")
		f.StringVar(&o.method, "method", "auto", "auto (pixel-integrated) or no_pixel")
		f.StringVarP(&o.out, "output", "o", "", "output FITS file (required)")
		f.StringVar(&o.png, "png", "", "also write an asinh-stretched PNG preview here")
		for _, r := range []string{"galaxy", "psf", "nx", "ny", "scale", "output"} {
			_ = cmd.MarkFlagRequired(r)
		}
		return cmd
	})
}

func runDraw(cmd *cobra.Command, o *drawFlags) error {
	if err := checkImageFlags(o.nx, o.ny, o.scale); err != nil {
		return err
	}
	if err := checkOutputs([2]string{"output", o.out}, [2]string{"png", o.png}); err != nil {
		return err
	}
	if math.IsNaN(o.rotate) || math.IsInf(o.rotate, 0) {
		return errors.New("--rotate must be finite")
	}
	method, err := profile.ParseMethod(o.method)
	if err != nil {
		return fmt.Errorf("--method: %w", err)
	}
	var t profile.ObjectTransform
	t.RotateDeg = o.rotate
	t.Mu = o.magnify
	if !(o.magnify > 0) || math.IsInf(o.magnify, 0) {
		return fmt.Errorf("--magnify %g: must be > 0", o.magnify)
	}
	if t.G1, t.G2, err = parsePair("shear", o.shear); err != nil {
		return err
	}
	if t.DX, t.DY, err = parsePair("shift", o.shift); err != nil {
		return err
	}
	var opt profile.DrawOptions
	opt.Method = method
	if opt.Offset[0], opt.Offset[1], err = parsePair("offset", o.offset); err != nil {
		return err
	}
	gal, err := profile.ParseSpec(o.galaxy)
	if err != nil {
		return fmt.Errorf("--galaxy: %w", err)
	}
	psf, err := parsePSF(o.psf)
	if err != nil {
		return err
	}
	obj, err := profile.Compose(gal, psf, t)
	if err != nil {
		return err
	}
	img := pix.New(o.nx, o.ny, o.scale)
	if err := profile.Draw(obj, img, opt); err != nil {
		return err
	}
	hdr := fits.NewHeader()
	hdr.Set("BUNIT", "flux/pixel", "pixel values: flux per pixel")
	hdr.Set("METHOD", method.String(), "galforge draw method")
	hdr.Set("OFFSETX", opt.Offset[0], "profile centre offset from true centre [pixels]")
	hdr.Set("OFFSETY", opt.Offset[1], "profile centre offset from true centre [pixels]")
	hdr.Set("ROTATE", t.RotateDeg, "rotation [deg, counter-clockwise]")
	hdr.Set("G1", t.G1, "reduced shear")
	hdr.Set("G2", t.G2, "reduced shear")
	hdr.Set("MU", t.Mu, "magnification")
	hdr.Set("SHIFTX", t.DX, "shift [arcsec]")
	hdr.Set("SHIFTY", t.DY, "shift [arcsec]")
	hdr.Set("FLUX", obj.Flux(), "total flux of the drawn profile")
	for _, c := range []struct{ key, spec string }{{"galaxy", o.galaxy}, {"psf", o.psf}} {
		s := c.key + ": " + c.spec
		for len(s) > 0 {
			n := min(len(s), 70)
			hdr.AddHistory(s[:n])
			s = s[n:]
		}
	}
	if err := writeOutputs(imageWriters(o.out, o.png, img, hdr)); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %dx%d at %g arcsec/pixel, pixel sum %.6g (profile flux %.6g)\n",
		o.out, o.nx, o.ny, o.scale, img.Sum(), obj.Flux())
	return nil
}
