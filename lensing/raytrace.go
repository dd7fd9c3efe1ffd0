package lensing

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/galforge/galforge/pix"
)

// Source is a surface brightness on the source plane: flux per arcsec² at
// (x, y) arcsec. A profile.Profile satisfies it.
type Source interface {
	XValue(x, y float64) float64
}

// TraceOptions sets how RayTrace samples each pixel.
type TraceOptions struct {
	// Oversample is the number of rays per pixel along each axis (so
	// Oversample² rays per pixel, on a regular sub-grid); 0 means 4.
	Oversample int
	// SourceX, SourceY move the source centre to (SourceX, SourceY) arcsec
	// on the source plane (the lens centre is the origin).
	SourceX, SourceY float64
}

// MaxOversample bounds TraceOptions.Oversample.
const MaxOversample = 64

// RayTrace draws the lensed image of src into dst: each pixel's value is the
// mean of the source surface brightness at β = θ − α(θ) − β₀ over
// Oversample² rays on a regular sub-grid of the pixel, times the pixel area,
// i.e. flux per pixel. θ = 0 is the image centre (pix centre convention);
// the lens' own centre offsets are in d. Surface brightness is conserved
// along rays, so magnification shows up as the change of image area. The
// rows are shared among GOMAXPROCS goroutines; the result does not depend
// on their number.
func RayTrace(dst *pix.Image, d Deflector, src Source, opt TraceOptions) error {
	if dst == nil || dst.Nx <= 0 || dst.Ny <= 0 {
		return fmt.Errorf("lensing: RayTrace: empty destination image")
	}
	if err := checkPositive("pixel scale", dst.Scale); err != nil {
		return err
	}
	if err := checkFinite("source x offset", opt.SourceX); err != nil {
		return err
	}
	if err := checkFinite("source y offset", opt.SourceY); err != nil {
		return err
	}
	os := opt.Oversample
	if os == 0 {
		os = 4
	}
	if os < 1 || os > MaxOversample {
		return &RangeError{"oversample", float64(os), fmt.Sprintf("[1, %d]", MaxOversample)}
	}
	cx, cy := dst.Center()
	s := dst.Scale
	area := s * s / float64(os*os)
	sub := make([]float64, os)
	for k := range sub {
		sub[k] = (float64(k)+0.5)/float64(os) - 0.5
	}
	parallelRows(dst.Ny, func(j int) {
		for i := 0; i < dst.Nx; i++ {
			var sum float64
			for _, sv := range sub {
				ty := (float64(j) - cy + sv) * s
				for _, su := range sub {
					tx := (float64(i) - cx + su) * s
					ax, ay := d.Deflect(tx, ty)
					sum += src.XValue(tx-ax-opt.SourceX, ty-ay-opt.SourceY)
				}
			}
			dst.Set(i, j, sum*area)
		}
	})
	for j := 0; j < dst.Ny; j++ {
		for i := 0; i < dst.Nx; i++ {
			if v := dst.At(i, j); !finite(v) {
				return fmt.Errorf("lensing: RayTrace: pixel (%d, %d) = %g: the source surface brightness or the deflection is not finite there", i, j, v)
			}
		}
	}
	return nil
}

// MagnificationMap writes μ = 1/det A at each pixel centre of dst (θ = 0 at
// the image centre); ±Inf on critical curves, negative for odd parity.
func MagnificationMap(dst *pix.Image, f Field) error {
	if dst == nil || dst.Nx <= 0 || dst.Ny <= 0 {
		return fmt.Errorf("lensing: MagnificationMap: empty destination image")
	}
	if err := checkPositive("pixel scale", dst.Scale); err != nil {
		return err
	}
	cx, cy := dst.Center()
	parallelRows(dst.Ny, func(j int) {
		for i := 0; i < dst.Nx; i++ {
			dst.Set(i, j, f.LensAt((float64(i)-cx)*dst.Scale, (float64(j)-cy)*dst.Scale).Magnification())
		}
	})
	return nil
}

// parallelRows calls row(j) for j in [0, ny) from GOMAXPROCS goroutines.
func parallelRows(ny int, row func(j int)) {
	w := min(runtime.GOMAXPROCS(0), ny)
	var wg sync.WaitGroup
	next := make(chan int, ny)
	for j := 0; j < ny; j++ {
		next <- j
	}
	close(next)
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				row(j)
			}
		}()
	}
	wg.Wait()
}

// ImageSource is a source given as an image: flux per pixel in Img, whose
// centre (pix convention) is the source origin. XValue interpolates the
// surface brightness bilinearly between pixel centres and is zero outside
// the image.
type ImageSource struct {
	Img *pix.Image
}

// NewImageSource checks img (finite values, positive scale) and wraps it.
func NewImageSource(img *pix.Image) (*ImageSource, error) {
	if img == nil || img.Nx < 1 || img.Ny < 1 {
		return nil, fmt.Errorf("lensing: source image is empty")
	}
	if err := checkPositive("source image pixel scale", img.Scale); err != nil {
		return nil, err
	}
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			if v := img.At(i, j); !finite(v) {
				return nil, fmt.Errorf("lensing: source image pixel (%d, %d) = %g is not finite", i, j, v)
			}
		}
	}
	return &ImageSource{img}, nil
}

// XValue returns the surface brightness (flux/arcsec²) at (x, y) arcsec.
func (s *ImageSource) XValue(x, y float64) float64 {
	m := s.Img
	cx, cy := m.Center()
	u, v := x/m.Scale+cx, y/m.Scale+cy
	if !(u > -1 && v > -1 && u < float64(m.Nx) && v < float64(m.Ny)) {
		return 0
	}
	i0, j0 := int(math.Floor(u)), int(math.Floor(v))
	fu, fv := u-float64(i0), v-float64(j0)
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= m.Nx || j >= m.Ny {
			return 0
		}
		return m.At(i, j)
	}
	f := (1-fu)*(1-fv)*at(i0, j0) + fu*(1-fv)*at(i0+1, j0) + (1-fu)*fv*at(i0, j0+1) + fu*fv*at(i0+1, j0+1)
	return f / (m.Scale * m.Scale)
}
