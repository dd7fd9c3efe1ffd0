package lensing

import (
	"fmt"
	"math"
)

// CriticalCurves finds the critical curves of d (where det A = 0, μ
// infinite) and their caustics (the critical points mapped to the source
// plane). Along each of nAngles rays from (x0, y0) arcsec it samples det A at
// 400 radii spaced logarithmically from rMax·1e-4 to rMax arcsec and refines
// every sign change by bisection, so it finds tangential and radial curves
// alike. Points come in ray order; a curve closer to the centre than
// rMax·1e-4 is missed.
func CriticalCurves(d Deflector, x0, y0, rMax float64, nAngles int) (critical, caustic [][2]float64, err error) {
	if err := checkPositive("rMax", rMax); err != nil {
		return nil, nil, err
	}
	if nAngles < 1 || nAngles > 1<<20 {
		return nil, nil, &RangeError{"nAngles", float64(nAngles), "[1, 1048576]"}
	}
	if !finite(x0) || !finite(y0) {
		return nil, nil, fmt.Errorf("lensing: CriticalCurves: centre (%g, %g) is not finite", x0, y0)
	}
	const nr = 400
	rMin := rMax * 1e-4
	for a := 0; a < nAngles; a++ {
		phi := 2 * math.Pi * (float64(a) + 0.5) / float64(nAngles)
		c, s := math.Cos(phi), math.Sin(phi)
		det := func(r float64) float64 { return d.LensAt(x0+r*c, y0+r*s).Det() }
		rPrev := rMin
		dPrev := det(rPrev)
		for k := 1; k < nr; k++ {
			r := rMin * math.Pow(rMax/rMin, float64(k)/(nr-1))
			dr := det(r)
			if (dPrev < 0) != (dr < 0) {
				lo, hi, dlo := rPrev, r, dPrev
				for range 60 {
					mid := (lo + hi) / 2
					if dm := det(mid); (dm < 0) == (dlo < 0) {
						lo, dlo = mid, dm
					} else {
						hi = mid
					}
				}
				rc := (lo + hi) / 2
				x, y := x0+rc*c, y0+rc*s
				ax, ay := d.Deflect(x, y)
				critical = append(critical, [2]float64{x, y})
				caustic = append(caustic, [2]float64{x - ax, y - ay})
			}
			rPrev, dPrev = r, dr
		}
	}
	return critical, caustic, nil
}
