package survey

import (
	"math"

	"github.com/galforge/galforge/lensing"
)

// newPowerSpectrumField draws the Gaussian random shear field of the
// convergence power spectrum P(k) = amplitude·k^slope arcsec² (k in
// rad/arcsec) on a periodic grid of grid_spacing covering at least twice the
// w x h arcsec area, seeded from the global seed so that every shard draws
// the same field.
func newPowerSpectrumField(c *Config, w, h float64) (lensing.Field, error) {
	ps := c.Lensing.PowerSpectrum
	n := 8
	for float64(n)*ps.Grid < 2*math.Max(w, h) {
		n *= 2
	}
	spec := lensing.PowerSpectrum{E: func(k float64) float64 {
		if k <= 0 {
			return 0
		}
		return ps.Amplitude * math.Pow(k, ps.Slope)
	}}
	return lensing.GenerateShearGrid(spec, n, ps.Grid, newRand(splitmix(c.Seed^0x5EA5F1E1D), 7))
}

// newNFWField builds the NFW halo of the config (flat ΛCDM, H0 = 70,
// Ωm = 0.3: lensing.DefaultCosmology).
func newNFWField(c *Config) (lensing.Field, error) {
	h := c.Lensing.NFW
	halo, err := lensing.NewNFW(h.Mass, h.Concentration, h.ZLens, h.ZSource, lensing.DefaultCosmology)
	if err != nil {
		return nil, err
	}
	halo.X0, halo.Y0 = h.X, h.Y
	return halo, nil
}
