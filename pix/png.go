package pix

import (
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"
)

// StretchFunc names the curve that maps clipped, normalised pixel values
// x in [0, 1] to display brightness in [0, 1].
type StretchFunc int

const (
	// StretchLinear maps x to x.
	StretchLinear StretchFunc = iota
	// StretchSqrt maps x to √x; a mild stretch suited to radio Jy/beam maps.
	StretchSqrt
	// StretchLog maps x to log(1 + x/s) / log(1 + 1/s) with softening s = Stretch.Soft.
	StretchLog
	// StretchAsinh maps x to asinh(x/s) / asinh(1/s) with softening s = Stretch.Soft:
	// linear for x ≪ s, logarithmic for x ≫ s (Lupton et al. 1999).
	StretchAsinh
)

// String returns the lower-case name of f.
func (f StretchFunc) String() string {
	switch f {
	case StretchLinear:
		return "linear"
	case StretchSqrt:
		return "sqrt"
	case StretchLog:
		return "log"
	case StretchAsinh:
		return "asinh"
	}
	return fmt.Sprintf("StretchFunc(%d)", int(f))
}

// ParseStretchFunc returns the StretchFunc named s ("linear", "sqrt",
// "log" or "asinh").
func ParseStretchFunc(s string) (StretchFunc, error) {
	for f := StretchLinear; f <= StretchAsinh; f++ {
		if f.String() == s {
			return f, nil
		}
	}
	return 0, fmt.Errorf("pix: unknown stretch %q (want linear, sqrt, log or asinh)", s)
}

// Stretch turns pixel values into display brightness in three steps:
//
//  1. limits: the data range [lo, hi] is set by Min and Max when Max > Min,
//     else by the Low and High percentiles of the finite pixel values
//     (defaults 0.5 and 99.5 when both are zero; High 0 alone means 100).
//     With percentiles and NoiseClip > 0, the lower limit becomes
//     NoiseClip × RMS instead (RMS estimated as 1.4826 × the median
//     absolute deviation when RMS is 0): everything below a few sigma of
//     the noise is black, the radio-astronomy convention for maps whose
//     background is zero.
//  2. normalise and clip: x = (v - lo) / (hi - lo), clipped to [0, 1].
//  3. curve: Func maps x to brightness; Soft (default 0.1 for StretchAsinh and
//     0.01 for StretchLog) is the softening in units of the clipped range
//     (smaller = harder stretch of the faint end).
type Stretch struct {
	Func      StretchFunc
	Low, High float64 // percentile clip limits in [0, 100]
	Min, Max  float64 // explicit data limits in image units; used when Max > Min
	Soft      float64 // softening of StretchLog and StretchAsinh, as a fraction of hi - lo
	NoiseClip float64 // when > 0: lower limit at NoiseClip × RMS
	RMS       float64 // noise rms in image units; 0 = estimate from the pixels
}

// AsinhStretch is the default for optical stamps: asinh with softening 0.05
// between the 0.5 and 99.8 percentiles.
var AsinhStretch = Stretch{Func: StretchAsinh, Low: 0.5, High: 99.8, Soft: 0.05}

// RadioStretch suits radio images in Jy/beam: black below 3σ of the noise
// rms, a square-root curve up to the 99.95th percentile.
var RadioStretch = Stretch{Func: StretchSqrt, High: 99.95, NoiseClip: 3}

// Limits returns the data range [lo, hi] that s maps to black and white for
// the given pixel values; hi > lo always (a flat image gets hi = lo + 1).
func (s Stretch) Limits(pix []float64) (lo, hi float64) {
	if s.Max > s.Min {
		lo, hi = s.Min, s.Max
	} else {
		pl, ph := s.Low, s.High
		if pl == 0 && ph == 0 {
			pl, ph = 0.5, 99.5
		}
		if ph == 0 {
			ph = 100
		}
		finite := make([]float64, 0, len(pix))
		for _, v := range pix {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				finite = append(finite, v)
			}
		}
		slices.Sort(finite)
		lo, hi = stretchPercentile(finite, pl), stretchPercentile(finite, ph)
		if s.NoiseClip > 0 {
			rms := s.RMS
			if rms == 0 {
				rms = stretchRobustSigma(finite)
			}
			lo = s.NoiseClip * rms
			if hi <= lo && len(finite) > 0 {
				hi = finite[len(finite)-1]
			}
		}
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	return lo, hi
}

// stretchPercentile returns the p-th percentile (0..100) of sorted values, with
// linear interpolation between order statistics; 0 for an empty slice.
func stretchPercentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	r := math.Min(math.Max(p, 0), 100) / 100 * float64(n-1)
	i := int(r)
	if i >= n-1 {
		return sorted[n-1]
	}
	f := r - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// stretchRobustSigma returns 1.4826 × the median absolute deviation of sorted
// values: the standard deviation for Gaussian noise, insensitive to sources.
func stretchRobustSigma(sorted []float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	med := stretchPercentile(sorted, 50)
	dev := make([]float64, len(sorted))
	for i, v := range sorted {
		dev[i] = math.Abs(v - med)
	}
	slices.Sort(dev)
	return 1.4826 * stretchPercentile(dev, 50)
}

// Curve applies the stretch function to a normalised value x, clipped to
// [0, 1], and returns brightness in [0, 1].
func (s Stretch) Curve(x float64) float64 {
	if !(x > 0) { // also NaN
		return 0
	}
	if x > 1 {
		x = 1
	}
	switch s.Func {
	case StretchSqrt:
		return math.Sqrt(x)
	case StretchLog:
		soft := s.soft(0.01)
		return math.Log1p(x/soft) / math.Log1p(1/soft)
	case StretchAsinh:
		soft := s.soft(0.1)
		return math.Asinh(x/soft) / math.Asinh(1/soft)
	}
	return x
}

func (s Stretch) soft(def float64) float64 {
	if s.Soft > 0 {
		return s.Soft
	}
	return def
}

// Gray renders m as an 8-bit grey image. PNG rows run top-down while
// pixel (0,0) of m is the lower-left, so row y of m becomes PNG row
// Ny-1-y: the picture looks as ds9 shows the FITS file.
func (s Stretch) Gray(m *Image) *image.Gray {
	lo, hi := s.Limits(m.stretchValues())
	g := image.NewGray(image.Rect(0, 0, m.Nx, m.Ny))
	for y := 0; y < m.Ny; y++ {
		row := g.Pix[(m.Ny-1-y)*g.Stride:]
		for x := 0; x < m.Nx; x++ {
			row[x] = stretchByte(s.Curve((m.At(x, y) - lo) / (hi - lo)))
		}
	}
	return g
}

// stretchValues returns the pixel values of m in a slice (a view when m is
// contiguous).
func (m *Image) stretchValues() []float64 {
	if m.Stride == m.Nx {
		return m.Pix[:m.Nx*m.Ny]
	}
	v := make([]float64, 0, m.Nx*m.Ny)
	for y := 0; y < m.Ny; y++ {
		v = append(v, m.Pix[y*m.Stride:y*m.Stride+m.Nx]...)
	}
	return v
}

func stretchByte(b float64) uint8 {
	return uint8(math.Round(255 * math.Min(math.Max(b, 0), 1)))
}

// RGB composes three images of one size (red, green, blue: for astronomy
// the reddest band in red) into a colour picture. Following Lupton et al.
// (2004), the stretch acts on the mean intensity I = (r+g+b)/3 and every
// channel is multiplied by Curve(I)/I, so colours keep their ratios; a
// pixel whose brightest channel would pass 1 is scaled down as a whole.
// Limits are computed from the intensity image. A StretchLinear stretch with
// Min 0, Max 255 shows 8-bit display data unchanged.
func (s Stretch) RGB(r, g, b *Image) (*image.RGBA, error) {
	if r.Nx != g.Nx || r.Nx != b.Nx || r.Ny != g.Ny || r.Ny != b.Ny {
		return nil, fmt.Errorf("pix: RGB bands differ in size: %dx%d, %dx%d, %dx%d",
			r.Nx, r.Ny, g.Nx, g.Ny, b.Nx, b.Ny)
	}
	nx, ny := r.Nx, r.Ny
	inten := make([]float64, nx*ny)
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			inten[y*nx+x] = (r.At(x, y) + g.At(x, y) + b.At(x, y)) / 3
		}
	}
	lo, hi := s.Limits(inten)
	out := image.NewRGBA(image.Rect(0, 0, nx, ny))
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			c := [3]float64{(r.At(x, y) - lo) / (hi - lo), (g.At(x, y) - lo) / (hi - lo), (b.At(x, y) - lo) / (hi - lo)}
			i := (c[0] + c[1] + c[2]) / 3
			f := 0.0
			if i > 0 {
				f = s.Curve(i) / i
			}
			mx := 0.0
			for k := range c {
				c[k] = math.Max(c[k]*f, 0)
				mx = math.Max(mx, c[k])
			}
			if mx > 1 {
				for k := range c {
					c[k] /= mx
				}
			}
			out.SetRGBA(x, ny-1-y, color.RGBA{stretchByte(c[0]), stretchByte(c[1]), stretchByte(c[2]), 255})
		}
	}
	return out, nil
}

// EncodePNG writes m as an 8-bit grey PNG with stretch s.
func EncodePNG(w io.Writer, m *Image, s Stretch) error {
	return png.Encode(w, s.Gray(m))
}

// WritePNG writes img to path as PNG atomically: it encodes into a
// temporary file in the same directory and renames it over path, so a
// reader never sees a half-written file.
func WritePNG(path string, img image.Image) error {
	return writeAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// writeAtomic creates path with the bytes that write produces
// (package atomicfile: temporary file and rename, mode 0644).
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("pix: %w", err)
	}
	return nil
}
