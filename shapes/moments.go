package shapes

import (
	"errors"
	"fmt"
	"math"

	"github.com/galforge/galforge/pix"
)

// HSMParams holds the numerical knobs of the HSM moment and PSF-correction
// code, with GalSim's defaults from DefaultHSMParams. Lengths are in pixels.
type HSMParams struct {
	// ConvergenceThreshold sets how far out the Gaussian weight is summed:
	// pixels with exp(-ρ²/2) below ConvergenceThreshold/10 are skipped, and
	// it is the precision of the circular (KSB) moments.
	ConvergenceThreshold float64
	// MaxIter is the most iterations an adaptive-moment fit may take.
	MaxIter int
	// BoundCorrectWt bounds each fractional update of one iteration.
	BoundCorrectWt float64
	// MaxAMoment is the largest allowed second moment (pixels²).
	MaxAMoment float64
	// MaxAShift is the largest allowed centroid move from the guess (pixels).
	MaxAShift float64
	// NSigRG and NSigRG2 cut the re-Gaussianization Gaussian approximant and
	// PSF residual at this many sigma (0 disables the cut).
	NSigRG, NSigRG2 float64
	// RegaussStrict fails re-Gaussianization when the galaxy is smaller than
	// the PSF; otherwise the deconvolved moments are floored at 0.25 px².
	RegaussStrict bool
	// KSBMomentsMax is the highest shapelet order KSB measures (4).
	KSBMomentsMax int
}

// DefaultHSMParams returns GalSim's default HSMParams.
func DefaultHSMParams() HSMParams {
	return HSMParams{
		ConvergenceThreshold: 1e-6,
		MaxIter:              400,
		BoundCorrectWt:       0.25,
		MaxAMoment:           8000,
		MaxAShift:            15,
		NSigRG:               3,
		NSigRG2:              3.6,
		KSBMomentsMax:        4,
	}
}

// Flag records why a measurement failed; 0 means success.
type Flag uint32

// Failure flags. Several may be set at once for PSF-corrected shapes.
const (
	FlagNotPosDef Flag = 1 << iota // moment matrix not positive definite
	FlagDiverged                   // moments grew past MaxAMoment or centroid moved past MaxAShift
	FlagMaxIter                    // no convergence within MaxIter iterations
	FlagNaN                        // NaN during the iteration
	FlagEmpty                      // no usable pixel (all zero, or window outside the image)
	FlagPSF                        // the PSF measurement failed
	FlagTooSmall                   // galaxy not larger than the PSF
	FlagPSFCorr                    // the PSF-corrected measurement failed
	FlagBadInput                   // bad argument (nil or empty image, bad option)
)

var flagNames = []string{"not positive definite", "diverged", "too many iterations",
	"NaN", "empty image", "PSF measurement failed", "galaxy smaller than PSF",
	"PSF correction failed", "bad input"}

func (f Flag) String() string {
	if f == 0 {
		return "ok"
	}
	s := ""
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			if s != "" {
				s += ", "
			}
			s += n
		}
	}
	return s
}

// Error is returned when a measurement fails; Flag says why.
type Error struct {
	Flag Flag
	Msg  string
}

func (e *Error) Error() string { return "shapes: " + e.Msg }

func fail(f Flag, format string, a ...any) error {
	return &Error{Flag: f, Msg: fmt.Sprintf(format, a...)}
}

// FlagOf returns the Flag carried by err (FlagBadInput for foreign errors, 0 for nil).
func FlagOf(err error) Flag {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Flag
	}
	return FlagBadInput
}

// Moments are the adaptive second moments of an image: the elliptical
// Gaussian W(x) = exp(-½ (x−x₀)ᵀ M⁻¹ (x−x₀)) whose weighted moments
// reproduce themselves, ∫I W (x−x₀)(x−x₀)ᵀ / ∫I W = M/2, which makes
// (x₀, M) the centroid and covariance of the best-fitting Gaussian.
type Moments struct {
	X, Y          float64 // centroid, 0-based pixels
	Mxx, Mxy, Myy float64 // covariance of the best-fit Gaussian, pixels²
	Sigma         float64 // det(M)^(1/4), pixels
	E1, E2        float64 // distortion (Mxx−Myy)/T, 2Mxy/T with T = Mxx+Myy
	Amp           float64 // total flux of the best-fit Gaussian, 2∫I W (counts)
	Rho4          float64 // weighted radial fourth moment ∫I W ρ⁴ / ∫I W
	NIter         int     // iterations used
	Flag          Flag    // 0 on success
}

// G returns the reduced shear (g1, g2) with the same axis ratio and angle as (E1, E2).
func (m Moments) G() (g1, g2 float64) { return DistortionToShear(m.E1, m.E2) }

// DistortionToShear converts a distortion e = (a²−b²)/(a²+b²) to the reduced
// shear g = (a−b)/(a+b) with the same position angle: |g| = |e|/(1+√(1−|e|²)).
func DistortionToShear(e1, e2 float64) (g1, g2 float64) {
	e := math.Hypot(e1, e2)
	if e == 0 {
		return 0, 0
	}
	f := 1 / (1 + math.Sqrt(1-e*e))
	return e1 * f, e2 * f
}

// ShearToDistortion converts a reduced shear g to a distortion e = 2g/(1+|g|²).
func ShearToDistortion(g1, g2 float64) (e1, e2 float64) {
	f := 2 / (1 + g1*g1 + g2*g2)
	return g1 * f, g2 * f
}

// MomentsOptions configures AdaptiveMoments. The zero value gives GalSim's
// FindAdaptiveMom defaults.
type MomentsOptions struct {
	GuessSigma float64 // initial round weight sigma, pixels (default 5)
	Precision  float64 // convergence threshold on the fractional updates (default 1e-6)
	// Guess is the initial centroid in 0-based pixels; nil means the image's
	// true centre ((Nx−1)/2, (Ny−1)/2).
	Guess *[2]float64
	// Params are the HSM knobs; nil means DefaultHSMParams.
	Params *HSMParams
}

func (o MomentsOptions) params() HSMParams {
	if o.Params != nil {
		return *o.Params
	}
	return DefaultHSMParams()
}

// region is a rectangle of pixels addressed by absolute 0-based
// coordinates: pixel (x, y) is pix[(y−y0)*stride + x−x0].
type region struct {
	pix    []float64
	stride int
	x0, y0 int
	nx, ny int
}

func (r region) xmax() int { return r.x0 + r.nx - 1 }
func (r region) ymax() int { return r.y0 + r.ny - 1 }
func (r region) at(x, y int) float64 {
	return r.pix[(y-r.y0)*r.stride+x-r.x0]
}

func wholeRegion(m *pix.Image) region {
	return region{pix: m.Pix, stride: m.Stride, nx: m.Nx, ny: m.Ny}
}

// nonZero returns the smallest sub-region holding every non-zero pixel
// (HSM measures only there), and false when all pixels are zero.
func (r region) nonZero() (region, bool) {
	xlo, xhi, ylo, yhi := r.xmax()+1, r.x0-1, r.ymax()+1, r.y0-1
	for y := r.y0; y <= r.ymax(); y++ {
		row := r.pix[(y-r.y0)*r.stride:]
		for i := 0; i < r.nx; i++ {
			if row[i] != 0 {
				x := r.x0 + i
				xlo, xhi = min(xlo, x), max(xhi, x)
				ylo, yhi = min(ylo, y), max(yhi, y)
			}
		}
	}
	if xlo > xhi {
		return r, false
	}
	off := (ylo-r.y0)*r.stride + xlo - r.x0
	return region{pix: r.pix[off:], stride: r.stride, x0: xlo, y0: ylo,
		nx: xhi - xlo + 1, ny: yhi - ylo + 1}, true
}

func checkImage(m *pix.Image, what string) error {
	switch {
	case m == nil:
		return fail(FlagBadInput, "%s image is nil", what)
	case m.Nx <= 0 || m.Ny <= 0:
		return fail(FlagBadInput, "%s image is empty (%dx%d)", what, m.Nx, m.Ny)
	case m.Stride < m.Nx || len(m.Pix) < (m.Ny-1)*m.Stride+m.Nx:
		return fail(FlagBadInput, "%s image: %d pixels do not fill %dx%d with stride %d",
			what, len(m.Pix), m.Nx, m.Ny, m.Stride)
	}
	return nil
}

// AdaptiveMoments measures the adaptive moments of img as GalSim's
// hsm.FindAdaptiveMom does: an elliptical Gaussian weight is iterated until
// every fractional update of centroid and covariance is below
// opt.Precision. On failure it returns the Moments reached so far with Flag
// set, and an *Error.
func AdaptiveMoments(img *pix.Image, opt MomentsOptions) (Moments, error) {
	if err := checkImage(img, "galaxy"); err != nil {
		return Moments{Flag: FlagBadInput}, err
	}
	sig := opt.GuessSigma
	if sig == 0 {
		sig = 5
	}
	prec := opt.Precision
	if prec == 0 {
		prec = 1e-6
	}
	if !(sig > 0) || !(prec > 0 && prec < 1) {
		return Moments{Flag: FlagBadInput}, fail(FlagBadInput,
			"guess sigma %g px and precision %g must be positive (precision < 1)", sig, prec)
	}
	x0, y0 := img.Center()
	if opt.Guess != nil {
		x0, y0 = opt.Guess[0], opt.Guess[1]
	}
	p := opt.params()
	r, ok := wholeRegion(img).nonZero()
	if !ok {
		return Moments{Flag: FlagEmpty}, fail(FlagEmpty, "image is all zeros")
	}
	m := Moments{X: x0, Y: y0, Mxx: sig * sig, Myy: sig * sig}
	err := ellipMoments(r, &m, prec, &p)
	return m, err
}

// ellipSums holds the weighted sums of one pass: A = ΣIW, B = ΣIW·d,
// C = ΣIW·d dᵀ and ΣIW ρ⁴, with d = x − x₀.
type ellipSums struct {
	a, bx, by, cxx, cxy, cyy, rho4 float64
}

// ellipSum sums the image against the weight exp(−ρ²/2) over the ellipse
// ρ² < −2 ln(threshold/10), the region HSM uses.
func ellipSum(r region, x0, y0, mxx, mxy, myy float64, p *HSMParams, s *ellipSums) error {
	*s = ellipSums{}
	det := mxx*myy - mxy*mxy
	if det <= 0 || mxx <= 0 || myy <= 0 {
		return fail(FlagNotPosDef, "adaptive moments not positive definite (Mxx=%g Mxy=%g Myy=%g)", mxx, mxy, myy)
	}
	ixx, twoIxy, iyy := myy/det, -2*mxy/det, mxx/det
	nsig2 := -2 * math.Log(p.ConvergenceThreshold/10)
	h := math.Sqrt(nsig2 * myy)
	iy1 := max(int(math.Ceil(y0-h)), r.y0)
	iy2 := min(int(math.Floor(y0+h)), r.ymax())
	if iy1 > iy2 {
		return fail(FlagEmpty, "weight window (y %.3g±%.3g px) misses the image", y0, h)
	}
	inv2a := 0.5 / ixx
	stepQ := math.Exp(-ixx)
	for y := iy1; y <= iy2; y++ {
		dy := float64(y) - y0
		b := twoIxy * dy
		cyy := iyy * dy * dy
		d := b*b - 4*ixx*(cyy-nsig2)
		if d < 0 {
			continue
		}
		sd := math.Sqrt(d)
		ix1 := max(int(math.Ceil(inv2a*(-b-sd)+x0)), r.x0)
		ix2 := min(int(math.Floor(inv2a*(-b+sd)+x0)), r.xmax())
		if ix1 > ix2 {
			continue
		}
		row := r.pix[(y-r.y0)*r.stride+ix1-r.x0 : (y-r.y0)*r.stride+ix2-r.x0+1]
		dx := float64(ix1) - x0
		// The weight along a row is exp of a quadratic in dx, so it is
		// stepped by two multiplications: w(dx+1) = w(dx)·q(dx) and
		// q(dx+1) = q(dx)·exp(−ixx). Long rows are restarted every 16
		// pixels to keep the rounding error below 1e-14.
		var w, q float64
		for i, v := range row {
			rho2 := cyy + b*dx + ixx*dx*dx
			if i&15 == 0 {
				w = math.Exp(-0.5 * rho2)
				q = math.Exp(-0.5 * (b + ixx*(2*dx+1)))
			} else {
				w *= q
				q *= stepQ
			}
			wv := w * v
			wx, wy := wv*dx, wv*dy
			s.a += wv
			s.bx += wx
			s.by += wy
			s.cxx += wx * dx
			s.cxy += wx * dy
			s.cyy += wy * dy
			s.rho4 += wv * rho2 * rho2
			dx++
		}
	}
	return nil
}

// ellipMoments iterates the weight (centroid m.X, m.Y and covariance
// m.Mxx..m.Myy, updated in place) to convergence: the HSM update
// δx = 2B/(A s), δM = 4(C/A − M/2)/b² with s² = b² the minor-axis variance
// of the weight, each bounded by BoundCorrectWt, until the largest fractional
// update (scaled by the shrinkage of the minor axis) is below prec.
func ellipMoments(r region, m *Moments, prec float64, p *HSMParams) error {
	x00, y00 := m.X, m.Y
	var s ellipSums
	var shift0 float64
	bound := func(v float64) float64 { return math.Max(-p.BoundCorrectWt, math.Min(p.BoundCorrectWt, v)) }
	conv := 1.0
	m.NIter = 0
	for conv > prec {
		if err := ellipSum(r, m.X, m.Y, m.Mxx, m.Mxy, m.Myy, p, &s); err != nil {
			m.Flag = FlagOf(err)
			return err
		}
		twoPsi := math.Atan2(2*m.Mxy, m.Mxx-m.Myy)
		a2 := 0.5*((m.Mxx+m.Myy)+(m.Mxx-m.Myy)*math.Cos(twoPsi)) + m.Mxy*math.Sin(twoPsi)
		b2 := m.Mxx + m.Myy - a2
		if b2 <= 0 {
			m.Flag = FlagNotPosDef
			return fail(FlagNotPosDef, "non positive-definite weight after %d iterations", m.NIter)
		}
		shift := math.Sqrt(b2)
		if m.NIter == 0 {
			shift0 = shift
		}
		dx := bound(2 * s.bx / (s.a * shift))
		dy := bound(2 * s.by / (s.a * shift))
		dxx := bound(4 * (s.cxx/s.a - 0.5*m.Mxx) / b2)
		dxy := bound(4 * (s.cxy/s.a - 0.5*m.Mxy) / b2)
		dyy := bound(4 * (s.cyy/s.a - 0.5*m.Myy) / b2)
		conv = max(math.Abs(dx), math.Abs(dy), math.Abs(dxx), math.Abs(dxy), math.Abs(dyy))
		if shift < shift0 {
			conv *= shift0 / shift
		}
		m.X += dx * shift
		m.Y += dy * shift
		m.Mxx += dxx * b2
		m.Mxy += dxy * b2
		m.Myy += dyy * b2
		if math.Abs(m.Mxx) > p.MaxAMoment || math.Abs(m.Mxy) > p.MaxAMoment ||
			math.Abs(m.Myy) > p.MaxAMoment || math.Abs(m.X-x00) > p.MaxAShift ||
			math.Abs(m.Y-y00) > p.MaxAShift {
			m.Flag = FlagDiverged
			return fail(FlagDiverged, "adaptive moments diverged after %d iterations", m.NIter+1)
		}
		m.NIter++
		if m.NIter > p.MaxIter {
			m.Flag = FlagMaxIter
			return fail(FlagMaxIter, "adaptive moments did not converge in %d iterations", p.MaxIter)
		}
		if math.IsNaN(conv) || math.IsNaN(m.Mxx) || math.IsNaN(m.Mxy) || math.IsNaN(m.Myy) ||
			math.IsNaN(m.X) || math.IsNaN(m.Y) {
			m.Flag = FlagNaN
			return fail(FlagNaN, "NaN in adaptive moments")
		}
	}
	t := m.Mxx + m.Myy
	m.Amp = 2 * s.a
	m.Rho4 = s.rho4 / s.a
	m.Sigma = math.Pow(m.Mxx*m.Myy-m.Mxy*m.Mxy, 0.25)
	m.E1 = (m.Mxx - m.Myy) / t
	m.E2 = 2 * m.Mxy / t
	return nil
}
