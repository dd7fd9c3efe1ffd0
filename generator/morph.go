package generator

import (
	"math"
	"sort"
)

// Morph holds the morphology statistics of one stamp, measured on its
// luminance (the mean over bands) after subtracting the background (the
// median of the outermost ring of pixels). Only positive background-
// subtracted pixels count as light.
type Morph struct {
	Flux float64 // sum of light, data units x pixels
	HLR  float64 // half-light radius, pixels: circle about the centroid holding half the light
	R20  float64 // radius holding 20 % of the light, pixels
	R80  float64 // radius holding 80 % of the light, pixels
	// Conc is the concentration 5 log10(R80/R20).
	Conc float64
	// E is the distortion |e| = sqrt((Qxx-Qyy)^2 + (2Qxy)^2) / (Qxx+Qyy)
	// from the unweighted second moments Q of the light about its centroid.
	E    float64
	X, Y float64 // centroid, 0-based pixels
}

// Luminance returns the mean over bands of a bands x n x n stamp.
func Luminance(stamp []float32, bands, n int) []float64 {
	m := n * n
	out := make([]float64, m)
	for b := 0; b < bands; b++ {
		for i := 0; i < m; i++ {
			out[i] += float64(stamp[b*m+i])
		}
	}
	for i := range out {
		out[i] /= float64(bands)
	}
	return out
}

// Measure computes the morphology statistics of a bands x n x n stamp.
func Measure(stamp []float32, bands, n int) Morph {
	lum := Luminance(stamp, bands, n)
	var border []float64
	for i := 0; i < n; i++ {
		border = append(border, lum[i], lum[(n-1)*n+i])
		if i > 0 && i < n-1 {
			border = append(border, lum[i*n], lum[i*n+n-1])
		}
	}
	sort.Float64s(border)
	bg := border[len(border)/2]
	var m Morph
	var sx, sy float64
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := lum[y*n+x] - bg
			if v <= 0 {
				continue
			}
			m.Flux += v
			sx += v * float64(x)
			sy += v * float64(y)
		}
	}
	if m.Flux <= 0 {
		c := float64(n-1) / 2
		m.X, m.Y = c, c
		return m
	}
	m.X, m.Y = sx/m.Flux, sy/m.Flux
	type pr struct{ r, v float64 }
	ps := make([]pr, 0, n*n)
	var qxx, qyy, qxy float64
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := lum[y*n+x] - bg
			if v <= 0 {
				continue
			}
			dx, dy := float64(x)-m.X, float64(y)-m.Y
			qxx += v * dx * dx
			qyy += v * dy * dy
			qxy += v * dx * dy
			ps = append(ps, pr{math.Hypot(dx, dy), v})
		}
	}
	if t := qxx + qyy; t > 0 {
		m.E = math.Hypot(qxx-qyy, 2*qxy) / t
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].r < ps[j].r })
	radius := func(frac float64) float64 {
		target := frac * m.Flux
		cum, prevR, prevC := 0.0, 0.0, 0.0
		for _, p := range ps {
			cum += p.v
			if cum >= target {
				// Linear interpolation in enclosed light between pixel radii.
				if cum == prevC {
					return p.r
				}
				return prevR + (p.r-prevR)*(target-prevC)/(cum-prevC)
			}
			prevR, prevC = p.r, cum
		}
		return prevR
	}
	m.R20, m.HLR, m.R80 = radius(0.2), radius(0.5), radius(0.8)
	if m.R20 > 0 && m.R80 > 0 {
		m.Conc = 5 * math.Log10(m.R80/m.R20)
	}
	return m
}
