package survey

import (
	"math"
	"math/rand/v2"
	"sort"
)

// ObjectSeed returns the seed of object i: a splitmix64 hash of the global
// seed and the index, so any process can compute any object's draws without
// the others. The top bit is cleared so that it fits a signed FITS K column.
func ObjectSeed(global uint64, i int) uint64 {
	return splitmix(splitmix(global)^(uint64(i)+1)*0x9E3779B97F4A7C15) &^ (1 << 63)
}

func splitmix(z uint64) uint64 {
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Random streams drawn from one object seed.
const (
	streamParams = 1 // galaxy parameters (shared by ring partners)
	streamNoise  = 2 // pixel noise of the object's stamp
	streamSource = 3 // the generator's sample / source-specific draws
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// Object is one galaxy's truth: everything needed to draw it again.
type Object struct {
	ID   int
	Seed uint64
	// X, Y is the galaxy centre in 0-based pixel coordinates of the field,
	// or of its own stamp for stamp runs.
	X, Y float64
	// U, V is the position on the sky relative to the image centre along the
	// pixel axes, arcsec; RA, Dec in degrees from the TAN WCS.
	U, V, RA, Dec float64
	Flux          float64 // ADU, before lensing magnification
	HLR           float64 // intrinsic half-light radius, arcsec
	N             float64 // Sérsic index (parametric sersic); bulge+disk: 0
	BulgeFrac     float64 // bulge flux fraction (bulge+disk)
	BulgeHLR      float64 // bulge hlr / disk hlr (bulge+disk)
	E1, E2        float64 // intrinsic shear-type ellipticity, (1-q)/(1+q) at angle 2θ
	Rotation      float64 // radians, applied to image-based sources
	G1, G2        float64 // applied reduced shear
	Kappa, Mu     float64 // convergence and magnification
	Kind          string  // source kind: parametric, cosmos, generator, real, lensed
	Cond          []float64
	Row           int // catalog row (cosmos)

	// paramSeed seeds the galaxy itself (parameters, generator sample);
	// ring partners share it, so they are the same galaxy turned by 90°.
	paramSeed uint64
}

// objectGen computes objects from the config; it holds what is shared by all
// objects (the shear field, catalog rows) and is safe for concurrent use.
type objectGen struct {
	c      *Config
	n      int
	ncol   int // stamps per row of the virtual stamp grid
	conds  []string
	shear  shearField
	cosmos *cosmosRows
}

func newObjectGen(c *Config) (*objectGen, error) {
	g := &objectGen{c: c, n: c.NumObjects()}
	g.ncol = int(math.Ceil(math.Sqrt(float64(g.n))))
	if g.ncol < 1 {
		g.ncol = 1
	}
	for k := range c.Galaxies.Generator.Conditions {
		g.conds = append(g.conds, k)
	}
	sort.Strings(g.conds)
	var err error
	w, h := g.fieldExtent()
	if g.shear, err = newShearField(c, w, h); err != nil {
		return nil, err
	}
	if c.Galaxies.Source == "cosmos" {
		if g.cosmos, err = loadCosmosRows(c); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// fieldExtent is the sky size (arcsec) covered by the field or stamp grid.
func (g *objectGen) fieldExtent() (w, h float64) {
	im := &g.c.Image
	if im.Type == "field" {
		return float64(im.Nx) * im.PixelScale, float64(im.Ny) * im.PixelScale
	}
	nrow := (g.n + g.ncol - 1) / g.ncol
	return float64(g.ncol*im.StampSize) * im.PixelScale, float64(max(nrow, 1)*im.StampSize) * im.PixelScale
}

// Object returns the truth of object i (0 <= i < n). It is a pure function
// of the config and i.
func (g *objectGen) Object(i int) Object {
	c := g.c
	im := &c.Image
	gc := &c.Galaxies
	base := i
	if gc.Orientation == "ring" {
		base = i &^ 1
	}
	o := Object{ID: i, Seed: ObjectSeed(c.Seed, i), Kind: gc.Source, Mu: 1, paramSeed: ObjectSeed(c.Seed, base)}
	r := newRand(o.paramSeed, streamParams)

	// Position.
	if im.Type == "field" {
		o.X = (float64(im.Nx)*r.Float64() - 0.5)
		o.Y = (float64(im.Ny)*r.Float64() - 0.5)
		cx, cy := float64(im.Nx-1)/2, float64(im.Ny-1)/2
		o.U, o.V = (o.X-cx)*im.PixelScale, (o.Y-cy)*im.PixelScale
	} else {
		c0 := float64(im.StampSize-1) / 2
		dx := im.Offset * (2*r.Float64() - 1)
		dy := im.Offset * (2*r.Float64() - 1)
		o.X, o.Y = c0+dx, c0+dy
		col, row := i%g.ncol, i/g.ncol
		nrow := (g.n + g.ncol - 1) / g.ncol
		s := float64(im.StampSize) * im.PixelScale
		o.U = (float64(col)-float64(g.ncol-1)/2)*s + dx*im.PixelScale
		o.V = (float64(row)-float64(nrow-1)/2)*s + dy*im.PixelScale
	}

	// Flux and size.
	var ce1, ce2 float64 // catalog ellipticity (cosmos)
	if gc.Mag != nil {
		o.Flux = math.Pow(10, -0.4*(gc.Mag.Draw(r)-gc.ZeroPoint))
	} else {
		o.Flux = gc.Flux.Draw(r)
	}
	if gc.HLR != nil {
		o.HLR = gc.HLR.Draw(r)
	}
	switch gc.Source {
	case "parametric":
		if gc.Parametric.Model == "sersic" {
			o.N = quantizeN(gc.Parametric.N.Draw(r))
		} else {
			o.BulgeFrac = gc.Parametric.BulgeFrac.Draw(r)
			o.BulgeHLR = gc.Parametric.BulgeHLRFrac.Draw(r)
		}
	case "cosmos":
		k := r.IntN(len(g.cosmos.rows))
		o.Row = g.cosmos.rows[k]
		o.HLR, o.N, o.Flux = g.cosmos.hlr[k], quantizeN(g.cosmos.n[k]), g.cosmos.flux[k]
		ce1, ce2 = g.cosmos.e1[k], g.cosmos.e2[k]
	case "generator":
		o.Cond = make([]float64, len(g.conds))
		for k, name := range g.conds {
			d := gc.Generator.Conditions[name]
			o.Cond[k] = d.Draw(r)
		}
	}

	// Intrinsic ellipticity and orientation: a shear-type ellipticity with
	// Gaussian components of rms e_rms (redrawn beyond |e| = 0.9), and a
	// uniform rotation for image-based sources.
	for {
		e1, e2 := gc.ERMS*r.NormFloat64(), gc.ERMS*r.NormFloat64()
		if math.Hypot(e1, e2) < 0.9 {
			o.E1, o.E2 = e1, e2
			break
		}
	}
	o.Rotation = 2 * math.Pi * r.Float64()
	if gc.Source == "cosmos" {
		// The catalog shape, turned by the random rotation.
		c2, s2 := math.Cos(2*o.Rotation), math.Sin(2*o.Rotation)
		o.E1 += ce1*c2 - ce2*s2
		o.E2 += ce1*s2 + ce2*c2
		if h := math.Hypot(o.E1, o.E2); h > 0.95 {
			// Catalog shape plus e_rms scatter is kept a valid shear.
			o.E1, o.E2 = o.E1*0.95/h, o.E2*0.95/h
		}
	}
	if gc.Orientation == "ring" && i != base {
		// The ring partner is turned by 90 degrees: e -> -e.
		o.E1, o.E2 = 0-o.E1, 0-o.E2 // 0-x keeps a zero positive in the catalog
		o.Rotation += math.Pi / 2
	}

	// Strong-lens sources sit just behind the lens.
	if s := c.Lensing.SIE; s != nil && i < s.Sources {
		o.Kind = "lensed"
		rho := 0.3 * s.ThetaE * math.Sqrt(r.Float64())
		phi := 2 * math.Pi * r.Float64()
		o.U, o.V = s.X+rho*math.Cos(phi), s.Y+rho*math.Sin(phi)
		if im.Type == "field" {
			cx, cy := float64(im.Nx-1)/2, float64(im.Ny-1)/2
			o.X, o.Y = cx+o.U/im.PixelScale, cy+o.V/im.PixelScale
		}
	}

	o.G1, o.G2, o.Kappa, o.Mu = g.shear.at(i, o.U, o.V)
	o.RA, o.Dec = tanDeproject(im.RA, im.Dec, o.U, o.V)
	return o
}

// quantizeN rounds a Sérsic index to the nearest 0.05 within [0.3, 6.2]:
// package profile builds and keeps one Fourier table per distinct n, so
// rounding bounds the memory of any run to 119 tables. The truth catalog
// holds the rounded n that was drawn.
func quantizeN(n float64) float64 {
	return math.Min(math.Max(math.Round(n*20)/20, 0.3), 6.2)
}

// tanDeproject maps a tangent-plane offset (u, v) arcsec along the pixel
// axes (x to the west, as the CD matrix has CD1_1 < 0) to RA, Dec degrees.
func tanDeproject(ra0, dec0, u, v float64) (ra, dec float64) {
	const d2r = math.Pi / 180
	xi := -u / 3600 * d2r // east
	eta := v / 3600 * d2r
	d0 := dec0 * d2r
	den := math.Cos(d0) - eta*math.Sin(d0)
	ra = ra0 + math.Atan2(xi, den)/d2r
	dec = math.Atan2(math.Sin(d0)+eta*math.Cos(d0), math.Hypot(xi, den)) / d2r
	ra = math.Mod(ra+360, 360)
	return ra, dec
}
