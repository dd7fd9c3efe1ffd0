package dataset

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/galforge/galforge/cosmos"
)

// LoadCOSMOS builds a stamp set from a GalSim real-galaxy catalog whose
// galaxy images are on disk (a fetched COSMOS training sample, or the
// bundled AEGIS catalogs): every galaxy with an image, cut or zero-padded
// to size x size pixels about the stamp centre (source pixel
// x + floor((Nx-size)/2) goes to x, so the centres (N-1)/2 coincide up to
// half a pixel when Nx-size is odd). Rows whose image file is missing are
// skipped; an error if none has one.
//
// Conditions: IDENT, RA, DEC, MAG, WEIGHT, NOISE_VARIANCE and, with the
// _fits file, ZPHOT, FLUX_RADIUS, MAG_AUTO, SERSIC_N, SERSIC_Q, SERSIC_HLR
// (arcsec). The catalogs have no split, so one is made from the IDENT
// alone: "test" for about 10 % of galaxies (a hash of IDENT), "train" for
// the rest; the same galaxy is always in the same split.
func LoadCOSMOS(catalog string, size int) (*Set, error) {
	if size < 1 {
		return nil, fmt.Errorf("dataset: COSMOS stamp size %d: want >= 1", size)
	}
	c, err := cosmos.Open(catalog)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s := &Set{Name: filepath.Base(catalog), Path: catalog, Nx: size, Ny: size, Bands: 1, Unit: "counts/s"}
	names := []string{"IDENT", "RA", "DEC", "MAG", "WEIGHT", "NOISE_VARIANCE", "ZPHOT", "FLUX_RADIUS", "MAG_AUTO", "SERSIC_N", "SERSIC_Q", "SERSIC_HLR"}
	vals := make([][]float64, len(names))
	var pix32 []float32
	for i, g := range c.Galaxies {
		if !c.HasImages(i) {
			continue
		}
		m, err := c.Image(i)
		if err != nil {
			return nil, err
		}
		if s.n == 0 {
			s.PixelScale = m.Scale
			s.BandNames = []string{g.Band}
		}
		stamp := make([]float32, size*size)
		ox, oy := floorHalf(m.Nx-size), floorHalf(m.Ny-size)
		for y := range size {
			sy := y + oy
			if sy < 0 || sy >= m.Ny {
				continue
			}
			for x := range size {
				if sx := x + ox; sx >= 0 && sx < m.Nx {
					stamp[y*size+x] = float32(m.At(sx, sy))
				}
			}
		}
		pix32 = append(pix32, stamp...)
		nan := math.NaN()
		row := []float64{float64(g.Ident), g.RA, g.Dec, g.Mag, g.Weight, g.NoiseVariance, nan, nan, nan, nan, nan, nan}
		if g.HasFits {
			row[6], row[7], row[8] = g.ZPhot, g.FluxRadius, g.MagAuto
			row[9], row[10], row[11] = g.Sersic.N, g.Sersic.Q, g.Sersic.HalfLightRadius(g.PixelScale)
		}
		for k := range names {
			vals[k] = append(vals[k], row[k])
		}
		s.split = append(s.split, identSplit(g.Ident))
		s.n++
	}
	if s.n == 0 {
		return nil, fmt.Errorf("dataset: %s: no galaxy image file present: %w", catalog, cosmos.ErrNoImages)
	}
	s.cubes = []cube{{f32: pix32, planes: 1}}
	s.BandScales = []float64{s.PixelScale}
	s.colIdx = map[string]int{}
	for k, n := range names {
		s.colIdx[n] = k
		s.cols = append(s.cols, column{name: n, f: vals[k]})
	}
	return s, nil
}

func floorHalf(d int) int {
	if d < 0 {
		return -((-d + 1) / 2)
	}
	return d / 2
}

// identSplit puts a galaxy in "test" when a 64-bit mix of its IDENT
// (splitmix64 finaliser) is 0 mod 10, else "train".
func identSplit(ident int64) string {
	z := uint64(ident) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if z%10 == 0 {
		return "test"
	}
	return "train"
}
