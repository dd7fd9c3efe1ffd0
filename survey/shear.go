package survey

import (
	"fmt"

	"github.com/galforge/galforge/lensing"
)

// shearField gives the lensing of object i at sky offset (u, v) arcsec.
type shearField struct {
	kind  string
	field lensing.Field // constant, power spectrum, NFW
	list  [][2]float64
}

func newShearField(c *Config, w, h float64) (shearField, error) {
	l := &c.Lensing
	s := shearField{kind: l.Type, list: l.List}
	var err error
	switch l.Type {
	case "constant":
		s.field, err = lensing.NewConstantShear(l.G1, l.G2)
	case "power_spectrum":
		s.field, err = newPowerSpectrumField(c, w, h)
	case "nfw":
		s.field, err = newNFWField(c)
	}
	if err != nil {
		return s, fmt.Errorf("%s: lensing.%s: %w", c.path, l.Type, err)
	}
	return s, nil
}

// maxMu is the largest magnification treated as weak lensing.
const maxMu = 10

// at returns the reduced shear, convergence and magnification for object i.
// Where the field is strongly lensing (κ >= 1, |g| >= 1, or μ outside
// (0, maxMu]) the weak-lensing description fails and the object is left
// unlensed: g = 0, μ = 1, with the field's κ recorded (CONFIG.md says so).
func (s *shearField) at(i int, u, v float64) (g1, g2, kappa, mu float64) {
	switch s.kind {
	case "list":
		g := s.list[i%len(s.list)]
		return g[0], g[1], 0, 1
	case "none":
		return 0, 0, 0, 1
	case "constant":
		// A pure reduced shear: no convergence, no magnification.
		l := s.field.(lensing.ConstantShear)
		return l.G1, l.G2, 0, 1
	}
	if s.field == nil {
		return 0, 0, 0, 1
	}
	l := s.field.LensAt(u, v)
	g1, g2, err := l.ReducedShear()
	mu = l.Magnification()
	if err != nil || !(mu > 0 && mu <= maxMu) {
		return 0, 0, l.Kappa, 1
	}
	return g1, g2, l.Kappa, mu
}
