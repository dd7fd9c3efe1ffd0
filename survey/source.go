package survey

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/cosmos"
	"github.com/galforge/galforge/profile"
)

func newSource(c *Config, r *renderer) (source, error) {
	switch c.Galaxies.Source {
	case "parametric", "cosmos":
		return parametric{c: c}, nil
	case "generator":
		return newGeneratorSource(c, r)
	case "real":
		return newRealSource(c, r)
	}
	return nil, fmt.Errorf("survey: unknown galaxy source %q", c.Galaxies.Source)
}

// parametric draws Sérsic or bulge+disk galaxies (also those of the COSMOS
// fit catalog, which are Sérsic): the profile with the object's flux and
// half-light radius, sheared by its intrinsic ellipticity.
type parametric struct{ c *Config }

func (p parametric) galaxy(o *Object) (profile.Profile, error) {
	var g profile.Profile
	var err error
	if p.c.Galaxies.Source == "cosmos" || p.c.Galaxies.Parametric.Model == "sersic" {
		g, err = profile.Sersic(o.N, o.HLR, o.Flux)
	} else {
		// Bulge+disk: an exponential disk and a de Vaucouleurs bulge with a
		// bulge_hlr fraction of the disk's radius.
		frac := o.BulgeHLR
		var disk, bulge profile.Profile
		if disk, err = profile.ExponentialHLR(o.HLR, (1-o.BulgeFrac)*o.Flux); err != nil {
			return nil, err
		}
		if bulge, err = profile.DeVaucouleurs(frac*o.HLR, o.BulgeFrac*o.Flux); err != nil {
			return nil, err
		}
		g = profile.Add(disk, bulge)
	}
	if err != nil {
		return nil, err
	}
	if o.E1 != 0 || o.E2 != 0 {
		return profile.Shear(g, o.E1, o.E2)
	}
	return g, nil
}

// cosmosRows holds the usable rows of the COSMOS parametric-fit catalog:
// Sérsic fits with n in [0.3, 6.2]; size = circularised half-light radius,
// flux from the catalog magnitude and the config's zero point, shape
// (1-q)/(1+q) at twice the position angle.
type cosmosRows struct {
	rows                 []int
	hlr, n, flux, e1, e2 []float64
}

func loadCosmosRows(c *Config) (*cosmosRows, error) {
	path := c.resolve(c.Galaxies.Cosmos.Catalog)
	cat, err := cosmos.Open(path)
	if err != nil {
		return nil, c.errf("galaxies.cosmos.catalog", "%v", err)
	}
	defer cat.Close()
	cr := &cosmosRows{}
	for i, g := range cat.Galaxies {
		s := g.Sersic
		if !g.HasFits || s.N < 0.3 || s.N > 6.2 || !(s.Q > 0) || !(s.Re > 0) {
			continue
		}
		e := (1 - s.Q) / (1 + s.Q)
		cr.rows = append(cr.rows, i)
		cr.hlr = append(cr.hlr, s.HalfLightRadius(g.PixelScale))
		cr.n = append(cr.n, s.N)
		cr.flux = append(cr.flux, math.Pow(10, -0.4*(g.Mag-c.Galaxies.ZeroPoint)))
		cr.e1 = append(cr.e1, e*math.Cos(2*s.Phi))
		cr.e2 = append(cr.e2, e*math.Sin(2*s.Phi))
	}
	if len(cr.rows) == 0 {
		return nil, c.errf("galaxies.cosmos.catalog", "%s has no usable Sérsic fits", path)
	}
	return cr, nil
}
