package shapes

import (
	"math"
	"math/cmplx"

	"github.com/galforge/galforge/internal/fft"
	"github.com/galforge/galforge/pix"
)

// Parameters of the Gaussian gridding kernel used to evaluate an image's
// Fourier transform off the FFT grid (a type-2 non-uniform DFT): the image
// is zero-padded by kPad, pre-divided by the kernel's transform, and the
// FFT samples are summed with weights exp(−u²/2s²) over |u| < kHalf grid
// steps. Errors are ≈ exp(−2π²s²(1−1/2kPad)²) ≈ 3e−7 from aliasing and
// exp(−kHalf²/2s²) ≈ 2e−8 from truncation, relative to the peak.
const (
	kPad   = 4
	kSigma = 1.0
	kHalf  = 6
)

// kImage evaluates F(k) = Σ_x I(x) exp(−i k·(x − c)), the Fourier transform
// of an image's pixel values about its true centre c, at any k (radians per
// pixel), exactly up to the gridding error above.
type kImage struct {
	n     int          // padded FFT size (even)
	m     int          // margin: ext covers grid indices [−n/2−m, n/2+m)
	w     int          // ext row length, n + 2m
	ext   []complex128 // FFT of the pre-compensated, padded image, about x0, periodically extended
	delta [2]float64   // x0 − c, the offset of the FFT origin from the centre
	dk    float64      // 2π/n
}

// newKImage prepares img on an FFT grid of size n (even, at least kPad
// times the image size).
func newKImage(img *pix.Image, n int) *kImage {
	k := &kImage{n: n, dk: 2 * math.Pi / float64(n)}
	f := make([]complex128, n*n)
	x0, y0 := img.Nx/2, img.Ny/2
	cx, cy := img.Center()
	k.delta = [2]float64{float64(x0) - cx, float64(y0) - cy}
	// Kernel transform in the padded image's coordinates: position m (pixels
	// from x0) has frequency t = m/n cycles per grid step.
	norm := 2 * math.Pi * kSigma * kSigma
	comp := func(m int) float64 {
		t := float64(m) / float64(n)
		return math.Exp(-2 * math.Pi * math.Pi * kSigma * kSigma * t * t)
	}
	for y := 0; y < img.Ny; y++ {
		my := y - y0
		cy := comp(my)
		row := fft.Wrap(my, n) * n
		for x := 0; x < img.Nx; x++ {
			mx := x - x0
			f[row+fft.Wrap(mx, n)] = complex(img.At(x, y)/(cy*comp(mx)*norm), 0)
		}
	}
	fft.NewPlan2(n, n).ForwardRows(f, rowsUsed(img.Ny, y0, n))
	// Extend periodically so that lookups need no modulo: |q| stays below
	// about 1.1 π for shears below 0.1, i.e. grid index below 0.55 n.
	k.m = n/16 + kHalf + 2
	k.w = n + 2*k.m
	k.ext = make([]complex128, k.w*k.w)
	for j := 0; j < k.w; j++ {
		sj := fft.Wrap(j-n/2-k.m, n)
		for i := 0; i < k.w; i++ {
			si := fft.Wrap(i-n/2-k.m, n)
			k.ext[j*k.w+i] = f[sj*n+si]
		}
	}
	return k
}

// kWeights holds the gridding weights and first index along one axis.
type kWeights struct {
	i0 int
	w  [2 * kHalf]float64
}

// weights returns the 2·kHalf Gaussian weights for fractional grid index u,
// by the recursion w(d+1) = w(d)·exp(−(2d+1)/2s²).
func weights(u float64) kWeights {
	iu := int(math.Floor(u))
	kw := kWeights{i0: iu - kHalf + 1}
	const a = 1 / (2 * kSigma * kSigma)
	d := float64(kw.i0) - u // distance of the first tap, grows by 1 per tap
	w := math.Exp(-a * d * d)
	r := math.Exp(-a * (2*d + 1))
	e := math.Exp(-2 * a)
	for j := range kw.w {
		kw.w[j] = w
		w *= r
		r *= e
	}
	return kw
}

// inRange reports whether the taps of (wu, wv) lie inside the extended grid.
func (k *kImage) inRange(wu, wv kWeights) bool {
	lo, hi := -n2(k), n2(k)-2*kHalf
	return wu.i0 >= lo && wu.i0 <= hi && wv.i0 >= lo && wv.i0 <= hi
}

func n2(k *kImage) int { return k.n/2 + k.m }

// sum applies the weights to the grid (no phase).
func (k *kImage) sum(wu, wv kWeights) complex128 {
	off := n2(k)
	var s complex128
	for b, wb := range wv.w {
		row := k.ext[(wv.i0+b+off)*k.w+wu.i0+off:]
		var rr, ri float64
		for a, wa := range wu.w {
			c := row[a]
			rr += wa * real(c)
			ri += wa * imag(c)
		}
		s += complex(wb*rr, wb*ri)
	}
	return s
}

// at returns F(kx, ky), or 0 outside the extended grid (|k| > ~1.1 π).
func (k *kImage) at(kx, ky float64) complex128 {
	wu, wv := weights(kx/k.dk), weights(ky/k.dk)
	if !k.inRange(wu, wv) {
		return 0
	}
	return k.sum(wu, wv) * cmplx.Exp(complex(0, -(kx*k.delta[0]+ky*k.delta[1])))
}

// ratioAt returns F(k)/G(k) for two kImages on the same grid, sharing the
// gridding weights; ok is false outside the grid.
func ratioAt(f, g *kImage, kx, ky float64) (r complex128, ok bool) {
	wu, wv := weights(kx/f.dk), weights(ky/f.dk)
	if !f.inRange(wu, wv) {
		return 0, false
	}
	r = f.sum(wu, wv) / g.sum(wu, wv)
	if dd := [2]float64{f.delta[0] - g.delta[0], f.delta[1] - g.delta[1]}; dd != [2]float64{} {
		r *= cmplx.Exp(complex(0, -(kx*dd[0] + ky*dd[1])))
	}
	return r, true
}

// kGrid returns the FFT size used for images of at most nmax pixels a side.
func kGrid(nmax int) int {
	n := kPad * nmax
	if n%2 == 1 {
		n++
	}
	return n
}

// rowsUsed lists the rows of the padded n×n array that hold the ny image
// rows (row index (y − y0) mod n).
func rowsUsed(ny, y0, n int) []int {
	r := make([]int, ny)
	for y := range r {
		r[y] = fft.Wrap(y-y0, n)
	}
	return r
}
