package morph

import (
	"math"
	"slices"
	"sort"

	"github.com/galforge/galforge/pix"
)

// Gini returns the Gini coefficient of the absolute values v (Lotz et al.
// 2004, eq. 6): G = Σᵢ (2i − n − 1)|v|₍ᵢ₎ / (|v̄| n (n−1)) over the values
// sorted in increasing order. 0 when all values are equal, 1 when one
// value holds all the flux. It reorders nothing in v.
func Gini(v []float64) float64 {
	n := len(v)
	if n < 2 {
		return math.NaN()
	}
	a := make([]float64, n)
	sum := 0.0
	for i, x := range v {
		a[i] = math.Abs(x)
		sum += a[i]
	}
	if sum == 0 {
		return math.NaN()
	}
	slices.Sort(a)
	g := 0.0
	for i, x := range a {
		g += float64(2*(i+1)-n-1) * x
	}
	return g / (sum / float64(n) * float64(n) * float64(n-1))
}

// M20 returns the normalised second moment of the brightest 20 % of the
// flux (Lotz et al. 2004, eqs. 7–8): with Mᵢ = fᵢ rᵢ² about (xc, yc) and
// the pixels of mask (all pixels when mask is nil) taken in decreasing
// flux until they hold 20 % of the total, M20 = log₁₀(Σ Mᵢ / M_tot).
// The centre that minimises M_tot is the flux centroid, see Centroid.
func M20(img *pix.Image, mask []bool, xc, yc float64) float64 {
	type pm struct{ f, m float64 }
	var ps []pm
	tot, mtot := 0.0, 0.0
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			if mask != nil && !mask[y*img.Nx+x] {
				continue
			}
			f := img.At(x, y)
			if f <= 0 {
				continue
			}
			dx, dy := float64(x)-xc, float64(y)-yc
			m := f * (dx*dx + dy*dy)
			ps = append(ps, pm{f, m})
			tot += f
			mtot += m
		}
	}
	if len(ps) == 0 || mtot == 0 {
		return math.NaN()
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].f > ps[j].f })
	cum, m20 := 0.0, 0.0
	for _, p := range ps {
		if cum+p.f > 0.2*tot {
			// take the fraction of the last pixel that completes 20 %
			m20 += p.m * (0.2*tot - cum) / p.f
			break
		}
		cum += p.f
		m20 += p.m
	}
	return math.Log10(m20 / mtot)
}

// Centroid returns the flux-weighted centre of the positive pixels in mask
// (all pixels when nil), the centre that minimises M_tot.
func Centroid(img *pix.Image, mask []bool) (xc, yc float64) {
	s, sx, sy := 0.0, 0.0, 0.0
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			if mask != nil && !mask[y*img.Nx+x] {
				continue
			}
			if f := img.At(x, y); f > 0 {
				s += f
				sx += f * float64(x)
				sy += f * float64(y)
			}
		}
	}
	if s == 0 {
		return img.Center()
	}
	return sx / s, sy / s
}

// Concentration returns C = 5 log₁₀(r80/r20) (Conselice 2003) with r20 and
// r80 the radii of circles about (xc, yc) holding 20 % and 80 % of the
// flux inside rtot (statmorph: rtot = 1.5 Petrosian radii), and the radii.
func Concentration(img *pix.Image, xc, yc, rtot float64) (c, r20, r80 float64) {
	tot, _ := apSum(img, xc, yc, rtot)
	r20 = radiusOfFlux(img, xc, yc, 0.2*tot, rtot)
	r80 = radiusOfFlux(img, xc, yc, 0.8*tot, rtot)
	return 5 * math.Log10(r80/r20), r20, r80
}

// rotated180 returns the value of img rotated by 180° about (xc, yc) at
// pixel (x, y): img(2xc−x, 2yc−y), bilinearly interpolated, 0 outside.
func rotated180(img *pix.Image, x, y int, xc, yc float64) float64 {
	sx, sy := 2*xc-float64(x), 2*yc-float64(y)
	ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
	fx, fy := sx-float64(ix), sy-float64(iy)
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= img.Nx || j >= img.Ny {
			return 0
		}
		return img.At(i, j)
	}
	return (1-fy)*((1-fx)*at(ix, iy)+fx*at(ix+1, iy)) + fy*((1-fx)*at(ix, iy+1)+fx*at(ix+1, iy+1))
}

// asymmetryAt is Σ|I − I₁₈₀| / Σ|I| over the pixels whose centres lie in
// the circle (xc, yc, r).
func asymmetryAt(img *pix.Image, xc, yc, r float64) float64 {
	num, den := 0.0, 0.0
	x0, x1 := max(int(math.Ceil(xc-r)), 0), min(int(math.Floor(xc+r)), img.Nx-1)
	y0, y1 := max(int(math.Ceil(yc-r)), 0), min(int(math.Floor(yc+r)), img.Ny-1)
	r2 := r * r
	for y := y0; y <= y1; y++ {
		dy := float64(y) - yc
		for x := x0; x <= x1; x++ {
			dx := float64(x) - xc
			if dx*dx+dy*dy > r2 {
				continue
			}
			v := img.At(x, y)
			num += math.Abs(v - rotated180(img, x, y, xc, yc))
			den += math.Abs(v)
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// Asymmetry returns the rotational asymmetry A = Σ|I − I₁₈₀| / Σ|I| over the
// pixels centred in the circle of radius r (Conselice 2000, 2003), minimised over the rotation
// centre starting from (xc, yc) by a shrinking pattern search, and the
// centre found. No background term is subtracted (noise-free images).
func Asymmetry(img *pix.Image, xc, yc, r float64) (a, ax, ay float64) {
	best := asymmetryAt(img, xc, yc, r)
	for step := 0.5; step > 1e-3; {
		moved := false
		for _, d := range [4][2]float64{{step, 0}, {-step, 0}, {0, step}, {0, -step}} {
			if v := asymmetryAt(img, xc+d[0], yc+d[1], r); v < best {
				best, xc, yc, moved = v, xc+d[0], yc+d[1], true
			}
		}
		if !moved {
			step /= 2
		}
	}
	return best, xc, yc
}

// boxcar returns img smoothed by a centred square box of odd width w pixels
// (edges use the pixels that exist).
func boxcar(img *pix.Image, w int) *pix.Image {
	h := w / 2
	tmp := pix.New(img.Nx, img.Ny, img.Scale)
	out := pix.New(img.Nx, img.Ny, img.Scale)
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			s, n := 0.0, 0
			for i := max(x-h, 0); i <= min(x+h, img.Nx-1); i++ {
				s += img.At(i, y)
				n++
			}
			tmp.Set(x, y, s/float64(n))
		}
	}
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			s, n := 0.0, 0
			for j := max(y-h, 0); j <= min(y+h, img.Ny-1); j++ {
				s += tmp.At(x, j)
				n++
			}
			out.Set(x, y, s/float64(n))
		}
	}
	return out
}

// Smoothness returns the clumpiness S = Σ max(I − I_S, 0) / Σ I over the
// annulus rin < r < rout about (xc, yc) (Conselice 2003; statmorph uses
// rin = 0.25 and rout = 1.5 Petrosian radii), where I_S is I smoothed by a
// box of odd width w pixels.
func Smoothness(img *pix.Image, xc, yc, rin, rout float64, w int) float64 {
	if w < 1 {
		w = 1
	}
	if w%2 == 0 {
		w++
	}
	sm := boxcar(img, w)
	num, den := 0.0, 0.0
	x0, x1 := max(int(math.Floor(xc-rout-1)), 0), min(int(math.Ceil(xc+rout+1)), img.Nx-1)
	y0, y1 := max(int(math.Floor(yc-rout-1)), 0), min(int(math.Ceil(yc+rout+1)), img.Ny-1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			wt := overlap(x, y, xc, yc, rout) - overlap(x, y, xc, yc, rin)
			if wt <= 0 {
				continue
			}
			v := img.At(x, y)
			num += wt * math.Max(v-sm.At(x, y), 0)
			den += wt * v
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// GiniSegmap returns statmorph's Gini segmentation map: the pixels whose
// value, after smoothing by a box of 0.2 Petrosian radii, is at least the
// mean surface brightness in a 1-pixel annulus at the Petrosian radius rp.
func GiniSegmap(img *pix.Image, xc, yc, rp float64) []bool {
	in, ain := apSum(img, xc, yc, rp+0.5)
	inner, aInner := apSum(img, xc, yc, max(rp-0.5, 0))
	thr := (in - inner) / (ain - aInner)
	sm := boxcar(img, max(1, int(0.2*rp)))
	mask := make([]bool, img.Nx*img.Ny)
	for y := 0; y < img.Ny; y++ {
		for x := 0; x < img.Nx; x++ {
			mask[y*img.Nx+x] = sm.At(x, y) >= thr
		}
	}
	return mask
}
