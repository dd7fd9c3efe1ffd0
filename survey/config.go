package survey

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is a survey description as read from YAML. CONFIG.md documents
// every key and its default.
type Config struct {
	Seed     uint64         `yaml:"seed"`
	Image    ImageConfig    `yaml:"image"`
	PSF      PSFConfig      `yaml:"psf"`
	Galaxies GalaxiesConfig `yaml:"galaxies"`
	Lensing  LensingConfig  `yaml:"lensing"`
	// Calibrate is read by `galforge calibrate` only.
	Calibrate CalibrateConfig `yaml:"calibrate"`

	// path is the file the config was read from (for error messages and
	// for resolving relative paths); lines maps dotted keys to YAML lines.
	path  string
	lines map[string]int
}

// ImageConfig describes the pixels: a grid of stamps or a full field.
type ImageConfig struct {
	Type       string      `yaml:"type"`        // "stamps" or "field"
	StampSize  int         `yaml:"stamp_size"`  // pixels (stamps)
	Nx         int         `yaml:"nx"`          // pixels (field)
	Ny         int         `yaml:"ny"`          // pixels (field)
	PixelScale float64     `yaml:"pixel_scale"` // arcsec/pixel
	RA         float64     `yaml:"ra"`          // degrees, at the image centre
	Dec        float64     `yaml:"dec"`         // degrees, at the image centre
	Offset     float64     `yaml:"offset"`      // stamps: max random sub-pixel offset, pixels
	Noise      NoiseConfig `yaml:"noise"`
}

// NoiseConfig is the pixel noise added to every stamp or to the field.
type NoiseConfig struct {
	Type      string  `yaml:"type"`       // none, gaussian, ccd
	Sigma     float64 `yaml:"sigma"`      // ADU per pixel (gaussian)
	SkyLevel  float64 `yaml:"sky_level"`  // ADU per pixel (ccd)
	Gain      float64 `yaml:"gain"`       // electrons per ADU (ccd)
	ReadNoise float64 `yaml:"read_noise"` // electrons (ccd)
	SNR       float64 `yaml:"snr"`        // target optimal S/N per galaxy; 0 keeps fluxes
}

// PSFConfig is the point-spread function, optionally varying across the field.
type PSFConfig struct {
	Spec      string           `yaml:"spec"` // profile SPEC, e.g. "moffat beta=3.5 fwhm=0.7"
	Variation PSFVariationConf `yaml:"variation"`
}

// PSFVariationConf makes the PSF vary linearly across the image. u and v run
// from -1 to 1 across the field (or the stamp grid) in x and y.
type PSFVariationConf struct {
	Dilate float64 `yaml:"dilate"` // size scale is 1 + dilate*sqrt(u²+v²)
	G1X    float64 `yaml:"g1_x"`   // PSF shear g1 = g1_x*u + g1_y*v
	G1Y    float64 `yaml:"g1_y"`
	G2X    float64 `yaml:"g2_x"` // PSF shear g2 = g2_x*u + g2_y*v
	G2Y    float64 `yaml:"g2_y"`
}

// GalaxiesConfig chooses the galaxy source and its distributions.
type GalaxiesConfig struct {
	Source      string  `yaml:"source"`      // parametric, cosmos, generator, real
	Count       int     `yaml:"count"`       // number of galaxies
	Density     float64 `yaml:"density"`     // galaxies per arcmin² (field; replaces count)
	Orientation string  `yaml:"orientation"` // random or ring
	Mag         *Dist   `yaml:"mag"`         // AB magnitude (with zero_point)
	ZeroPoint   float64 `yaml:"zero_point"`  // flux in ADU = 10^(-0.4 (mag - zero_point))
	Flux        *Dist   `yaml:"flux"`        // ADU; used when mag is not given
	HLR         *Dist   `yaml:"hlr"`         // half-light radius, arcsec
	ERMS        float64 `yaml:"e_rms"`       // per-component rms of the intrinsic shear-type ellipticity

	Parametric ParametricConfig `yaml:"parametric"`
	Cosmos     CosmosConfig     `yaml:"cosmos"`
	Generator  GeneratorConfig  `yaml:"generator"`
	Real       RealConfig       `yaml:"real"`
}

// ParametricConfig describes Sérsic or bulge+disk galaxies.
type ParametricConfig struct {
	Model        string `yaml:"model"`          // sersic or bulge+disk
	N            *Dist  `yaml:"n"`              // Sérsic index (sersic)
	BulgeFrac    *Dist  `yaml:"bulge_fraction"` // bulge flux fraction (bulge+disk)
	BulgeHLRFrac *Dist  `yaml:"bulge_hlr"`      // bulge hlr / disk hlr (bulge+disk)
}

// CosmosConfig draws parametric galaxies from the COSMOS fit catalog.
type CosmosConfig struct {
	Catalog string `yaml:"catalog"` // real_galaxy_catalog_*.fits with its _fits file beside it
}

// GeneratorConfig draws galaxies from a trained generative model.
type GeneratorConfig struct {
	Model      string          `yaml:"model"`      // model directory
	Conditions map[string]Dist `yaml:"conditions"` // condition name -> distribution
}

// RealConfig draws galaxies from real HST stamps through the
// deconvolve-shear-reconvolve recipe.
type RealConfig struct {
	// Stamp is the path prefix of a large real galaxy in GalSim's layout
	// (PREFIX_masknoise.fits and PREFIX.psf.fits).
	Stamp string `yaml:"stamp"`
	// Noise is what is done with the HST noise the stamp carries after it
	// has been sheared and reconvolved: whiten, symmetrize or none.
	Noise string `yaml:"noise"`
	// NoiseCF is the noise correlation function image (GalSim's COSMOS one).
	NoiseCF string `yaml:"noise_cf"`
	// NoiseVariance is the stamp's pixel noise variance in its own units.
	NoiseVariance float64 `yaml:"noise_variance"`
}

// LensingConfig is the shear applied to each galaxy.
type LensingConfig struct {
	Type          string        `yaml:"type"` // none, constant, power_spectrum, nfw, list
	G1            float64       `yaml:"g1"`
	G2            float64       `yaml:"g2"`
	PowerSpectrum PowerSpecConf `yaml:"power_spectrum"`
	NFW           NFWConf       `yaml:"nfw"`
	List          [][2]float64  `yaml:"list"` // per-stamp (g1, g2), cycled
	SIE           *SIEConf      `yaml:"sie"`  // optional strong lens
}

// PowerSpecConf is a convergence power spectrum P(k) = amplitude*(k/k0)^slope.
type PowerSpecConf struct {
	Amplitude float64 `yaml:"amplitude"`
	Slope     float64 `yaml:"slope"`
	Grid      float64 `yaml:"grid_spacing"` // arcsec
}

// NFWConf is an NFW halo.
type NFWConf struct {
	Mass          float64 `yaml:"mass"` // M200c in solar masses
	Concentration float64 `yaml:"concentration"`
	ZLens         float64 `yaml:"z_lens"`
	ZSource       float64 `yaml:"z_source"`
	X             float64 `yaml:"x"` // arcsec from the image centre
	Y             float64 `yaml:"y"`
}

// SIEConf is a singular isothermal ellipsoid strong lens.
type SIEConf struct {
	X       float64 `yaml:"x"`       // arcsec from the image centre
	Y       float64 `yaml:"y"`       // arcsec from the image centre
	ThetaE  float64 `yaml:"theta_e"` // Einstein radius, arcsec
	Q       float64 `yaml:"q"`       // axis ratio in (0,1]
	PA      float64 `yaml:"pa"`      // degrees
	Sources int     `yaml:"sources"` // galaxies placed behind the lens
}

// CalibrateConfig sets up a shear calibration (galforge calibrate): the
// config's stamps are simulated at input shears (±shear, 0) and (0, ±shear)
// and measured by metacalibration.
type CalibrateConfig struct {
	Shear     float64  `yaml:"shear"`     // input |g| per component (default 0.02)
	Step      float64  `yaml:"step"`      // metacalibration shear step (default 0.01)
	Bootstrap int      `yaml:"bootstrap"` // bootstrap resamples for the errors (default 200)
	Compare   []string `yaml:"compare"`   // further galaxy sources run with the same settings
}

// Load reads, defaults and validates a config file. Errors are one line that
// names the file, the line and the key.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a config from YAML bytes; path is used in error messages and
// to resolve relative file names.
func Parse(data []byte, path string) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", path, oneLine(err.Error()))
	}
	c := &Config{path: path, lines: map[string]int{}}
	if len(root.Content) > 0 {
		if err := checkKeys(root.Content[0], typeOfConfig, "", c.lines); err != nil {
			return nil, fmt.Errorf("%s:%v", path, err)
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("%s: %s", path, oneLine(err.Error()))
	}
	c.setDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.Join(strings.Fields(s), " ")
}

// Path is the file the config was read from.
func (c *Config) Path() string { return c.path }

// resolve finds a relative file name: as given (relative to the working
// directory), else relative to the config file's folder, else relative to
// the enclosing galforge checkout (the first parent folder with a go.mod),
// where the bundled data lives; it returns the config-relative name when
// none exists, for the error message.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	rel := filepath.Join(filepath.Dir(c.path), p)
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				if q := filepath.Join(d, p); exists(q) {
					return q
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return rel
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// has reports whether the config file set the dotted key (even to zero), so
// that an explicit 0 is validated rather than replaced by the default.
func (c *Config) has(key string) bool { _, ok := c.lines[key]; return ok }

// setDefaults fills in the keys the file did not set.
func (c *Config) setDefaults() {
	im := &c.Image
	if im.Type == "" {
		im.Type = "stamps"
	}
	if !c.has("image.stamp_size") {
		im.StampSize = 64
	}
	if !c.has("image.pixel_scale") {
		im.PixelScale = 0.2
	}
	if im.Noise.Type == "" {
		im.Noise.Type = "none"
	}
	if !c.has("image.noise.gain") {
		im.Noise.Gain = 1
	}
	if c.PSF.Spec == "" {
		c.PSF.Spec = "moffat beta=3.5 fwhm=0.7"
	}
	g := &c.Galaxies
	if g.Source == "" {
		g.Source = "parametric"
	}
	if !c.has("galaxies.count") && g.Density == 0 {
		g.Count = 100
	}
	if g.Orientation == "" {
		g.Orientation = "random"
	}
	if !c.has("galaxies.zero_point") {
		g.ZeroPoint = 30
	}
	if g.Mag == nil && g.Flux == nil {
		g.Flux = &Dist{Type: "const", Value: 1000}
	}
	if g.HLR == nil && (g.Source == "parametric" || g.Source == "") {
		g.HLR = &Dist{Type: "const", Value: 0.5}
	}
	p := &g.Parametric
	if p.Model == "" {
		p.Model = "sersic"
	}
	if p.N == nil {
		p.N = &Dist{Type: "const", Value: 1}
	}
	if p.BulgeFrac == nil {
		p.BulgeFrac = &Dist{Type: "const", Value: 0.3}
	}
	if p.BulgeHLRFrac == nil {
		p.BulgeHLRFrac = &Dist{Type: "const", Value: 0.5}
	}
	if g.Cosmos.Catalog == "" {
		g.Cosmos.Catalog = "data/cosmos-example/real_galaxy_catalog_23.5_example.fits"
	}
	r := &g.Real
	if r.Stamp == "" {
		r.Stamp = "data/cosmos-example/147246.0_150.416558_1.998697"
	}
	if r.Noise == "" {
		r.Noise = "whiten"
		if im.Type == "field" {
			r.Noise = "none"
		}
	}
	if r.NoiseCF == "" {
		r.NoiseCF = "data/cosmos-example/acs_I_unrot_sci_20_cf.fits"
	}
	if c.Lensing.Type == "" {
		c.Lensing.Type = "none"
	}
	cal := &c.Calibrate
	if !c.has("calibrate.shear") {
		cal.Shear = 0.02
	}
	if !c.has("calibrate.step") {
		cal.Step = 0.01
	}
	if !c.has("calibrate.bootstrap") {
		cal.Bootstrap = 200
	}
	ps := &c.Lensing.PowerSpectrum
	if !c.has("lensing.power_spectrum.slope") {
		ps.Slope = -2
	}
	if !c.has("lensing.power_spectrum.grid_spacing") {
		ps.Grid = 10 * im.PixelScale
	}
	if s := c.Lensing.SIE; s != nil {
		if !c.has("lensing.sie.q") {
			s.Q = 1
		}
		if !c.has("lensing.sie.sources") {
			s.Sources = 1
		}
	}
}

// cfgErr is a validation error: one line naming file, line and key.
func (c *Config) errf(key, format string, a ...any) error {
	loc := c.path
	if l, ok := c.lines[key]; ok {
		loc = fmt.Sprintf("%s:%d", c.path, l)
	}
	return fmt.Errorf("%s: %s: %s", loc, key, fmt.Sprintf(format, a...))
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (c *Config) validate() error {
	im := &c.Image
	switch im.Type {
	case "stamps":
		if im.StampSize < 4 || im.StampSize > 4096 {
			return c.errf("image.stamp_size", "%d pixels is outside [4, 4096]", im.StampSize)
		}
	case "field":
		if im.Nx < 4 || im.Ny < 4 || im.Nx > 1<<17 || im.Ny > 1<<17 {
			return c.errf("image.nx", "field of %dx%d pixels: nx and ny must be in [4, 131072]", im.Nx, im.Ny)
		}
	default:
		return c.errf("image.type", "%q is not one of stamps, field", im.Type)
	}
	if !(im.PixelScale > 0) || !finite(im.PixelScale) {
		return c.errf("image.pixel_scale", "%v arcsec/pixel must be positive", im.PixelScale)
	}
	if im.Dec < -90 || im.Dec > 90 || !finite(im.RA) {
		return c.errf("image.dec", "RA/Dec (%v, %v) degrees is not on the sky", im.RA, im.Dec)
	}
	if im.Offset < 0 || im.Offset > 1 {
		return c.errf("image.offset", "%v pixels must be in [0, 1]", im.Offset)
	}
	n := &im.Noise
	switch n.Type {
	case "none":
	case "gaussian":
		if !(n.Sigma > 0) {
			return c.errf("image.noise.sigma", "%v must be positive for gaussian noise", n.Sigma)
		}
	case "ccd":
		if n.SkyLevel < 0 || !finite(n.SkyLevel) {
			return c.errf("image.noise.sky_level", "%v must be >= 0", n.SkyLevel)
		}
		if n.ReadNoise < 0 || !finite(n.ReadNoise) {
			return c.errf("image.noise.read_noise", "%v must be >= 0", n.ReadNoise)
		}
		if n.SkyLevel == 0 && n.ReadNoise == 0 {
			return c.errf("image.noise.sky_level", "ccd noise needs sky_level or read_noise > 0")
		}
	default:
		return c.errf("image.noise.type", "%q is not one of none, gaussian, ccd", n.Type)
	}
	if !(n.Gain > 0) {
		return c.errf("image.noise.gain", "%v e-/ADU must be positive", n.Gain)
	}
	if n.SNR < 0 || !finite(n.SNR) {
		return c.errf("image.noise.snr", "%v must be >= 0", n.SNR)
	}
	if n.SNR > 0 && n.Type == "none" {
		return c.errf("image.noise.snr", "a target S/N needs noise (image.noise.type)")
	}
	if err := checkPSF(c); err != nil {
		return err
	}
	g := &c.Galaxies
	if g.Count < 0 {
		return c.errf("galaxies.count", "%d must not be negative", g.Count)
	}
	if g.Density < 0 || !finite(g.Density) {
		return c.errf("galaxies.density", "%v per arcmin² must not be negative", g.Density)
	}
	if g.Density > 0 && im.Type != "field" {
		return c.errf("galaxies.density", "a number density needs image.type: field")
	}
	if g.Count == 0 && g.Density == 0 {
		return c.errf("galaxies.count", "0 galaxies: nothing to render (give at least 1)")
	}
	if g.Count > 1e9 {
		return c.errf("galaxies.count", "%d is more than 1e9", g.Count)
	}
	switch g.Orientation {
	case "random":
	case "ring":
		if c.NumObjects()%2 != 0 {
			return c.errf("galaxies.count", "ring pairs need an even count, got %d", c.NumObjects())
		}
	default:
		return c.errf("galaxies.orientation", "%q is not one of random, ring", g.Orientation)
	}
	if g.ERMS < 0 || g.ERMS > 0.5 {
		return c.errf("galaxies.e_rms", "%v must be in [0, 0.5]", g.ERMS)
	}
	if g.Mag != nil && g.Flux != nil {
		return c.errf("galaxies.mag", "give mag or flux, not both")
	}
	for _, d := range []struct {
		key string
		d   *Dist
		lo  float64
	}{{"galaxies.mag", g.Mag, math.Inf(-1)}, {"galaxies.flux", g.Flux, positive}, {"galaxies.hlr", g.HLR, positive}} {
		if err := d.d.check(c, d.key, d.lo, math.Inf(1)); err != nil {
			return err
		}
	}
	switch g.Source {
	case "parametric":
		p := &g.Parametric
		switch p.Model {
		case "sersic":
			if err := p.N.check(c, "galaxies.parametric.n", 0.3, 6.2); err != nil {
				return err
			}
		case "bulge+disk":
			if err := p.BulgeFrac.check(c, "galaxies.parametric.bulge_fraction", 0, 1); err != nil {
				return err
			}
			if err := p.BulgeHLRFrac.check(c, "galaxies.parametric.bulge_hlr", positive, math.Inf(1)); err != nil {
				return err
			}
		default:
			return c.errf("galaxies.parametric.model", "%q is not one of sersic, bulge+disk", p.Model)
		}
	case "cosmos":
		if err := c.checkFile("galaxies.cosmos.catalog", g.Cosmos.Catalog); err != nil {
			return err
		}
	case "generator":
		if g.Generator.Model == "" {
			return c.errf("galaxies.generator.model", "a model directory is needed")
		}
		if err := c.checkFile("galaxies.generator.model", filepath.Join(g.Generator.Model, "model.json")); err != nil {
			return err
		}
		for k, d := range g.Generator.Conditions {
			if err := d.check(c, "galaxies.generator.conditions."+k, math.Inf(-1), math.Inf(1)); err != nil {
				return err
			}
		}
	case "real":
		r := &g.Real
		if err := c.checkFile("galaxies.real.stamp", r.Stamp+"_masknoise.fits"); err != nil {
			return err
		}
		if err := c.checkFile("galaxies.real.stamp", r.Stamp+".psf.fits"); err != nil {
			return err
		}
		if r.NoiseVariance < 0 {
			return c.errf("galaxies.real.noise_variance", "%v must be >= 0", r.NoiseVariance)
		}
		if r.Noise != "none" && c.Image.Type == "field" {
			return c.errf("galaxies.real.noise", "%s works on stamps; use none for a field", r.Noise)
		}
		switch r.Noise {
		case "whiten", "symmetrize", "none":
		default:
			return c.errf("galaxies.real.noise", "%q is not one of whiten, symmetrize, none", r.Noise)
		}
		if r.Noise != "none" {
			if err := c.checkFile("galaxies.real.noise_cf", r.NoiseCF); err != nil {
				return err
			}
		}
	default:
		return c.errf("galaxies.source", "%q is not one of parametric, cosmos, generator, real", g.Source)
	}
	if err := c.validateLensing(); err != nil {
		return err
	}
	cal := &c.Calibrate
	if !(cal.Shear > 0 && cal.Shear <= 0.2) {
		return c.errf("calibrate.shear", "%v must be in (0, 0.2]", cal.Shear)
	}
	if !(cal.Step > 0 && cal.Step <= 0.05) {
		return c.errf("calibrate.step", "%v must be in (0, 0.05]", cal.Step)
	}
	if cal.Bootstrap < 10 || cal.Bootstrap > 100000 {
		return c.errf("calibrate.bootstrap", "%d must be in [10, 100000]", cal.Bootstrap)
	}
	for i, s := range cal.Compare {
		switch s {
		case "parametric", "cosmos", "generator", "real":
		default:
			return c.errf(fmt.Sprintf("calibrate.compare[%d]", i), "%q is not one of parametric, cosmos, generator, real", s)
		}
	}
	// Checked last, so that a mistake inside a section is reported first:
	// a config without its galaxies or PSF is almost surely the wrong file.
	for _, sec := range []string{"psf", "galaxies"} {
		if !c.has(sec) {
			return fmt.Errorf("%s: the %q section is missing (an empty or unrelated YAML file?); CONFIG.md lists its keys", c.path, sec)
		}
	}
	return nil
}

// WithSource returns a copy of c drawing its galaxies from another source
// (keeping every other setting), validated again.
func (c *Config) WithSource(source string) (*Config, error) {
	d := c.clone()
	d.Galaxies.Source = source
	if source != "parametric" && c.Galaxies.Source == "parametric" {
		// Image sources keep their own size unless hlr was set explicitly.
		if _, set := c.lines["galaxies.hlr"]; !set {
			d.Galaxies.HLR = nil
		}
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// WithShear returns a copy of c with a constant reduced shear (g1, g2).
func (c *Config) WithShear(g1, g2 float64) (*Config, error) {
	d := c.clone()
	d.Lensing.Type = "constant"
	d.Lensing.G1, d.Lensing.G2 = g1, g2
	if err := d.validateLensing(); err != nil {
		return nil, err
	}
	return d, nil
}

func (c *Config) validateLensing() error {
	l := &c.Lensing
	checkG := func(key string, g1, g2 float64) error {
		if !finite(g1) || !finite(g2) || math.Hypot(g1, g2) >= 1 {
			return c.errf(key, "|g| = |(%v, %v)| must be < 1", g1, g2)
		}
		return nil
	}
	switch l.Type {
	case "none":
	case "constant":
		if err := checkG("lensing.g1", l.G1, l.G2); err != nil {
			return err
		}
	case "power_spectrum":
		ps := l.PowerSpectrum
		if !(ps.Amplitude >= 0) || !finite(ps.Amplitude) {
			return c.errf("lensing.power_spectrum.amplitude", "%v must be >= 0", ps.Amplitude)
		}
		if !(ps.Grid > 0) {
			return c.errf("lensing.power_spectrum.grid_spacing", "%v arcsec must be positive", ps.Grid)
		}
	case "nfw":
		h := l.NFW
		if !(h.Mass > 0) {
			return c.errf("lensing.nfw.mass", "%v solar masses must be positive", h.Mass)
		}
		if !(h.Concentration > 0) {
			return c.errf("lensing.nfw.concentration", "%v must be positive", h.Concentration)
		}
		if !(h.ZLens > 0) || !(h.ZSource > h.ZLens) {
			return c.errf("lensing.nfw.z_source", "need 0 < z_lens (%v) < z_source (%v)", h.ZLens, h.ZSource)
		}
	case "list":
		if len(l.List) == 0 {
			return c.errf("lensing.list", "an empty list of (g1, g2)")
		}
		for i, g := range l.List {
			if err := checkG(fmt.Sprintf("lensing.list[%d]", i), g[0], g[1]); err != nil {
				return err
			}
		}
	default:
		return c.errf("lensing.type", "%q is not one of none, constant, power_spectrum, nfw, list", l.Type)
	}
	if s := l.SIE; s != nil {
		if c.Image.Type != "field" {
			return c.errf("lensing.sie", "a strong lens needs image.type: field")
		}
		if !(s.ThetaE > 0) {
			return c.errf("lensing.sie.theta_e", "%v arcsec must be positive", s.ThetaE)
		}
		if !(s.Q > 0 && s.Q <= 1) {
			return c.errf("lensing.sie.q", "%v must be in (0, 1]", s.Q)
		}
		if s.Sources < 0 || s.Sources > c.NumObjects() {
			return c.errf("lensing.sie.sources", "%d must be in [0, galaxies.count=%d]", s.Sources, c.NumObjects())
		}
	}
	return nil
}

func (c *Config) checkFile(key, p string) error {
	if p == "" {
		return c.errf(key, "a file name is needed")
	}
	if _, err := os.Stat(c.resolve(p)); err != nil {
		if filepath.IsAbs(p) || !os.IsNotExist(err) {
			return c.errf(key, "file %s: %v", c.resolve(p), errText(err))
		}
		return c.errf(key, "file %s: no such file (tried %s from the working directory and %s beside the config)",
			p, p, filepath.Join(filepath.Dir(c.path), p))
	}
	return nil
}

func errText(err error) string {
	if os.IsNotExist(err) {
		return "no such file"
	}
	return err.Error()
}

// NumObjects is the number of galaxies the config describes.
func (c *Config) NumObjects() int {
	g := &c.Galaxies
	if g.Density > 0 && c.Image.Type == "field" {
		area := float64(c.Image.Nx) * float64(c.Image.Ny) * c.Image.PixelScale * c.Image.PixelScale / 3600
		n := int(math.Round(g.Density * area))
		if g.Orientation == "ring" && n%2 == 1 {
			n++
		}
		return n
	}
	return g.Count
}

// WithCount returns a copy of c with galaxies.count set to n (density
// cleared); tests and the calibration use it to shrink or grow runs.
func (c *Config) WithCount(n int) *Config {
	d := c.clone()
	d.Galaxies.Count = n
	d.Galaxies.Density = 0
	return d
}

func (c *Config) clone() *Config {
	d := *c
	if c.Lensing.SIE != nil {
		s := *c.Lensing.SIE
		d.Lensing.SIE = &s
	}
	return &d
}

// YAML returns the config with its defaults filled in, as YAML, for the run
// JSON and the shard headers.
func (c *Config) YAML() string {
	b, err := yaml.Marshal(c)
	if err != nil {
		return ""
	}
	return string(b)
}
