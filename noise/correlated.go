package noise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// MaxGrid bounds the side of the FFT grids that correlated-noise operations
// use (a larger need is an error, not an out-of-memory crash).
const MaxGrid = 8192

// Correlated is stationary Gaussian noise described by its correlation
// function ξ(Δ) = ⟨n(x) n(x+Δ)⟩, Δ in arcsec. ξ is stored as samples on a
// centred grid of Scale arcsec (ξ(0) = the variance at the centre) and read
// between samples by bilinear interpolation, which keeps its power spectrum
// non-negative. Affine transforms are kept exact (ξ'(Δ) = ξ(J⁻¹Δ)) and
// applied when ξ is sampled; Convolve resamples.
type Correlated struct {
	xi     []float64 // (2hx+1)×(2hy+1) samples, row-major, centre at (hx, hy)
	hx, hy int
	scale  float64    // arcsec per sample
	jinv   [4]float64 // lag (dx, dy) ↦ (a dx + b dy, c dx + d dy) before lookup
}

// NewCorrelated returns the noise whose correlation function is the image
// cf: odd sizes, centre pixel ((Nx−1)/2, (Ny−1)/2) at zero lag holding the
// variance, cf.Scale arcsec per lag pixel. ξ is symmetrised,
// ξ(Δ) ← (ξ(Δ) + ξ(−Δ))/2. For the COSMOS function
// (acs_I_unrot_sci_20_cf.fits, GS_SCALE = 1 i.e. lags in ACS pixels) set
// Scale to 0.03 arcsec.
func NewCorrelated(cf *pix.Image) (*Correlated, error) {
	if cf == nil || cf.Nx < 1 || cf.Ny < 1 {
		return nil, fmt.Errorf("noise: correlation function image is empty")
	}
	if cf.Nx%2 == 0 || cf.Ny%2 == 0 {
		return nil, fmt.Errorf("noise: correlation function image is %dx%d: sizes must be odd (zero lag on the centre pixel)", cf.Nx, cf.Ny)
	}
	if math.IsNaN(cf.Scale) || math.IsInf(cf.Scale, 0) || cf.Scale <= 0 {
		return nil, &RangeError{"correlation function pixel scale", cf.Scale, "(0, inf) arcsec"}
	}
	hx, hy := cf.Nx/2, cf.Ny/2
	c := &Correlated{xi: make([]float64, cf.Nx*cf.Ny), hx: hx, hy: hy, scale: cf.Scale, jinv: [4]float64{1, 0, 0, 1}}
	v0 := cf.At(hx, hy)
	if !(v0 > 0) || math.IsInf(v0, 0) {
		return nil, fmt.Errorf("noise: correlation function at zero lag (pixel (%d, %d)) = %g: must be a positive variance", hx, hy, v0)
	}
	for j := 0; j < cf.Ny; j++ {
		for i := 0; i < cf.Nx; i++ {
			v, w := cf.At(i, j), cf.At(cf.Nx-1-i, cf.Ny-1-j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("noise: correlation function pixel (%d, %d) = %g is not finite", i, j, v)
			}
			if math.Abs(v) > v0*(1+1e-12) {
				return nil, fmt.Errorf("noise: correlation function pixel (%d, %d) = %g exceeds the zero-lag variance %g: not a correlation function", i, j, v, v0)
			}
			c.xi[j*cf.Nx+i] = (v + w) / 2
		}
	}
	return c, nil
}

// White returns uncorrelated noise of the given variance on a grid of scale
// arcsec (ξ = variance at zero lag, 0 at every other sample).
func White(variance, scale float64) (*Correlated, error) {
	if err := checkNonNeg("variance", variance); err != nil {
		return nil, err
	}
	m := pix.New(1, 1, scale)
	m.Pix[0] = variance
	return NewCorrelated(m)
}

// Variance returns ξ(0).
func (c *Correlated) Variance() float64 { return c.xi[c.hy*(2*c.hx+1)+c.hx] }

// Scale returns the lag sampling of the stored ξ in arcsec.
func (c *Correlated) Scale() float64 { return c.scale }

// WithVariance returns a copy rescaled so that ξ(0) = v.
func (c *Correlated) WithVariance(v float64) (*Correlated, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return nil, &RangeError{"variance", v, "(0, inf)"}
	}
	f := v / c.Variance()
	d := *c
	d.xi = make([]float64, len(c.xi))
	for i, x := range c.xi {
		d.xi[i] = x * f
	}
	return &d, nil
}

// At returns ξ at lag (dx, dy) arcsec.
func (c *Correlated) At(dx, dy float64) float64 {
	j := c.jinv
	u := (j[0]*dx + j[1]*dy) / c.scale
	v := (j[2]*dx + j[3]*dy) / c.scale
	return c.sample(u, v)
}

// sample interpolates the stored grid bilinearly at lag (u, v) in samples.
func (c *Correlated) sample(u, v float64) float64 {
	u += float64(c.hx)
	v += float64(c.hy)
	nx, ny := 2*c.hx+1, 2*c.hy+1
	if !(u > -1 && v > -1 && u < float64(nx) && v < float64(ny)) {
		return 0
	}
	i0, j0 := int(math.Floor(u)), int(math.Floor(v))
	fu, fv := u-float64(i0), v-float64(j0)
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= nx || j >= ny {
			return 0
		}
		return c.xi[j*nx+i]
	}
	return (1-fu)*(1-fv)*at(i0, j0) + fu*(1-fv)*at(i0+1, j0) + (1-fu)*fv*at(i0, j0+1) + fu*fv*at(i0+1, j0+1)
}

// extent returns the half-widths in arcsec, along x and y, of the box
// outside which ξ is zero.
func (c *Correlated) extent() (ex, ey float64) {
	j := c.jinv
	det := j[0]*j[3] - j[1]*j[2]
	// Forward map J = jinv⁻¹ applied to the corners of the stored box.
	a, b, cc, d := j[3]/det, -j[1]/det, -j[2]/det, j[0]/det
	for _, s := range [][2]float64{{1, 1}, {1, -1}} {
		u, v := s[0]*float64(c.hx+1)*c.scale, s[1]*float64(c.hy+1)*c.scale
		ex = math.Max(ex, math.Abs(a*u+b*v))
		ey = math.Max(ey, math.Abs(cc*u+d*v))
	}
	return ex, ey
}

// Transform returns the correlation function of the noise after the image
// is mapped by the Jacobian J = [[dudx, dudy], [dvdx, dvdy]] (a feature at
// θ moves to Jθ; lags in arcsec): ξ'(Δ) = ξ(J⁻¹Δ). Pixel values, hence the
// variance, are unchanged. det J must be non-zero.
func (c *Correlated) Transform(dudx, dudy, dvdx, dvdy float64) (*Correlated, error) {
	det := dudx*dvdy - dudy*dvdx
	if math.IsNaN(det) || math.IsInf(det, 0) || det == 0 {
		return nil, &RangeError{"Jacobian determinant", det, "finite and non-zero"}
	}
	// J⁻¹ = [[dvdy, −dudy], [−dvdx, dudx]]/det; jinv' = jinv·J⁻¹.
	inv := [4]float64{dvdy / det, -dudy / det, -dvdx / det, dudx / det}
	j := c.jinv
	d := *c
	d.jinv = [4]float64{
		j[0]*inv[0] + j[1]*inv[2], j[0]*inv[1] + j[1]*inv[3],
		j[2]*inv[0] + j[3]*inv[2], j[2]*inv[1] + j[3]*inv[3],
	}
	return &d, nil
}

// Shear returns the correlation function after an area-preserving reduced
// shear (g1, g2), J = [[1+g1, g2], [g2, 1−g1]]/√(1−|g|²); |g| < 1.
func (c *Correlated) Shear(g1, g2 float64) (*Correlated, error) {
	g := math.Hypot(g1, g2)
	if math.IsNaN(g) || g >= 1 {
		return nil, &RangeError{"|g|", g, "[0, 1)"}
	}
	f := 1 / math.Sqrt(1-g*g)
	return c.Transform(f*(1+g1), f*g2, f*g2, f*(1-g1))
}

// Sampled returns ξ sampled at integer multiples of scale arcsec as a
// centred (2hx+1)×(2hy+1) image covering all lags where ξ is non-zero.
func (c *Correlated) Sampled(scale float64) (*pix.Image, error) {
	if math.IsNaN(scale) || math.IsInf(scale, 0) || scale <= 0 {
		return nil, &RangeError{"pixel scale", scale, "(0, inf) arcsec"}
	}
	ex, ey := c.extent()
	hx, hy := int(math.Ceil(ex/scale)), int(math.Ceil(ey/scale))
	if 2*hx+1 > MaxGrid || 2*hy+1 > MaxGrid {
		return nil, fmt.Errorf("noise: correlation function at scale %g arcsec needs %dx%d samples, more than %d", scale, 2*hx+1, 2*hy+1, MaxGrid)
	}
	m := pix.New(2*hx+1, 2*hy+1, scale)
	for j := -hy; j <= hy; j++ {
		for i := -hx; i <= hx; i++ {
			m.Set(i+hx, j+hy, c.At(float64(i)*scale, float64(j)*scale))
		}
	}
	return m, nil
}

// Convolve returns the correlation function of the noise after discrete
// convolution with kernel, whose pixel values are weights (sum 1 keeps the
// mean) on a grid of kernel.Scale arcsec: ξ is sampled at that scale and
// ξ' = ξ ⊛ A, with A(l) = Σ_x K(x) K(x+l) the kernel's autocorrelation. The
// result is stored at kernel.Scale.
func (c *Correlated) Convolve(kernel *pix.Image) (*Correlated, error) {
	if kernel == nil || kernel.Nx < 1 || kernel.Ny < 1 {
		return nil, fmt.Errorf("noise: Convolve: empty kernel")
	}
	for j := 0; j < kernel.Ny; j++ {
		for i := 0; i < kernel.Nx; i++ {
			if v := kernel.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("noise: Convolve: kernel pixel (%d, %d) = %g is not finite", i, j, v)
			}
		}
	}
	xi, err := c.Sampled(kernel.Scale)
	if err != nil {
		return nil, fmt.Errorf("noise: Convolve: %w", err)
	}
	// Output half-sizes: ξ's plus the kernel autocorrelation's.
	hx, hy := xi.Nx/2+kernel.Nx-1, xi.Ny/2+kernel.Ny-1
	n := fft.GoodSize(max(2*hx+1, 2*hy+1))
	if n > MaxGrid {
		return nil, fmt.Errorf("noise: Convolve: FFT grid %d exceeds %d", n, MaxGrid)
	}
	// DFT of ξ (centred at the origin) times |DFT(K)|², back.
	a := make([]complex128, n*n)
	for j := 0; j < xi.Ny; j++ {
		for i := 0; i < xi.Nx; i++ {
			a[fft.Wrap(j-xi.Ny/2, n)*n+fft.Wrap(i-xi.Nx/2, n)] = complex(xi.At(i, j), 0)
		}
	}
	k := make([]complex128, n*n)
	for j := 0; j < kernel.Ny; j++ {
		for i := 0; i < kernel.Nx; i++ {
			k[j*n+i] = complex(kernel.At(i, j), 0)
		}
	}
	fft.Forward2(a, n, n)
	fft.Forward2(k, n, n)
	for m := range a {
		kr, ki := real(k[m]), imag(k[m])
		a[m] *= complex(kr*kr+ki*ki, 0)
	}
	fft.Inverse2(a, n, n)
	out := pix.New(2*hx+1, 2*hy+1, kernel.Scale)
	for j := -hy; j <= hy; j++ {
		for i := -hx; i <= hx; i++ {
			out.Set(i+hx, j+hy, real(a[fft.Wrap(j, n)*n+fft.Wrap(i, n)]))
		}
	}
	return NewCorrelated(out)
}

// Filter returns the correlation function of the noise after a linear
// filter whose squared modulus is gain2(kx, ky), k in rad/arcsec: on a
// periodic grid of scale arcsec, twice the extent of ξ and at least size
// samples wide, P'(k) = gain2(k)·P(k). Use it for filters with no compact
// real-space kernel, e.g. |T̃(k)/H̃(k)|² for a galaxy deconvolved by its
// original PSF H and reconvolved with a target PSF T. Correlations beyond
// half the grid wrap around; choose size to cover them.
func (c *Correlated) Filter(scale float64, size int, gain2 func(kx, ky float64) float64) (*Correlated, error) {
	xi, err := c.Sampled(scale)
	if err != nil {
		return nil, fmt.Errorf("noise: Filter: %w", err)
	}
	n := fft.GoodSize(max(2*max(xi.Nx, xi.Ny), size))
	if n > MaxGrid {
		return nil, fmt.Errorf("noise: Filter: FFT grid %d exceeds %d", n, MaxGrid)
	}
	p, err := c.PowerOnGrid(n, scale)
	if err != nil {
		return nil, fmt.Errorf("noise: Filter: %w", err)
	}
	a := make([]complex128, n*n)
	dk := 2 * math.Pi / (float64(n) * scale)
	for j := 0; j < n; j++ {
		ky := dk * float64(fft.Freq(j, n))
		for i := 0; i < n; i++ {
			kx := dk * float64(fft.Freq(i, n))
			g := gain2(kx, ky)
			if math.IsNaN(g) || math.IsInf(g, 0) || g < 0 {
				return nil, fmt.Errorf("noise: Filter: gain2(%g, %g) = %g: must be finite and >= 0", kx, ky, g)
			}
			a[j*n+i] = complex(g*p[j*n+i], 0)
		}
	}
	fft.Inverse2(a, n, n)
	h := (n - 1) / 2
	out := pix.New(2*h+1, 2*h+1, scale)
	for j := -h; j <= h; j++ {
		for i := -h; i <= h; i++ {
			out.Set(i+h, j+h, real(a[fft.Wrap(j, n)*n+fft.Wrap(i, n)]))
		}
	}
	return NewCorrelated(out)
}

// PowerOnGrid returns the discrete power spectrum of the noise on an n×n
// periodic grid of scale arcsec: P = DFT of ξ sampled at the grid lags and
// wrapped (aliased) onto the grid, row-major with the zero frequency at
// index 0. Σ P / n² = ξ(0) when ξ fits in the grid.
func (c *Correlated) PowerOnGrid(n int, scale float64) ([]float64, error) {
	if n < 1 || n > MaxGrid {
		return nil, &RangeError{"grid size", float64(n), fmt.Sprintf("[1, %d]", MaxGrid)}
	}
	xi, err := c.Sampled(scale)
	if err != nil {
		return nil, err
	}
	a := make([]complex128, n*n)
	for j := 0; j < xi.Ny; j++ {
		for i := 0; i < xi.Nx; i++ {
			a[fft.Wrap(j-xi.Ny/2, n)*n+fft.Wrap(i-xi.Nx/2, n)] += complex(xi.At(i, j), 0)
		}
	}
	fft.Forward2(a, n, n)
	p := make([]float64, n*n)
	for m, v := range a {
		p[m] = real(v) // ξ is symmetric, so the DFT is real
	}
	return p, nil
}

// workGrid returns the side of the periodic grid used to add noise to img:
// large enough that every lag inside the image is a true (unwrapped) lag of ξ.
func (c *Correlated) workGrid(img *pix.Image) (int, error) {
	if math.IsNaN(img.Scale) || math.IsInf(img.Scale, 0) || img.Scale <= 0 {
		return 0, &RangeError{"image pixel scale", img.Scale, "(0, inf) arcsec"}
	}
	ex, ey := c.extent()
	h := int(math.Ceil(math.Max(ex, ey) / img.Scale))
	n := fft.GoodSize(max(img.Nx, img.Ny) + h + 1)
	if n > MaxGrid {
		return 0, fmt.Errorf("noise: %dx%d image with a correlation length of %d pixels needs an FFT grid of %d, more than %d", img.Nx, img.Ny, h, n, MaxGrid)
	}
	return n, nil
}

// addField draws a Gaussian field with discrete power spectrum p on the
// n×n grid (negative values are treated as 0) and adds its lower-left
// Nx×Ny corner to img. It consumes n² normal deviates, row-major.
func addField(img *pix.Image, p []float64, n int, rng *rand.Rand) {
	a := make([]complex128, n*n)
	for i := range a {
		a[i] = complex(rng.NormFloat64(), 0)
	}
	fft.Forward2(a, n, n)
	for m := range a {
		a[m] *= complex(math.Sqrt(math.Max(p[m], 0)), 0)
	}
	fft.Inverse2(a, n, n)
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			img.Pix[j*img.Stride+i] += real(a[j*n+i])
		}
	}
}

// Apply adds noise with this correlation function to img in place (img.Scale
// sets the lag sampling).
func (c *Correlated) Apply(img *pix.Image, rng *rand.Rand) error {
	if err := checkImage(img, rng); err != nil {
		return err
	}
	n, err := c.workGrid(img)
	if err != nil {
		return err
	}
	p, err := c.PowerOnGrid(n, img.Scale)
	if err != nil {
		return err
	}
	addField(img, p, n, rng)
	return nil
}

// Whiten adds to img, which carries noise with this correlation function,
// the extra noise that makes the total white: power max(P) − P on the
// working grid. It returns the variance added, mean(max P − P); the total
// noise is then white with variance max(P) = ξ(0) + added.
func (c *Correlated) Whiten(img *pix.Image, rng *rand.Rand) (added float64, err error) {
	return c.fill(img, rng, func(p []float64, n int) []float64 {
		pmax := 0.0
		for _, v := range p {
			pmax = math.Max(pmax, v)
		}
		add := make([]float64, len(p))
		for m, v := range p {
			add[m] = pmax - v
		}
		return add
	})
}

// Symmetrize adds to img, which carries noise with this correlation
// function, the extra noise that makes the total power spectrum invariant
// under rotations by 360°/order: power max over the rotated P, minus P.
// Only order 4 (exact on the square frequency grid) is supported. It
// returns the variance added.
func (c *Correlated) Symmetrize(img *pix.Image, order int, rng *rand.Rand) (added float64, err error) {
	if order != 4 {
		return 0, &RangeError{"symmetrisation order", float64(order), "{4}"}
	}
	return c.fill(img, rng, func(p []float64, n int) []float64 {
		add := make([]float64, len(p))
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				// k = (i, j) rotated by 90°: (−j, i); 180° equals k → −k, where P is the same.
				r := fft.Wrap(i, n)*n + fft.Wrap(-j, n)
				m := j*n + i
				add[m] = math.Max(p[m], p[r]) - p[m]
			}
		}
		return add
	})
}

// fill adds to img a field whose power spectrum is target(P) for the
// noise's P on the working grid, and returns its variance.
func (c *Correlated) fill(img *pix.Image, rng *rand.Rand, target func(p []float64, n int) []float64) (float64, error) {
	if err := checkImage(img, rng); err != nil {
		return 0, err
	}
	n, err := c.workGrid(img)
	if err != nil {
		return 0, err
	}
	p, err := c.PowerOnGrid(n, img.Scale)
	if err != nil {
		return 0, err
	}
	add := target(p, n)
	var v float64
	for _, a := range add {
		v += a
	}
	addField(img, add, n, rng)
	return v / float64(n*n), nil
}

// EstimateCorrelation measures the correlation function of the pixel values
// of img (after subtracting their mean) at lags up to ±hx, ±hy pixels:
// ξ̂(l) = Σ_x n(x) n(x+l) / (number of pairs). It returns a centred
// (2hx+1)×(2hy+1) image at img.Scale.
func EstimateCorrelation(img *pix.Image, hx, hy int) (*pix.Image, error) {
	if img == nil || img.Nx < 1 || img.Ny < 1 {
		return nil, fmt.Errorf("noise: EstimateCorrelation: empty image")
	}
	if hx < 0 || hy < 0 || hx >= img.Nx || hy >= img.Ny {
		return nil, fmt.Errorf("noise: EstimateCorrelation: lags ±%d, ±%d must be below the image size %dx%d", hx, hy, img.Nx, img.Ny)
	}
	n := fft.GoodSize(max(img.Nx+hx, img.Ny+hy))
	if n > MaxGrid {
		return nil, fmt.Errorf("noise: EstimateCorrelation: FFT grid %d exceeds %d", n, MaxGrid)
	}
	var mean float64
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			mean += img.At(i, j)
		}
	}
	mean /= float64(img.Nx * img.Ny)
	a := make([]complex128, n*n)
	for j := 0; j < img.Ny; j++ {
		for i := 0; i < img.Nx; i++ {
			a[j*n+i] = complex(img.At(i, j)-mean, 0)
		}
	}
	fft.Forward2(a, n, n)
	for m, v := range a {
		a[m] = complex(real(v)*real(v)+imag(v)*imag(v), 0)
	}
	fft.Inverse2(a, n, n)
	out := pix.New(2*hx+1, 2*hy+1, img.Scale)
	for j := -hy; j <= hy; j++ {
		for i := -hx; i <= hx; i++ {
			pairs := float64((img.Nx - abs(i)) * (img.Ny - abs(j)))
			out.Set(i+hx, j+hy, real(a[fft.Wrap(j, n)*n+fft.Wrap(i, n)])/pairs)
		}
	}
	return out, nil
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
