package morph

import (
	"math"

	"github.com/galforge/galforge/pix"
)

// apSub is the sub-sampling (per axis) of pixels cut by an aperture edge.
const apSub = 8

// overlap returns the fraction of pixel (x, y) inside the circle of radius r
// centred on (xc, yc).
func overlap(x, y int, xc, yc, r float64) float64 {
	dx, dy := math.Abs(float64(x)-xc), math.Abs(float64(y)-yc)
	far := math.Hypot(dx+0.5, dy+0.5)
	if far <= r {
		return 1
	}
	near := math.Hypot(math.Max(dx-0.5, 0), math.Max(dy-0.5, 0))
	if near >= r {
		return 0
	}
	n := 0
	r2 := r * r
	for i := 0; i < apSub; i++ {
		sy := float64(y) - yc - 0.5 + (float64(i)+0.5)/apSub
		for j := 0; j < apSub; j++ {
			sx := float64(x) - xc - 0.5 + (float64(j)+0.5)/apSub
			if sx*sx+sy*sy < r2 {
				n++
			}
		}
	}
	return float64(n) / (apSub * apSub)
}

// apSum returns the flux and area (pixels) inside the circle (xc, yc, r).
func apSum(img *pix.Image, xc, yc, r float64) (flux, area float64) {
	x0, x1 := max(int(math.Floor(xc-r-1)), 0), min(int(math.Ceil(xc+r+1)), img.Nx-1)
	y0, y1 := max(int(math.Floor(yc-r-1)), 0), min(int(math.Ceil(yc+r+1)), img.Ny-1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if w := overlap(x, y, xc, yc, r); w > 0 {
				flux += w * img.At(x, y)
				area += w
			}
		}
	}
	return flux, area
}

// radiusOfFlux returns the radius whose circle about (xc, yc) holds flux f,
// by bisection on the growth curve between 0 and rmax.
func radiusOfFlux(img *pix.Image, xc, yc, f, rmax float64) float64 {
	lo, hi := 0.0, rmax
	for i := 0; i < 50 && hi-lo > 1e-4; i++ {
		mid := 0.5 * (lo + hi)
		if s, _ := apSum(img, xc, yc, mid); s < f {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

// petroRatio is the Petrosian function: the mean surface brightness in an
// annulus of width 1 px at r over the mean inside r.
func petroRatio(img *pix.Image, xc, yc, r float64) float64 {
	in, ain := apSum(img, xc, yc, r+0.5)
	inner, aInner := apSum(img, xc, yc, max(r-0.5, 0))
	ann, aAnn := in-inner, ain-aInner
	mean, aMean := apSum(img, xc, yc, r)
	if aAnn <= 0 || aMean <= 0 || mean <= 0 {
		return math.NaN()
	}
	return (ann / aAnn) / (mean / aMean)
}

// PetrosianEta is the Petrosian ratio that defines the Petrosian radius.
const PetrosianEta = 0.2

// PetrosianRadius returns the circular radius (pixels) about (xc, yc) at
// which the Petrosian function falls to PetrosianEta, or NaN when it never
// does within the image.
func PetrosianRadius(img *pix.Image, xc, yc float64) float64 {
	rmax := math.Hypot(float64(img.Nx), float64(img.Ny)) / 2
	// The first downward crossing of η after the function has been above it
	// (a cusp sampled on one pixel makes it small at r ≈ 1 px).
	above, prevR := false, 0.0
	for r := 1.0; r < rmax; r++ {
		v := petroRatio(img, xc, yc, r)
		if math.IsNaN(v) {
			continue
		}
		if v > PetrosianEta {
			above, prevR = true, r
			continue
		}
		if above {
			lo, hi := prevR, r
			for i := 0; i < 20; i++ {
				mid := 0.5 * (lo + hi)
				if petroRatio(img, xc, yc, mid) > PetrosianEta {
					lo = mid
				} else {
					hi = mid
				}
			}
			return 0.5 * (lo + hi)
		}
	}
	return math.NaN()
}
