package pix

import (
	"fmt"
	"math"
)

// Clone returns a compact (Stride = Nx) copy of m.
func (m *Image) Clone() *Image {
	c := New(m.Nx, m.Ny, m.Scale)
	for j := 0; j < m.Ny; j++ {
		copy(c.Pix[j*c.Stride:(j+1)*c.Stride], m.Pix[j*m.Stride:j*m.Stride+m.Nx])
	}
	return c
}

// Sub returns the nx by ny view of m whose pixel (0, 0) is m's (x0, y0).
// The view shares m's pixels; writes through it change m. Its true centre
// follows the convention of its own size.
func (m *Image) Sub(x0, y0, nx, ny int) (*Image, error) {
	if nx <= 0 || ny <= 0 || x0 < 0 || y0 < 0 || x0+nx > m.Nx || y0+ny > m.Ny {
		return nil, fmt.Errorf("pix: sub-image [%d,%d)x[%d,%d) outside the %dx%d image", x0, x0+nx, y0, y0+ny, m.Nx, m.Ny)
	}
	off := y0*m.Stride + x0
	return &Image{Nx: nx, Ny: ny, Stride: m.Stride, Pix: m.Pix[off : off+(ny-1)*m.Stride+nx], Scale: m.Scale}, nil
}

// row returns pixel row y.
func (m *Image) row(y int) []float64 { return m.Pix[y*m.Stride : y*m.Stride+m.Nx] }

// Fill sets every pixel to v.
func (m *Image) Fill(v float64) {
	for j := 0; j < m.Ny; j++ {
		r := m.row(j)
		for i := range r {
			r[i] = v
		}
	}
}

// Sum returns the sum of the pixel values (the flux of a flux-per-pixel
// image).
func (m *Image) Sum() float64 {
	var s float64
	for j := 0; j < m.Ny; j++ {
		for _, v := range m.row(j) {
			s += v
		}
	}
	return s
}

// Max returns the largest pixel value and its position (the first one in
// row-major order on ties; NaN pixels are skipped).
func (m *Image) Max() (v float64, x, y int) {
	v = math.Inf(-1)
	for j := 0; j < m.Ny; j++ {
		for i, p := range m.row(j) {
			if p > v {
				v, x, y = p, i, j
			}
		}
	}
	return v, x, y
}

// MulConst multiplies every pixel by f.
func (m *Image) MulConst(f float64) {
	for j := 0; j < m.Ny; j++ {
		r := m.row(j)
		for i := range r {
			r[i] *= f
		}
	}
}

// AddConst adds c to every pixel.
func (m *Image) AddConst(c float64) {
	for j := 0; j < m.Ny; j++ {
		r := m.row(j)
		for i := range r {
			r[i] += c
		}
	}
}

func (m *Image) combine(o *Image, op string, f func(a, b float64) float64) error {
	if o.Nx != m.Nx || o.Ny != m.Ny {
		return fmt.Errorf("pix: %s: image sizes differ (%dx%d and %dx%d)", op, m.Nx, m.Ny, o.Nx, o.Ny)
	}
	for j := 0; j < m.Ny; j++ {
		a, b := m.row(j), o.row(j)
		for i := range a {
			a[i] = f(a[i], b[i])
		}
	}
	return nil
}

// Add sets m = m + o pixel by pixel; the sizes must match.
func (m *Image) Add(o *Image) error {
	return m.combine(o, "add", func(a, b float64) float64 { return a + b })
}

// Subtract sets m = m - o pixel by pixel; the sizes must match.
func (m *Image) Subtract(o *Image) error {
	return m.combine(o, "subtract", func(a, b float64) float64 { return a - b })
}

// Mul sets m = m × o pixel by pixel; the sizes must match.
func (m *Image) Mul(o *Image) error {
	return m.combine(o, "mul", func(a, b float64) float64 { return a * b })
}

// Image32 is the float32 variant of Image, for large outputs and network
// inputs; the layout and centre convention are the same.
type Image32 struct {
	Nx, Ny int
	Stride int
	Pix    []float32
	Scale  float64 // arcsec per pixel
}

// New32 returns a zeroed nx by ny float32 image.
func New32(nx, ny int, scale float64) *Image32 {
	return &Image32{Nx: nx, Ny: ny, Stride: nx, Pix: make([]float32, nx*ny), Scale: scale}
}

// At returns the value of pixel (x, y), 0-based.
func (m *Image32) At(x, y int) float32 { return m.Pix[y*m.Stride+x] }

// Set stores v in pixel (x, y), 0-based.
func (m *Image32) Set(x, y int, v float32) { m.Pix[y*m.Stride+x] = v }

// Center returns the true centre ((Nx-1)/2, (Ny-1)/2), as Image.Center.
func (m *Image32) Center() (x, y float64) {
	return float64(m.Nx-1) / 2, float64(m.Ny-1) / 2
}

// Float32 returns a float32 copy of m (values rounded to nearest).
func (m *Image) Float32() *Image32 {
	c := New32(m.Nx, m.Ny, m.Scale)
	for j := 0; j < m.Ny; j++ {
		for i, v := range m.row(j) {
			c.Pix[j*c.Stride+i] = float32(v)
		}
	}
	return c
}

// Float64 returns a float64 copy of m.
func (m *Image32) Float64() *Image {
	c := New(m.Nx, m.Ny, m.Scale)
	for j := 0; j < m.Ny; j++ {
		for i := 0; i < m.Nx; i++ {
			c.Pix[j*c.Stride+i] = float64(m.Pix[j*m.Stride+i])
		}
	}
	return c
}

// Rebin sums factor x factor blocks of pixels into one (flux is
// conserved, the scale multiplied by factor). Nx and Ny must be multiples
// of factor. For odd factors the true centre is kept exactly; for even ones
// the convention is kept too, because block edges and centres scale alike.
func Rebin(m *Image, factor int) (*Image, error) {
	if factor < 1 || m.Nx%factor != 0 || m.Ny%factor != 0 {
		return nil, fmt.Errorf("pix: rebin: factor %d does not divide %dx%d", factor, m.Nx, m.Ny)
	}
	out := New(m.Nx/factor, m.Ny/factor, m.Scale*float64(factor))
	for j := 0; j < m.Ny; j++ {
		for i, v := range m.row(j) {
			out.Pix[(j/factor)*out.Stride+i/factor] += v
		}
	}
	return out, nil
}

// Resample returns m on a new nx by ny grid of the given scale (arcsec per
// pixel) with the same true centre: the surface brightness (value / area)
// is interpolated bilinearly at the new pixel centres and multiplied by the
// new pixel area, so a smooth image keeps its flux. Outside m the surface
// brightness is 0. Both scales must be set.
func Resample(m *Image, nx, ny int, scale float64) (*Image, error) {
	if !(m.Scale > 0) || !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("pix: resample: pixel scales must be positive (have %g, want %g)", m.Scale, scale)
	}
	if nx <= 0 || ny <= 0 {
		return nil, fmt.Errorf("pix: resample: size %dx%d", nx, ny)
	}
	out := New(nx, ny, scale)
	cx, cy := m.Center()
	ox, oy := out.Center()
	r := scale / m.Scale
	area := r * r
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= m.Nx || j >= m.Ny {
			return 0
		}
		return m.At(i, j)
	}
	for j := 0; j < ny; j++ {
		y := (float64(j)-oy)*r + cy
		j0 := int(math.Floor(y))
		fy := y - float64(j0)
		for i := 0; i < nx; i++ {
			x := (float64(i)-ox)*r + cx
			i0 := int(math.Floor(x))
			fx := x - float64(i0)
			v := (1-fy)*((1-fx)*at(i0, j0)+fx*at(i0+1, j0)) + fy*((1-fx)*at(i0, j0+1)+fx*at(i0+1, j0+1))
			out.Pix[j*out.Stride+i] = v * area
		}
	}
	return out, nil
}
