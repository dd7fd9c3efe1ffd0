package profile

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"sync"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
	"gonum.org/v1/gonum/dsp/fourier"
)

// InterpOptions controls NewInterpolatedImage.
type InterpOptions struct {
	// Scale is the pixel scale in arcsec; 0 means the image's own Scale.
	Scale float64
	// XInterp interpolates the pixels in real space; nil means Quintic.
	XInterp Interpolant
	// KInterp interpolates the padded image's discrete Fourier transform;
	// nil means Quintic.
	KInterp Interpolant
	// PadFactor is the size of the zero-padded DFT grid relative to the
	// image; 0 means 4.
	PadFactor float64
	// Flux is the total flux; 0 means the image's pixel sum.
	Flux float64
}

// interpImage is a pixel image turned into a continuous profile.
type interpImage struct {
	nx, ny   int
	s        float64 // arcsec per pixel
	a        []float64
	cx, cy   float64 // true centre, 0-based pixels
	flux     float64
	xi, ki   Interpolant
	pad      float64
	rStep    float64 // radius enclosing the flux, arcsec
	kOnce    sync.Once
	p        int         // padded DFT size
	d        []complex64 // P rows × (P/2+1) columns (float32: 6e-8 relative)
	ringMax  []float64   // max |F(k)| over |k| in [n dk, (n+1) dk)
	ic, jc   int         // grid origin pixel
	dxs, dys float64     // (cx-ic)·s, (cy-jc)·s
}

// NewInterpolatedImage turns img into a profile: the surface brightness
//
//	I(x, y) = Σ_ij a_ij · u((x - x_i)/s) · u((y - y_j)/s) / s²,
//
// u the real-space interpolant, s the pixel scale, a_ij the pixel values
// rescaled to opt.Flux, with the origin at the image's true centre. Its
// transform is F(k) = D(k) · U(kx s/2π) · U(ky s/2π), where D, the image's
// discrete Fourier transform, is computed once by FFT on a grid zero-padded
// PadFactor times and interpolated in k with the k interpolant (as GalSim
// does). An all-zero image, or one with NaN or Inf pixels, is an error.
func NewInterpolatedImage(img *pix.Image, opt InterpOptions) (Profile, error) {
	const name = "interpolated image"
	if img == nil || img.Nx <= 0 || img.Ny <= 0 {
		return nil, errors.New("profile: interpolated image: empty image")
	}
	s := opt.Scale
	if s == 0 {
		s = img.Scale
	}
	if err := checkPositive(name, "scale", s); err != nil {
		return nil, err
	}
	pad := opt.PadFactor
	if pad == 0 {
		pad = 4
	}
	if !(pad >= 1) || math.IsInf(pad, 0) {
		return nil, &RangeError{name, "pad_factor", pad, "[1, +Inf)"}
	}
	if err := checkFinite(name, "flux", opt.Flux); err != nil {
		return nil, err
	}
	m := &interpImage{nx: img.Nx, ny: img.Ny, s: s, a: make([]float64, img.Nx*img.Ny),
		xi: opt.XInterp, ki: opt.KInterp, pad: pad}
	if m.xi == nil {
		m.xi = Quintic{}
	}
	if m.ki == nil {
		m.ki = Quintic{}
	}
	for _, in := range []Interpolant{m.xi, m.ki} {
		if sp := in.Support(); sp < 1 || sp > 8 {
			return nil, fmt.Errorf("profile: interpolated image: interpolant %v has support %d, want 1 to 8 pixels", in, sp)
		}
	}
	var sum float64
	allZero := true
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			v := img.Pix[j*img.Stride+i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("profile: interpolated image: pixel (%d, %d) is %g", i, j, v)
			}
			if v != 0 {
				allZero = false
			}
			m.a[j*img.Nx+i] = v
			sum += v
		}
	}
	if allZero {
		return nil, errors.New("profile: interpolated image: the image is all zero")
	}
	m.flux = sum
	if opt.Flux != 0 {
		if sum == 0 {
			return nil, errors.New("profile: interpolated image: the pixel sum is 0, cannot rescale to a flux")
		}
		f := opt.Flux / sum
		for i := range m.a {
			m.a[i] *= f
		}
		m.flux = opt.Flux
	}
	if ps := fft.GalSimSize(int(math.Ceil(pad * float64(max(img.Nx, img.Ny))))); ps > maxPadSize {
		return nil, fmt.Errorf("profile: interpolated image: %dx%d pixels padded %g times need a %d² DFT grid, above %d; crop the image or lower pad_factor", img.Nx, img.Ny, pad, ps, maxPadSize)
	}
	m.cx, m.cy = img.Center()
	m.rStep = (float64(max(m.nx, m.ny))/2 + float64(m.xi.Support())) * s
	return m, nil
}

func (m *interpImage) Flux() float64 { return m.flux }

func (m *interpImage) XValue(x, y float64) float64 {
	u := x/m.s + m.cx
	v := y/m.s + m.cy
	n := m.xi.Support()
	i0, i1 := max(int(math.Ceil(u))-n, 0), min(int(math.Floor(u))+n, m.nx-1)
	j0, j1 := max(int(math.Ceil(v))-n, 0), min(int(math.Floor(v))+n, m.ny-1)
	var sum float64
	for j := j0; j <= j1; j++ {
		wy := m.xi.X(v - float64(j))
		if wy == 0 {
			continue
		}
		var r float64
		for i := i0; i <= i1; i++ {
			r += m.a[j*m.nx+i] * m.xi.X(u-float64(i))
		}
		sum += wy * r
	}
	return sum / (m.s * m.s)
}

// maxPadSize bounds the padded DFT grid (8192²/2 complex64 values: 256 MiB).
const maxPadSize = 8192

// build computes the padded DFT D on its Hermitian half grid.
func (m *interpImage) build() {
	p := fft.GalSimSize(int(math.Ceil(m.pad * float64(max(m.nx, m.ny)))))
	m.p = p
	nh := p/2 + 1
	m.ic, m.jc = int(math.Floor(m.cx)), int(math.Floor(m.cy))
	m.dxs = (m.cx - float64(m.ic)) * m.s
	m.dys = (m.cy - float64(m.jc)) * m.s
	d := make([]complex128, p*nh)
	rf := fourier.NewFFT(p)
	row := make([]float64, p)
	coef := make([]complex128, nh)
	for j := 0; j < m.ny; j++ {
		clear(row)
		for i := 0; i < m.nx; i++ {
			row[fft.Wrap(i-m.ic, p)] = m.a[j*m.nx+i]
		}
		rf.Coefficients(coef, row)
		r := fft.Wrap(j-m.jc, p)
		copy(d[r*nh:(r+1)*nh], coef)
	}
	fft.NewPlan(p).ForwardColumns(d, nh, nh)
	m.d = make([]complex64, len(d))
	for i, v := range d {
		m.d[i] = complex64(v)
	}
	// The largest |F| in each ring of the Nyquist box, for MaxK.
	m.ringMax = make([]float64, p/2+1)
	uq := make([]float64, nh)
	for q := range uq {
		uq[q] = math.Abs(m.xi.U(float64(q) / float64(p)))
	}
	for r := 0; r < p; r++ {
		rr := r
		if r > p/2 {
			rr = p - r
		}
		ur := math.Abs(m.xi.U(float64(rr) / float64(p)))
		for q := 0; q < nh; q++ {
			n := int(math.Sqrt(float64(q*q + rr*rr)))
			if n > p/2 {
				continue
			}
			if v := cmplx.Abs(d[r*nh+q]) * uq[q] * ur; v > m.ringMax[n] {
				m.ringMax[n] = v
			}
		}
	}
}

func (m *interpImage) KValue(kx, ky float64) complex128 {
	m.kOnce.Do(m.build)
	dk := 2 * math.Pi / (float64(m.p) * m.s)
	tx, ty := kx/dk, ky/dk
	n := m.ki.Support()
	qx, qy := int(math.Floor(tx)), int(math.Floor(ty))
	p := m.p
	nh := p/2 + 1
	// Rows (and their mirrors, for the Hermitian half) and weights in ky.
	var wy [16]float64
	var ry, rm [16]int
	for b := -n + 1; b <= n; b++ {
		k := b + n - 1
		wy[k] = m.ki.X(ty - float64(qy+b))
		r := fft.Wrap(qy+b, p)
		ry[k] = r * nh
		rm[k] = ((p - r) % p) * nh
	}
	var sum complex128
	for a := -n + 1; a <= n; a++ {
		wx := m.ki.X(tx - float64(qx+a))
		if wx == 0 {
			continue
		}
		q := fft.Wrap(qx+a, p)
		var c complex128
		if q < nh {
			for k := 0; k < 2*n; k++ {
				v := m.d[ry[k]+q]
				c += complex(float64(real(v))*wy[k], float64(imag(v))*wy[k])
			}
		} else {
			q = p - q
			for k := 0; k < 2*n; k++ {
				v := m.d[rm[k]+q]
				c += complex(float64(real(v))*wy[k], -float64(imag(v))*wy[k])
			}
		}
		sum += c * complex(wx, 0)
	}
	// Move the origin from the grid pixel (ic, jc) to the true centre.
	sum *= cmplx.Rect(1, kx*m.dxs+ky*m.dys)
	ux := m.xi.U(kx * m.s / (2 * math.Pi))
	uy := m.xi.U(ky * m.s / (2 * math.Pi))
	return sum * complex(ux*uy, 0)
}

func (m *interpImage) MaxK() float64  { return m.maxK(&DefaultAccuracy) }
func (m *interpImage) StepK() float64 { return m.stepK(&DefaultAccuracy) }

// maxK is where |F| last exceeds MaxKThreshold·|flux| inside the image's
// Nyquist box, capped at the Nyquist wavenumber π/scale: beyond it the
// transform holds only the interpolant's images of the band (GalSim's
// calculate_maxk does the same).
func (m *interpImage) maxK(acc *Accuracy) float64 {
	limit := math.Min(2*math.Pi*maxU(m.xi, acc.MaxKThreshold)/m.s, math.Pi/m.s)
	m.kOnce.Do(m.build)
	thr := acc.MaxKThreshold * math.Abs(m.flux)
	n := len(m.ringMax) - 1
	for n >= 0 && m.ringMax[n] <= thr {
		n--
	}
	dk := 2 * math.Pi / (float64(m.p) * m.s)
	return math.Min(float64(n+2)*dk, limit)
}

func (m *interpImage) stepK(*Accuracy) float64 { return math.Pi / m.rStep }

// RealGalaxy returns the first half of the real-galaxy recipe: the galaxy
// image deconvolved by its PSF image, galaxy ⊗ Deconvolve(psf), both
// interpolated with the default options at the given pixel scale (arcsec;
// 0 for the images' own). The PSF is renormalised to unit flux; the galaxy
// keeps its pixel sum unless flux is non-zero. Shear the result and
// convolve it with the target PSF (whose band limit makes the
// deconvolution well-behaved) before drawing.
func RealGalaxy(gal, psf *pix.Image, scale, flux float64) (Profile, error) {
	g, err := NewInterpolatedImage(gal, InterpOptions{Scale: scale, Flux: flux})
	if err != nil {
		return nil, fmt.Errorf("real galaxy image: %w", err)
	}
	p, err := NewInterpolatedImage(psf, InterpOptions{Scale: scale, Flux: 1})
	if err != nil {
		return nil, fmt.Errorf("real galaxy PSF: %w", err)
	}
	return Convolve(g, Deconvolve(p))
}
