package shapes

import (
	"fmt"
	"math"
	"strings"

	"github.com/galforge/galforge/pix"
)

// Method is a shape-measurement method.
type Method int

// The measurement methods.
const (
	MethodMoments Method = iota // adaptive moments, no PSF correction
	MethodRegauss               // re-Gaussianization
	MethodKSB                   // KSB
	MethodMetacal               // metacalibration with adaptive moments
)

var methodNames = []string{"moments", "regauss", "ksb", "metacal"}

func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses a method name (moments, regauss, ksb, metacal).
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if strings.EqualFold(s, n) {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("shapes: unknown method %q (want %s)", s, strings.Join(methodNames, ", "))
}

// Measurement is one object's shape, as written by `galforge shapes`.
type Measurement struct {
	// ID is the plane index of a cube or the catalog row (0-based, as
	// survey's truth ids), or for objects detected in a field the
	// segmentation label (1-based; 0 is the background).
	ID         int
	X, Y       float64       // centroid, 0-based pixels of the input image (or stamp)
	Flux       float64       // amplitude of the best-fit Gaussian or method flux (counts)
	Sigma      float64       // adaptive sigma, pixels
	E1, E2     float64       // distortion: observed (moments) or PSF-corrected
	G1, G2     float64       // reduced shear: observed, corrected, or the metacal estimate
	Resolution float64       // 1 − T_psf/T_gal for regauss and ksb; NaN for moments (no PSF) and metacal (corrected through R instead)
	R          [2][2]float64 // metacal response, else zero
	Flag       Flag
	Err        string // why it failed, when Flag ≠ 0
}

// MeasureStamp measures the object in stamp (centroid guess in stamp
// pixels, nil for the stamp centre) with method; psf is needed by every
// method but moments. Failures are reported in Flag and Err, never as a
// panic.
func MeasureStamp(stamp, psf *pix.Image, method Method, guess *[2]float64) Measurement {
	return measureStamp(stamp, psf, method, guess, nil)
}

// MetacalNoise returns the noise rms to symmetrise in stamp: its robust
// background sigma (0 for noise-free stamps).
func MetacalNoise(stamp *pix.Image) float64 {
	_, s := Background(stamp)
	return s
}

// measureStamp is MeasureStamp with an optional prepared metacal PSF for
// stamps of this size (which carries the noise symmetrisation, if any).
func measureStamp(stamp, psf *pix.Image, method Method, guess *[2]float64, mp *MetacalPSF) Measurement {
	m := Measurement{Resolution: math.NaN()}
	setErr := func(err error) {
		m.Flag = FlagOf(err)
		if m.Flag == 0 {
			m.Flag = FlagBadInput
		}
		m.Err = err.Error()
	}
	fromMoments := func(mo Moments) {
		m.X, m.Y, m.Flux, m.Sigma, m.E1, m.E2 = mo.X, mo.Y, mo.Amp, mo.Sigma, mo.E1, mo.E2
		m.G1, m.G2 = mo.G()
	}
	if method != MethodMoments && psf == nil {
		setErr(fail(FlagBadInput, "method %v needs a PSF image", method))
		return m
	}
	switch method {
	case MethodMoments:
		mo, err := AdaptiveMoments(stamp, MomentsOptions{Guess: guess})
		fromMoments(mo)
		if err != nil {
			setErr(err)
		}
	case MethodRegauss, MethodKSB:
		est := Regauss
		if method == MethodKSB {
			est = KSB
		}
		r, err := est(stamp, psf, ShearOptions{Guess: guess})
		fromMoments(r.Observed)
		if err != nil {
			setErr(err)
			return m
		}
		m.Resolution = r.Resolution
		if r.Type == 'e' {
			m.E1, m.E2 = r.E1, r.E2
			m.G1, m.G2 = DistortionToShear(r.E1, r.E2)
		} else {
			m.G1, m.G2 = r.G1, r.G2
			m.E1, m.E2 = ShearToDistortion(r.G1, r.G2)
		}
	case MethodMetacal:
		var r MetacalResult
		var err error
		if mp == nil {
			mp, err = NewMetacalPSF(psf, stamp.Nx, stamp.Ny, MetacalOptions{})
		}
		if err == nil {
			if guess != nil {
				c := *mp
				c.opt.Moments.Guess = guess
				mp = &c
			}
			r, err = mp.Measure(stamp)
		}
		fromMoments(r.Noshear)
		if err != nil {
			setErr(err)
			return m
		}
		m.G1, m.G2 = r.E[0], r.E[1]
		m.R = r.R
	default:
		setErr(fail(FlagBadInput, "unknown method %v", method))
	}
	return m
}
