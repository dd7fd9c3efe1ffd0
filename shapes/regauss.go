package shapes

import (
	"math"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// ShearOptions configures the PSF-corrected estimators (Regauss, KSB). The
// zero value gives GalSim's hsm.EstimateShear defaults.
type ShearOptions struct {
	GuessSigmaGal float64 // initial galaxy weight sigma, pixels (default 5)
	GuessSigmaPSF float64 // initial PSF weight sigma, pixels (default 3)
	Precision     float64 // adaptive-moment precision for the first galaxy fit (default 1e-6)
	// Guess is the initial galaxy centroid in 0-based pixels; nil means the
	// image's true centre. The PSF is guessed at its image's true centre.
	Guess *[2]float64
	// SkyVar is the sky variance per pixel (counts²), for the shape error.
	SkyVar float64
	Params *HSMParams // nil means DefaultHSMParams
}

func (o ShearOptions) withDefaults() (ShearOptions, HSMParams) {
	if o.GuessSigmaGal == 0 {
		o.GuessSigmaGal = 5
	}
	if o.GuessSigmaPSF == 0 {
		o.GuessSigmaPSF = 3
	}
	if o.Precision == 0 {
		o.Precision = 1e-6
	}
	p := DefaultHSMParams()
	if o.Params != nil {
		p = *o.Params
	}
	return o, p
}

// ShearResult is a PSF-corrected shape. Regauss reports a distortion
// (Type 'e', E1/E2), KSB a shear estimate (Type 'g', G1/G2).
type ShearResult struct {
	Type       byte    // 'e' (distortion) or 'g' (shear)
	E1, E2     float64 // PSF-corrected distortion (Type 'e')
	G1, G2     float64 // PSF-corrected shear (Type 'g')
	Resolution float64 // 1 − T_psf/T_gal: 0 unresolved, 1 well resolved
	ShapeErr   float64 // per-component error from sky noise alone
	Observed   Moments // adaptive moments of the observed galaxy
	Sigma      float64 // galaxy size after correction, pixels
	Flux       float64 // galaxy flux estimate, counts
	PSFSigma   float64 // PSF adaptive sigma, pixels
	PSFE1      float64 // PSF distortion
	PSFE2      float64
	Flag       Flag
}

// shearInputs holds what KSB and Regauss measure first: the option defaults,
// the galaxy's non-zero region and observed adaptive moments, and the PSF's
// region and adaptive moments.
type shearInputs struct {
	opt    ShearOptions
	p      HSMParams
	gr, pr region
	obs    Moments // observed galaxy, round start of GuessSigmaGal
	psf    Moments // PSF, round start of GuessSigmaPSF
}

// measureInputs checks gal and psf and measures their adaptive moments,
// recording the observed and PSF shapes, or the flag of a failure, in res.
func measureInputs(gal, psf *pix.Image, opt ShearOptions, res *ShearResult) (*shearInputs, error) {
	if err := checkImage(gal, "galaxy"); err != nil {
		res.Flag = FlagBadInput
		return nil, err
	}
	if err := checkImage(psf, "PSF"); err != nil {
		res.Flag = FlagBadInput
		return nil, err
	}
	in := &shearInputs{pr: wholeRegion(psf)}
	in.opt, in.p = opt.withDefaults()
	var ok bool
	if in.gr, ok = wholeRegion(gal).nonZero(); !ok {
		res.Flag = FlagEmpty
		return nil, fail(FlagEmpty, "galaxy image is all zeros")
	}
	gx, gy := gal.Center()
	if in.opt.Guess != nil {
		gx, gy = in.opt.Guess[0], in.opt.Guess[1]
	}
	s := in.opt.GuessSigmaGal
	in.obs = Moments{X: gx, Y: gy, Mxx: s * s, Myy: s * s}
	if err := ellipMoments(in.gr, &in.obs, in.opt.Precision, &in.p); err != nil {
		res.Flag, res.Observed = in.obs.Flag, in.obs
		return nil, err
	}
	res.Observed = in.obs
	px, py := psf.Center()
	s = in.opt.GuessSigmaPSF
	in.psf = Moments{X: px, Y: py, Mxx: s * s, Myy: s * s}
	if err := ellipMoments(in.pr, &in.psf, 1e-6, &in.p); err != nil {
		res.Flag = FlagPSF | in.psf.Flag
		return nil, fail(res.Flag, "PSF: %v", err)
	}
	res.PSFSigma, res.PSFE1, res.PSFE2 = in.psf.Sigma, in.psf.E1, in.psf.E2
	return in, nil
}

// Regauss measures the PSF-corrected distortion of gal by
// re-Gaussianization (Hirata & Seljak 2003, §2.3), as GalSim's
// hsm.EstimateShear(shear_est='REGAUSS') does: the PSF P is split into its
// best-fit Gaussian G and a residual ε = P − G; the galaxy's pre-seeing
// shape is approximated by a Gaussian f with moments M_gal − M_psf; the
// image I' = I − f⊗ε is then a galaxy seen through G alone, whose adaptive
// moments are corrected for G with Bernstein & Jarvis (2002) eq. A4 with a
// zero PSF kurtosis. psf must be centred in its image and may have any size.
func Regauss(gal, psf *pix.Image, opt ShearOptions) (ShearResult, error) {
	res := ShearResult{Type: 'e'}
	in, err := measureInputs(gal, psf, opt, &res)
	if err != nil {
		return res, err
	}
	opt, p, gr, pr, obs, pm := in.opt, in.p, in.gr, in.pr, in.obs, in.psf
	fluxPSF := 0.0
	for y := 0; y < psf.Ny; y++ {
		for _, v := range psf.Pix[y*psf.Stride : y*psf.Stride+psf.Nx] {
			fluxPSF += v
		}
	}

	// Galaxy moments again, from a round weight of the observed size.
	gm := Moments{X: obs.X, Y: obs.Y, Mxx: obs.Sigma * obs.Sigma, Myy: obs.Sigma * obs.Sigma}
	if err := ellipMoments(gr, &gm, 1e-6, &p); err != nil {
		res.Flag = gm.Flag
		return res, err
	}
	fluxGal := gm.Rho4 * gm.Amp / 2

	// Approximate deconvolved (pre-seeing) moments.
	fxx, fxy, fyy := gm.Mxx-pm.Mxx, gm.Mxy-pm.Mxy, gm.Myy-pm.Myy
	if p.RegaussStrict {
		if fxx <= 0 || fyy <= 0 || fxx*fyy-fxy*fxy <= 0 {
			res.Flag = FlagTooSmall
			return res, fail(FlagTooSmall, "galaxy is not larger than the PSF")
		}
	} else {
		twoPhi := math.Atan2(2*fxy, fxx-fyy)
		c, s := math.Cos(twoPhi), math.Sin(twoPhi)
		a2 := 0.5*(fxx+fyy+(fxx-fyy)*c) + fxy*s
		b2 := fxx + fyy - a2
		a2, b2 = math.Max(a2, 0.25), math.Max(b2, 0.25)
		fxx = 0.5 * (a2 + b2 + (a2-b2)*c)
		fyy = 0.5 * (a2 + b2 - (a2-b2)*c)
		fxy = 0.5 * (a2 - b2) * s
	}
	detF := fxx*fyy - fxy*fxy

	// The Gaussian approximant f, on the box of all galaxy−PSF offsets,
	// trimmed to NSigRG sigma.
	fb := box{gr.x0 - pr.xmax(), gr.xmax() - pr.x0, gr.y0 - pr.ymax(), gr.ymax() - pr.y0}
	cx, cy := gm.X-pm.X, gm.Y-pm.Y
	sx, sy := math.Sqrt(math.Max(fxx, 1)), math.Sqrt(math.Max(fyy, 1))
	if p.NSigRG > 0 {
		fb.trim(cx, cy, p.NSigRG*sx, p.NSigRG*sy)
	}
	ixx, ixy, iyy := fyy/detF, -fxy/detF, fxx/detF
	f := fb.alloc()
	sum := 0.0
	for y := fb.y0; y <= fb.y1; y++ {
		dy := float64(y) - cy
		for x := fb.x0; x <= fb.x1; x++ {
			dx := float64(x) - cx
			v := math.Exp(-0.5*(ixx*dx*dx+iyy*dy*dy) - ixy*dx*dy)
			f.pix[(y-fb.y0)*f.stride+x-fb.x0] = v
			sum += v
		}
	}
	norm := fluxGal / (sum * fluxPSF)
	for i := range f.pix {
		f.pix[i] *= norm
	}

	// The PSF residual −ε = G − P, trimmed to where it touches the galaxy.
	pb := box{pr.x0, pr.xmax(), pr.y0, pr.ymax()}
	if p.NSigRG2 > 0 {
		hx := p.NSigRG2*math.Sqrt(gm.Mxx) + p.NSigRG*sx
		hy := p.NSigRG2*math.Sqrt(gm.Myy) + p.NSigRG*sy
		pb.trim(pm.X, pm.Y, hx, hy)
	}
	det := pm.Mxx*pm.Myy - pm.Mxy*pm.Mxy
	jxx, jxy, jyy := pm.Myy/det, -pm.Mxy/det, pm.Mxx/det
	amp := fluxPSF / (2 * math.Pi * math.Sqrt(det))
	eps := pb.alloc()
	for y := pb.y0; y <= pb.y1; y++ {
		dy := float64(y) - pm.Y
		for x := pb.x0; x <= pb.x1; x++ {
			dx := float64(x) - pm.X
			eps.pix[(y-pb.y0)*eps.stride+x-pb.x0] = amp*math.Exp(-0.5*(jxx*dx*dx+jyy*dy*dy)-jxy*dx*dy) - pr.at(x, y)
		}
	}

	// I' = I + f ⊗ (G − P), on the galaxy's pixels.
	ip := region{pix: make([]float64, gr.nx*gr.ny), stride: gr.nx, x0: gr.x0, y0: gr.y0, nx: gr.nx, ny: gr.ny}
	for y := 0; y < gr.ny; y++ {
		copy(ip.pix[y*ip.stride:(y+1)*ip.stride], gr.pix[y*gr.stride:y*gr.stride+gr.nx])
	}
	addConvolution(f, eps, ip)

	if err := ellipMoments(ip, &gm, 1e-6, &p); err != nil {
		res.Flag = FlagPSFCorr | gm.Flag
		return res, fail(res.Flag, "re-Gaussianized image: %v", err)
	}
	tg := gm.Mxx + gm.Myy
	tp := pm.Mxx + pm.Myy
	res.E1, res.E2 = psfCorrBJ(tp/tg, pm.E1, pm.E2, 0, gm.E1, gm.E2, 0.5*gm.Rho4-1)
	res.Resolution = 1 - tp/tg
	res.Sigma = gm.Sigma
	res.Flux = fluxGal
	if res.Resolution <= 0 {
		res.Flag = FlagTooSmall
		return res, fail(FlagTooSmall, "resolution %g: galaxy is not larger than the PSF", res.Resolution)
	}
	res.ShapeErr = math.Sqrt(4*math.Pi*opt.SkyVar) * res.Sigma / (res.Resolution * res.Flux)
	return res, nil
}

// box is an inclusive rectangle of absolute pixel coordinates.
type box struct{ x0, x1, y0, y1 int }

// trim shrinks b to [c−h, c+h] on each axis (floor and ceil), never growing it.
func (b *box) trim(cx, cy, hx, hy float64) {
	if float64(b.x0) < cx-hx {
		b.x0 = int(math.Floor(cx - hx))
	}
	if float64(b.x1) > cx+hx {
		b.x1 = int(math.Ceil(cx + hx))
	}
	if float64(b.y0) < cy-hy {
		b.y0 = int(math.Floor(cy - hy))
	}
	if float64(b.y1) > cy+hy {
		b.y1 = int(math.Ceil(cy + hy))
	}
}

func (b box) alloc() region {
	nx, ny := b.x1-b.x0+1, b.y1-b.y0+1
	return region{pix: make([]float64, nx*ny), stride: nx, x0: b.x0, y0: b.y0, nx: nx, ny: ny}
}

// addConvolution adds a⊗b to out, with HSM's conventions: the convolution
// is cyclic with the period N that HSM's FFT uses (the smallest 2ⁿ or 3·2ⁿ
// at least 4/3 of the larger input and the output size), and pixel j of the
// period lands on absolute pixel j + origin(a) + origin(b).
func addConvolution(a, b, out region) {
	n := fft.GalSimSize(max(max(a.nx, a.ny)*4/3, max(b.nx, b.ny)*4/3, max(out.nx, out.ny)))
	c := make([]float64, n*n)
	for ay := 0; ay < a.ny; ay++ {
		for ax := 0; ax < a.nx; ax++ {
			va := a.pix[ay*a.stride+ax]
			if va == 0 {
				continue
			}
			for by := 0; by < b.ny; by++ {
				row := c[((ay+by)%n)*n:]
				brow := b.pix[by*b.stride : by*b.stride+b.nx]
				j := ax % n
				for _, vb := range brow {
					row[j] += va * vb
					if j++; j == n {
						j = 0
					}
				}
			}
		}
	}
	sx, sy := a.x0+b.x0, a.y0+b.y0
	for jy := 0; jy < n; jy++ {
		y := jy + sy
		if y < out.y0 || y > out.ymax() {
			continue
		}
		for jx := 0; jx < n; jx++ {
			x := jx + sx
			if x < out.x0 || x > out.xmax() {
				continue
			}
			out.pix[(y-out.y0)*out.stride+x-out.x0] += c[jy*n+jx]
		}
	}
}

// shearMult composes two distortions (Bernstein & Jarvis 2002, eq. 2-13):
// the distortion of a round object sheared by a and then by b.
func shearMult(e1a, e2a, e1b, e2b float64) (e1, e2 float64) {
	dot := e1a*e1b + e2a*e2b
	bb := e1b*e1b + e2b*e2b
	fac := 0.5 // limit of (1−√(1−x))/x as x → 0
	if bb > 0 {
		fac = (1 - math.Sqrt(1-bb)) / bb
	}
	e1 = (e1a + e1b + e2b*fac*(e2a*e1b-e1a*e2b)) / (1 + dot)
	e2 = (e2a + e2b + e1b*fac*(e1a*e2b-e2a*e1b)) / (1 + dot)
	return e1, e2
}

// psfCorrBJ applies Bernstein & Jarvis (2002) eq. A4: shear to the frame
// where the PSF is round, divide by the resolution factor corrected for
// the radial fourth moments a4 (PSF a4p, observed a4o), and shear back.
// tratio is T_psf/T_observed.
func psfCorrBJ(tratio, e1p, e2p, a4p, e1o, e2o, a4o float64) (e1, e2 float64) {
	chp := 1 / math.Sqrt(1-e1p*e1p-e2p*e2p)
	cho := 1 / math.Sqrt(1-e1o*e1o-e2o*e2o)
	sig2ratio := tratio * cho / chp
	r1, r2 := shearMult(e1o, e2o, -e1p, -e2p)
	cho = 1 / math.Sqrt(1-r1*r1-r2*r2)
	R := 1 - sig2ratio*(1-a4p)/(1+a4p)*(1+a4o)/(1-a4o)/cho
	return shearMult(r1/R, r2/R, e1p, e2p)
}
