package profile

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"sync"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// Method selects how Draw treats the pixel response.
type Method int

const (
	// Auto integrates the profile over each pixel (the profile convolved
	// with the square pixel, sampled at pixel centres).
	Auto Method = iota
	// NoPixel samples the surface brightness at pixel centres times the
	// pixel area; use it when the profile already includes the pixel.
	NoPixel
)

func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case NoPixel:
		return "no_pixel"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses "auto" or "no_pixel".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "no_pixel":
		return NoPixel, nil
	}
	return 0, fmt.Errorf("profile: unknown draw method %q (want auto or no_pixel)", s)
}

// DrawOptions controls Draw. The zero value draws with Auto, no offset and
// DefaultAccuracy, overwriting the image.
type DrawOptions struct {
	Method Method
	// Offset moves the profile origin from the image's true centre by
	// (Offset[0], Offset[1]) pixels.
	Offset [2]float64
	// Accuracy; nil means DefaultAccuracy.
	Accuracy *Accuracy
	// Add adds the drawn flux to the image instead of replacing it.
	Add bool
}

// ErrFFTTooLarge is wrapped by Draw's error when the FFT needed exceeds
// Accuracy.MaximumFFTSize.
var ErrFFTTooLarge = errors.New("FFT too large")

// Draw renders p into img (whose Scale, arcsec/pixel, must be set) with the
// profile origin at the image's true centre plus opt.Offset pixels. Pixel
// values are flux per pixel. See the package documentation for the
// routes it takes and their accuracy.
func Draw(p Profile, img *pix.Image, opt DrawOptions) error {
	if p == nil {
		return errors.New("profile: draw: nil profile")
	}
	if img == nil || img.Nx <= 0 || img.Ny <= 0 {
		return errors.New("profile: draw: empty image")
	}
	if err := checkPositive("draw", "pixel scale", img.Scale); err != nil {
		return err
	}
	for i, o := range opt.Offset {
		if err := checkFinite("draw", fmt.Sprintf("offset[%d]", i), o); err != nil {
			return err
		}
	}
	if opt.Method != Auto && opt.Method != NoPixel {
		return fmt.Errorf("profile: draw: unknown method %v", opt.Method)
	}
	if err := opt.Accuracy.check(); err != nil {
		return err
	}
	acc := opt.Accuracy.withDefaults()
	cx, cy := img.Center()
	cx += opt.Offset[0]
	cy += opt.Offset[1]
	if isAnalyticX(p) {
		drawReal(p, img, cx, cy, opt.Method, acc, opt.Add)
		return nil
	}
	return drawFFT(p, img, cx, cy, opt.Method == Auto, acc, opt.Add)
}

// store writes or adds v to pixel (i, j).
func store(img *pix.Image, i, j int, v float64, add bool) {
	if add {
		img.Pix[j*img.Stride+i] += v
	} else {
		img.Pix[j*img.Stride+i] = v
	}
}

// 5- and 8-point Gauss–Legendre rules on [-1, 1] for pixel cubature.
var (
	gl5X, gl5W = gaussLegendre(5)
	gl8X, gl8W = gaussLegendre(8)
)

// cubRule integrates f over the square [x0-h, x0+h] × [y0-h, y0+h] with
// the tensor rule (xs, ws).
func cubRule(f func(x, y float64) float64, x0, y0, h float64, xs, ws []float64) float64 {
	var s float64
	for j, v := range xs {
		y := y0 + h*v
		var r float64
		for i, u := range xs {
			r += ws[i] * f(x0+h*u, y)
		}
		s += ws[j] * r
	}
	return s * h * h
}

// cubAdapt integrates f over the square of half-side h at (x0, y0) to
// absolute tolerance tol, comparing the 5x5 and 8x8 rules (a, b already
// computed) and splitting in four until they agree.
func cubAdapt(f func(x, y float64) float64, x0, y0, h, a, b, tol float64, depth int) float64 {
	if math.Abs(a-b) <= tol || depth >= 18 {
		return b
	}
	q := h / 2
	var s float64
	for _, d := range [4][2]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}} {
		x, y := x0+d[0]*q, y0+d[1]*q
		a1 := cubRule(f, x, y, q, gl5X, gl5W)
		b1 := cubRule(f, x, y, q, gl8X, gl8W)
		s += cubAdapt(f, x, y, q, a1, b1, tol/2, depth+1)
	}
	return s
}

// cellDist is the distance from the origin to the square of half-side h
// centred at (x0, y0).
func cellDist(x0, y0, h float64) float64 {
	return math.Hypot(math.Max(math.Abs(x0)-h, 0), math.Max(math.Abs(y0)-h, 0))
}

// cubFocus integrates f over the square of half-side h at (x0, y0) like
// cubAdapt, but first splits every cell nearer the origin than its
// half-side until that half-side is below rmin, the profile's finest scale
// (pixel units), so that a profile far smaller than a pixel is not missed.
func cubFocus(f func(x, y float64) float64, x0, y0, h, rmin, tol float64, depth int) float64 {
	if h <= rmin || cellDist(x0, y0, h) >= h || depth >= 60 {
		a := cubRule(f, x0, y0, h, gl5X, gl5W)
		b := cubRule(f, x0, y0, h, gl8X, gl8W)
		return cubAdapt(f, x0, y0, h, a, b, tol, 0)
	}
	q := h / 2
	var s float64
	for _, d := range [4][2]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}} {
		s += cubFocus(f, x0+d[0]*q, y0+d[1]*q, q, rmin, tol, depth+1)
	}
	return s
}

// drawReal draws an analytic profile pixel by pixel, centred at pixel
// coordinates (cx, cy).
func drawReal(p Profile, img *pix.Image, cx, cy float64, m Method, acc *Accuracy, add bool) {
	s := img.Scale
	if m == NoPixel {
		area := s * s
		for j := 0; j < img.Ny; j++ {
			y := (float64(j) - cy) * s
			for i := 0; i < img.Nx; i++ {
				store(img, i, j, p.XValue((float64(i)-cx)*s, y)*area, add)
			}
		}
		return
	}
	// Work in pixel units: f(u, v) is the flux per unit pixel area.
	f := func(u, v float64) float64 { return p.XValue(u*s, v*s) * s * s }
	n := img.Nx * img.Ny
	a := make([]float64, n)
	b := make([]float64, n)
	var peak float64
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			u, v := float64(i)-cx, float64(j)-cy
			k := j*img.Nx + i
			a[k] = cubRule(f, u, v, 0.5, gl5X, gl5W)
			b[k] = cubRule(f, u, v, 0.5, gl8X, gl8W)
			peak = math.Max(peak, math.Abs(b[k]))
		}
	}
	// The 8x8 rule cannot see a profile much smaller than a pixel: grade
	// the pixels next to the profile centre down to its finest scale, with
	// a tolerance relative to the flux first, then to the improved peak.
	rmin := 1 / (maxKOf(p, acc) * s)
	var near []int
	if rmin < 0.5 {
		for j := 0; j < img.Ny; j++ {
			for i := 0; i < img.Nx; i++ {
				if cellDist(float64(i)-cx, float64(j)-cy, 0.5) < 0.5 {
					near = append(near, j*img.Nx+i)
				}
			}
		}
	}
	focus := func(tol float64) {
		for _, k := range near {
			i, j := k%img.Nx, k/img.Nx
			b[k] = cubFocus(f, float64(i)-cx, float64(j)-cy, 0.5, rmin, tol, 0)
			a[k] = b[k]
			peak = math.Max(peak, math.Abs(b[k]))
		}
	}
	if tol0 := acc.RealSpaceRelErr * math.Abs(p.Flux()); len(near) > 0 {
		focus(tol0)
		if acc.RealSpaceRelErr*peak < tol0 {
			focus(acc.RealSpaceRelErr * peak)
		}
	}
	tol := acc.RealSpaceRelErr * peak
	// A truncated profile: pixels cut by its edge are integrated between
	// the edge's boundaries (in pixel units), the others as usual.
	var edge *ellipse
	var reach float64
	if bd, ok := p.(bounded); ok {
		if e, ok := bd.support(); ok {
			for i := range e.inv {
				e.inv[i] *= s
			}
			e.cx /= s
			e.cy /= s
			edge = &e
			reach = math.Sqrt2 / 2 * maxSV(e.inv)
		}
	}
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			k := j*img.Nx + i
			v := b[k]
			if edge != nil {
				u, w := float64(i)-cx-edge.cx, float64(j)-cy-edge.cy
				m := edge.inv
				rho := math.Hypot(m[0]*u+m[1]*w, m[2]*u+m[3]*w)
				if rho-reach >= edge.t {
					store(img, i, j, 0, add)
					continue
				}
				if rho+reach > edge.t {
					store(img, i, j, clippedPixel(f, edge, float64(i)-cx, float64(j)-cy, 0.5, tol), add)
					continue
				}
			}
			if math.Abs(a[k]-b[k]) > tol {
				v = cubAdapt(f, float64(i)-cx, float64(j)-cy, 0.5, a[k], b[k], tol, 0)
			}
			store(img, i, j, v, add)
		}
	}
}

// drawFFTSize is the FFT size Draw uses for at least n points: a power of
// two (fast radix-2 path) unless 2^a·3^b·5^c is more than 25% smaller.
func drawFFTSize(n int) int {
	g := fft.GoodSize(max(n, 2))
	p := 1
	for p < n {
		p <<= 1
	}
	if float64(p) <= 1.25*float64(g) {
		return p
	}
	return g
}

// fftPlan holds the 1-D transform and scratch space for one size.
type fftPlan struct {
	n    int
	f    *fft.Plan
	row  []complex128
	half []complex128 // N rows x (N/2+1) columns, row-major
}

var fftPools sync.Map // int -> *sync.Pool

func getPlan(n int) *fftPlan {
	v, _ := fftPools.LoadOrStore(n, &sync.Pool{New: func() any {
		pl := &fftPlan{n: n, row: make([]complex128, n),
			half: make([]complex128, n*(n/2+1)), f: fft.NewPlan(n)}
		return pl
	}})
	pl := v.(*sync.Pool).Get().(*fftPlan)
	clear(pl.half)
	return pl
}

func putPlan(pl *fftPlan) {
	v, _ := fftPools.Load(pl.n)
	v.(*sync.Pool).Put(pl)
}

// drawFFT samples the transform (times the pixel's when withPixel) on the
// k grid, wraps it into the Nyquist box and inverse-transforms.
func drawFFT(p Profile, img *pix.Image, cx, cy float64, withPixel bool, acc *Accuracy, add bool) error {
	s := img.Scale
	maxK := maxKOf(p, acc)
	stepK := stepKOf(p, acc)
	if withPixel {
		maxK = math.Min(maxK, 2/(acc.MaxKThreshold*s))
		if !math.IsInf(stepK, 1) {
			stepK = 1 / math.Sqrt(1/(stepK*stepK)+s*s/(math.Pi*math.Pi))
		}
	}
	if !(maxK > 0) || math.IsInf(maxK, 0) || math.IsNaN(stepK) {
		return fmt.Errorf("profile: draw: profile has MaxK = %g, StepK = %g: cannot draw it by FFT (a bare Delta? convolve it with a PSF)", maxK, stepK)
	}
	need := float64(max(img.Nx, img.Ny))
	if !math.IsInf(stepK, 1) {
		need = math.Max(need, math.Ceil(2*math.Pi/(stepK*s)))
	}
	if need > float64(acc.MaximumFFTSize) {
		return fmt.Errorf("profile: draw: %w: the profile needs a %.0f² FFT (StepK = %.4g rad/arcsec at %g arcsec/pixel) but Accuracy.MaximumFFTSize is %d; raise MaximumFFTSize or FoldingThreshold, or draw a smaller image", ErrFFTTooLarge, need, stepK, s, acc.MaximumFFTSize)
	}
	n := drawFFTSize(int(need))
	dk := 2 * math.Pi / (float64(n) * s)
	nk := int(math.Ceil(maxK / dk))
	if nk > 16*n {
		return fmt.Errorf("profile: draw: %w: MaxK = %.4g rad/arcsec is %.0f times the Nyquist wavenumber of %g arcsec pixels; draw at a finer scale or convolve with a PSF", ErrFFTTooLarge, maxK, maxK*s/math.Pi, s)
	}
	pl := getPlan(n)
	defer putPlan(pl)
	nh := n/2 + 1
	// Phase factors move the origin to (cx, cy); sincs are the pixel.
	w := 2*nk + 1
	px := make([]complex128, w)
	py := make([]complex128, w)
	sx := make([]float64, w)
	for q := -nk; q <= nk; q++ {
		k := float64(q) * dk
		px[q+nk] = complex(math.Cos(k*cx*s), -math.Sin(k*cx*s))
		py[q+nk] = complex(math.Cos(k*cy*s), -math.Sin(k*cy*s))
		sx[q+nk] = 1
		if withPixel {
			sx[q+nk] = sinc(k * s / 2)
		}
	}
	// The kx indices whose bins fall in the stored half plane.
	var qs []int
	for q := -nk; q <= nk; q++ {
		if fft.Wrap(q, n) < nh {
			qs = append(qs, q)
		}
	}
	kmax2 := maxK * maxK
	for r := -nk; r <= nk; r++ {
		ky := float64(r) * dk
		row := pl.half[fft.Wrap(r, n)*nh:]
		pyr := py[r+nk] * complex(sx[r+nk], 0)
		for _, q := range qs {
			kx := float64(q) * dk
			if kx*kx+ky*ky > kmax2 {
				continue
			}
			f := p.KValue(kx, ky) * px[q+nk] * pyr
			row[fft.Wrap(q, n)] += f * complex(sx[q+nk], 0)
		}
	}
	// Inverse transform: columns (complex, along ky), then rows, two real
	// rows at a time: z = x_j + i x_{j+1} has the spectrum
	// Z[q] = X_j[q] + i X_{j+1}[q], each X Hermitian.
	pl.f.InverseColumns(pl.half, nh, nh)
	norm := 1 / float64(n*n)
	for j := 0; j < img.Ny; j += 2 {
		a := pl.half[j*nh : (j+1)*nh]
		var b []complex128
		if j+1 < n {
			b = pl.half[(j+1)*nh : (j+2)*nh]
		}
		z := pl.row
		for q := 0; q < n; q++ {
			var xa, xb complex128
			if q < nh {
				xa = a[q]
				if b != nil {
					xb = b[q]
				}
			} else {
				xa = cmplx.Conj(a[n-q])
				if b != nil {
					xb = cmplx.Conj(b[n-q])
				}
			}
			z[q] = xa + complex(-imag(xb), real(xb))
		}
		pl.f.Inverse(z)
		for i := 0; i < img.Nx; i++ {
			store(img, i, j, real(z[i])*norm, add)
			if j+1 < img.Ny {
				store(img, i, j+1, imag(z[i])*norm, add)
			}
		}
	}
	return nil
}
