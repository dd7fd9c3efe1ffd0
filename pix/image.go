// Package pix holds Image, a rectangle of float64 pixel values with a pixel
// scale, and the one centring convention every galforge package uses.
//
// Layout: row-major, x fastest; pixel (0,0) is the lower-left pixel as FITS
// and ds9 show it. Pixel (i,j) covers [i-0.5, i+0.5] x [j-0.5, j+0.5] in
// 0-based pixel coordinates, so its centre is at (i, j).
//
// Centre convention (GalSim's): the true centre of an N-pixel axis lies at
// (N-1)/2 in 0-based pixel coordinates — (1+N)/2 in FITS' 1-based ones — so
// on a pixel centre for odd N and on a pixel corner for even N. Every
// galforge package that places something "at the centre" of an image uses
// Center (TestCenterConvention pins it; profile.Draw puts the profile origin
// there).
//
// Besides Image: Image32 (the float32 variant), in-place arithmetic (Add,
// Subtract, Mul, MulConst, AddConst), views sharing pixels (Sub), Clone,
// Sum and Max, flux-conserving Rebin and Resample, FITS input and output
// with the pixel scale and a TAN or SIN world coordinate system (ReadFITS,
// WriteFITS, WCS), and PNG previews and mosaics (Stretch, Mosaic).
package pix

// Image is a Nx by Ny grid of float64 pixel values. Pixel (x, y) is
// Pix[y*Stride+x]. Scale is the pixel size in arcsec per pixel (0 when the
// image has no angular scale).
type Image struct {
	Nx, Ny int
	Stride int
	Pix    []float64
	Scale  float64 // arcsec per pixel
}

// New returns a zeroed nx by ny image with the given pixel scale in arcsec.
func New(nx, ny int, scale float64) *Image {
	return &Image{Nx: nx, Ny: ny, Stride: nx, Pix: make([]float64, nx*ny), Scale: scale}
}

// At returns the value of pixel (x, y), 0-based.
func (m *Image) At(x, y int) float64 { return m.Pix[y*m.Stride+x] }

// Set stores v in pixel (x, y), 0-based.
func (m *Image) Set(x, y int, v float64) { m.Pix[y*m.Stride+x] = v }

// Center returns the true centre of the image in 0-based pixel
// coordinates: ((Nx-1)/2, (Ny-1)/2).
func (m *Image) Center() (x, y float64) {
	return float64(m.Nx-1) / 2, float64(m.Ny-1) / 2
}
