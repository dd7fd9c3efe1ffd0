package shapes

import (
	"fmt"
	"math"
	"slices"

	"github.com/galforge/galforge/pix"
)

// DetectOptions configures Detect. The zero value detects 8-connected
// groups of at least 5 pixels 3 sigma above the background.
type DetectOptions struct {
	Threshold float64 // detection threshold in units of the background noise (default 3)
	MinArea   int     // smallest segment kept, pixels (default 5)
}

// Detection is one segment found by Detect.
type Detection struct {
	ID                     int     // 1-based segment label
	X, Y                   float64 // flux centroid of the segment, 0-based pixels
	Flux                   float64 // background-subtracted flux in the segment (counts)
	Area                   int     // pixels
	XMin, XMax, YMin, YMax int     // inclusive bounding box
}

// Background returns a robust background level and noise of img: the
// median and 1.4826 × the median absolute deviation, iterated three times
// with 3-sigma clipping so that sources do not bias them.
func Background(img *pix.Image) (level, sigma float64) {
	v := make([]float64, 0, img.Nx*img.Ny)
	for y := 0; y < img.Ny; y++ {
		for _, p := range img.Pix[y*img.Stride : y*img.Stride+img.Nx] {
			if !math.IsNaN(p) {
				v = append(v, p)
			}
		}
	}
	if len(v) == 0 {
		return 0, 0
	}
	med := func(a []float64) float64 {
		b := slices.Clone(a)
		slices.Sort(b)
		return b[len(b)/2]
	}
	for it := 0; it < 3; it++ {
		level = med(v)
		d := make([]float64, len(v))
		for i, p := range v {
			d[i] = math.Abs(p - level)
		}
		sigma = 1.4826 * med(d)
		if sigma == 0 {
			break
		}
		kept := v[:0:0]
		for _, p := range v {
			if math.Abs(p-level) < 3*sigma {
				kept = append(kept, p)
			}
		}
		if len(kept) < 10 {
			break
		}
		v = kept
	}
	return level, sigma
}

// Detect finds sources in img by thresholding and 8-connected
// segmentation, without deblending. It returns the detections (sorted by
// label) and the segmentation map: seg[y*Nx+x] is the label of pixel
// (x, y), 0 for background.
func Detect(img *pix.Image, opt DetectOptions) ([]Detection, []int32, error) {
	if err := checkImage(img, "detection"); err != nil {
		return nil, nil, err
	}
	if opt.Threshold < 0 || math.IsNaN(opt.Threshold) || math.IsInf(opt.Threshold, 0) {
		return nil, nil, fmt.Errorf("shapes: detection threshold %g must be a finite number > 0 (background sigmas)", opt.Threshold)
	}
	if opt.MinArea < 0 {
		return nil, nil, fmt.Errorf("shapes: detection min-area %d must be >= 1 pixel", opt.MinArea)
	}
	if opt.Threshold == 0 {
		opt.Threshold = 3
	}
	if opt.MinArea == 0 {
		opt.MinArea = 5
	}
	bg, sig := Background(img)
	thr := bg + opt.Threshold*sig
	if sig == 0 {
		// noise-free image: anything above the background
		thr = bg + 1e-12*math.Max(1, math.Abs(bg))
	}
	nx, ny := img.Nx, img.Ny
	seg := make([]int32, nx*ny)
	var dets []Detection
	var stack []int
	label := int32(0)
	for start := 0; start < nx*ny; start++ {
		sx, sy := start%nx, start/nx
		if seg[start] != 0 || !(img.At(sx, sy) > thr) {
			continue
		}
		label++
		seg[start] = label
		stack = append(stack[:0], start)
		d := Detection{ID: int(label), XMin: sx, XMax: sx, YMin: sy, YMax: sy}
		var sfx, sfy float64
		members := []int{}
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			members = append(members, p)
			x, y := p%nx, p/nx
			f := img.At(x, y) - bg
			d.Flux += f
			sfx += f * float64(x)
			sfy += f * float64(y)
			d.XMin, d.XMax = min(d.XMin, x), max(d.XMax, x)
			d.YMin, d.YMax = min(d.YMin, y), max(d.YMax, y)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					qx, qy := x+dx, y+dy
					if qx < 0 || qy < 0 || qx >= nx || qy >= ny {
						continue
					}
					q := qy*nx + qx
					if seg[q] == 0 && img.At(qx, qy) > thr {
						seg[q] = label
						stack = append(stack, q)
					}
				}
			}
		}
		d.Area = len(members)
		if d.Area < opt.MinArea || d.Flux <= 0 {
			for _, p := range members {
				seg[p] = -1 // below the size cut: neither source nor sky
			}
			label--
			continue
		}
		d.X, d.Y = sfx/d.Flux, sfy/d.Flux
		dets = append(dets, d)
	}
	for i, s := range seg {
		if s < 0 {
			seg[i] = 0
		}
	}
	return dets, seg, nil
}

// Cutout returns the size×size stamp of img centred on pixel (round(x),
// round(y)), background-subtracted by bg, with the pixels of other
// segments (seg labels ≠ 0 and ≠ keep) and pixels outside img set to 0. It
// also returns the offset (x0, y0) of the stamp's pixel (0, 0) in img.
func Cutout(img *pix.Image, seg []int32, keep int32, x, y float64, size int, bg float64) (*pix.Image, int, int) {
	st := pix.New(size, size, img.Scale)
	x0 := int(math.Round(x)) - (size-1)/2
	y0 := int(math.Round(y)) - (size-1)/2
	for j := 0; j < size; j++ {
		for i := 0; i < size; i++ {
			X, Y := x0+i, y0+j
			if X < 0 || Y < 0 || X >= img.Nx || Y >= img.Ny {
				continue
			}
			if seg != nil {
				if s := seg[Y*img.Nx+X]; s != 0 && s != keep {
					continue
				}
			}
			st.Set(i, j, img.At(X, Y)-bg)
		}
	}
	return st, x0, y0
}
