package morph

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/shapes"
)

// Stats are the morphology statistics of one image (lengths in pixels).
type Stats struct {
	X, Y          float64 // asymmetry centre, used for C, A, S and the radii
	RPetro        float64 // circular Petrosian radius (η = 0.2)
	R20, R50, R80 float64 // radii holding 20, 50, 80 % of the flux inside 1.5 RPetro
	Gini, M20     float64
	Concentration float64 // 5 log10(R80/R20)
	Asymmetry     float64
	Smoothness    float64
	E1, E2        float64 // adaptive-moment distortion
	Ellipticity   float64 // 1 − b/a from the adaptive moments
	Sersic        SersicFit
	Background    float64 // value subtracted before measuring (counts)
}

// Names lists the scalar statistics that Values returns, in order.
var Names = []string{"gini", "m20", "concentration", "asymmetry", "smoothness",
	"r50", "ellipticity", "sersic_n"}

// Values returns the scalar statistics named by Names.
func (s Stats) Values() []float64 {
	return []float64{s.Gini, s.M20, s.Concentration, s.Asymmetry, s.Smoothness,
		s.R50, s.Ellipticity, s.Sersic.N}
}

// Options configures Measure.
type Options struct {
	// SubtractBackground subtracts the median of the 4-pixel border before
	// measuring (for real cut-outs whose sky is not zero).
	SubtractBackground bool
}

// ErrNoGalaxy is returned when an image has no positive flux to measure.
var ErrNoGalaxy = errors.New("morph: no positive flux")

// Measure computes all statistics of img as statmorph would on a
// noise-free image: Petrosian radius about the adaptive-moment centroid;
// asymmetry (and its centre) inside 1.5 RPetro; C and the radii from the
// growth curve to 1.5 RPetro; S in the annulus 0.25–1.5 RPetro with a
// 0.25 RPetro box; Gini and M20 on the Gini segmentation map; a Sérsic fit
// to 1.5 RPetro about the segmap centroid with the adaptive-moment geometry.
func Measure(img *pix.Image, opt Options) (Stats, error) {
	var st Stats
	if img == nil || img.Nx < 4 || img.Ny < 4 {
		return st, fmt.Errorf("morph: image too small")
	}
	if opt.SubtractBackground {
		img, st.Background = subtractBorderMedian(img, 4)
	}
	tot := 0.0
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			if v := img.At(x, y); v > 0 {
				tot += v
			}
		}
	}
	if tot == 0 {
		return st, ErrNoGalaxy
	}
	xc, yc := Centroid(img, nil)
	mom, merr := shapes.AdaptiveMoments(img, shapes.MomentsOptions{GuessSigma: float64(min(img.Nx, img.Ny)) / 8})
	if merr == nil {
		xc, yc = mom.X, mom.Y
		st.E1, st.E2 = mom.E1, mom.E2
		e := math.Hypot(mom.E1, mom.E2)
		st.Ellipticity = 1 - math.Sqrt((1-e)/(1+e))
	} else {
		st.E1, st.E2, st.Ellipticity = math.NaN(), math.NaN(), math.NaN()
	}
	rp := PetrosianRadius(img, xc, yc)
	if math.IsNaN(rp) {
		rp = float64(min(img.Nx, img.Ny)) / 3
	}
	st.RPetro = rp
	st.Asymmetry, st.X, st.Y = Asymmetry(img, xc, yc, 1.5*rp)
	st.Concentration, st.R20, st.R80 = Concentration(img, st.X, st.Y, 1.5*rp)
	ftot, _ := apSum(img, st.X, st.Y, 1.5*rp)
	st.R50 = radiusOfFlux(img, st.X, st.Y, 0.5*ftot, 1.5*rp)
	st.Smoothness = Smoothness(img, st.X, st.Y, 0.25*rp, 1.5*rp, int(0.25*rp))
	seg := GiniSegmap(img, xc, yc, rp)
	var vals []float64
	for i, in := range seg {
		if in {
			vals = append(vals, img.Pix[(i/img.Nx)*img.Stride+i%img.Nx])
		}
	}
	st.Gini = Gini(vals)
	mx, my := Centroid(img, seg)
	st.M20 = M20(img, seg, mx, my)
	if merr != nil {
		// Adaptive moments fail on cusps sampled at a pixel centre; the
		// flux moments inside the isophotal Gini segmap give the shape.
		st.E1, st.E2 = segMoments(img, seg, mx, my)
		e := math.Hypot(st.E1, st.E2)
		st.Ellipticity = 1 - math.Sqrt((1-e)/(1+e))
	}
	q, theta := 1.0, 0.0
	if !math.IsNaN(st.Ellipticity) {
		q = 1 - st.Ellipticity
		theta = 0.5 * math.Atan2(st.E2, st.E1)
	}
	st.Sersic = FitSersic(img, mx, my, q, theta, 1.5*rp, st.R50)
	return st, nil
}

func subtractBorderMedian(img *pix.Image, w int) (*pix.Image, float64) {
	var b []float64
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			if x < w || y < w || x >= img.Nx-w || y >= img.Ny-w {
				b = append(b, img.At(x, y))
			}
		}
	}
	slices.Sort(b)
	med := b[len(b)/2]
	out := pix.New(img.Nx, img.Ny, img.Scale)
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			out.Set(x, y, img.At(x, y)-med)
		}
	}
	return out, med
}

// segMoments returns the distortion of the flux second moments of the
// positive pixels in mask about (xc, yc).
func segMoments(img *pix.Image, mask []bool, xc, yc float64) (e1, e2 float64) {
	var sxx, sxy, syy float64
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			f := img.At(x, y)
			if !mask[y*img.Nx+x] || f <= 0 {
				continue
			}
			dx, dy := float64(x)-xc, float64(y)-yc
			sxx += f * dx * dx
			sxy += f * dx * dy
			syy += f * dy * dy
		}
	}
	t := sxx + syy
	if t == 0 {
		return math.NaN(), math.NaN()
	}
	return (sxx - syy) / t, 2 * sxy / t
}
