package survey

import (
	"fmt"
	"math"
	"math/rand/v2"

	"go.yaml.in/yaml/v3"
)

// Dist is a one-dimensional distribution for a galaxy parameter. In YAML it
// is either a number (a constant) or a mapping:
//
//	{type: uniform, min: A, max: B}
//	{type: normal, mean: M, sigma: S}        (truncated to [min, max] when given)
//	{type: lognormal, mean: M, sigma: S}     (mean and sigma of ln x; M is ln of the median)
//	{type: powerlaw, min: A, max: B, slope: s}  (p(x) ∝ x^s on [A, B])
//	{type: choice, values: [v1, v2, ...]}    (equal weights)
type Dist struct {
	Type   string    `yaml:"type"`
	Value  float64   `yaml:"value,omitempty"`
	Min    float64   `yaml:"min,omitempty"`
	Max    float64   `yaml:"max,omitempty"`
	Mean   float64   `yaml:"mean,omitempty"`
	Sigma  float64   `yaml:"sigma,omitempty"`
	Slope  float64   `yaml:"slope,omitempty"`
	Values []float64 `yaml:"values,omitempty"`
}

// distFields mirrors Dist without its YAML method, for decoding mappings.
type distFields Dist

// UnmarshalYAML accepts a number or a mapping.
func (d *Dist) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var v float64
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("line %d: %q is not a number or a distribution mapping", n.Line, n.Value)
		}
		*d = Dist{Type: "const", Value: v}
		return nil
	}
	var f distFields
	if err := n.Decode(&f); err != nil {
		return err
	}
	*d = Dist(f)
	if d.Type == "" {
		d.Type = "const"
	}
	return nil
}

// MarshalYAML writes constants as plain numbers.
func (d Dist) MarshalYAML() (any, error) {
	if d.Type == "const" {
		return d.Value, nil
	}
	return distFields(d), nil
}

// positive is the lower bound of parameters that must be > 0.
const positive = math.SmallestNonzeroFloat64

// allowed describes the interval [lo, hi] for error messages, writing the
// "> 0" bound of positive parameters as such rather than as 5e-324.
func allowed(lo, hi float64) string {
	low := fmt.Sprintf("[%v", lo)
	if lo == positive {
		low = "(0"
	}
	high := fmt.Sprintf("%v]", hi)
	if math.IsInf(hi, 1) {
		high = "+Inf)"
	}
	return low + ", " + high
}

// check validates the distribution's parameters and that its support lies
// within [lo, hi].
func (d *Dist) check(c *Config, key string, lo, hi float64) error {
	if d == nil {
		return nil
	}
	bounds := allowed(lo, hi)
	for _, v := range []float64{d.Value, d.Min, d.Max, d.Mean, d.Sigma, d.Slope} {
		if !finite(v) {
			return c.errf(key, "NaN or Inf parameter")
		}
	}
	in := func(v float64) bool { return v >= lo && v <= hi }
	switch d.Type {
	case "const":
		if !in(d.Value) {
			return c.errf(key, "value %v is outside %s", d.Value, bounds)
		}
	case "uniform", "powerlaw":
		if !(d.Max > d.Min) {
			return c.errf(key, "%s needs min < max, got [%v, %v]", d.Type, d.Min, d.Max)
		}
		if !in(d.Min) || !in(d.Max) {
			return c.errf(key, "range [%v, %v] is outside %s", d.Min, d.Max, bounds)
		}
		if d.Type == "powerlaw" && d.Min <= 0 {
			return c.errf(key, "powerlaw needs min > 0")
		}
	case "normal":
		if !(d.Sigma >= 0) {
			return c.errf(key, "sigma %v must be >= 0", d.Sigma)
		}
		if d.Min != 0 || d.Max != 0 {
			if !(d.Max > d.Min) || !in(d.Min) || !in(d.Max) {
				return c.errf(key, "truncation [%v, %v] must have min < max inside %s", d.Min, d.Max, bounds)
			}
		} else if !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
			return c.errf(key, "a normal distribution needs min and max within %s", bounds)
		}
	case "lognormal":
		if !(d.Sigma >= 0) {
			return c.errf(key, "sigma %v must be >= 0", d.Sigma)
		}
		if lo > positive || !math.IsInf(hi, 1) {
			return c.errf(key, "a lognormal reaches outside %s; use uniform or a truncated normal", bounds)
		}
	case "choice":
		if len(d.Values) == 0 {
			return c.errf(key, "choice needs values")
		}
		for _, v := range d.Values {
			if !in(v) {
				return c.errf(key, "value %v is outside %s", v, bounds)
			}
		}
	default:
		return c.errf(key, "distribution type %q is not one of uniform, normal, lognormal, powerlaw, choice (or a number)", d.Type)
	}
	return nil
}

// Draw returns one value from the distribution.
func (d *Dist) Draw(r *rand.Rand) float64 {
	switch d.Type {
	case "uniform":
		return d.Min + (d.Max-d.Min)*r.Float64()
	case "normal":
		trunc := d.Min != 0 || d.Max != 0
		for range 1000 {
			v := d.Mean + d.Sigma*r.NormFloat64()
			if !trunc || (v >= d.Min && v <= d.Max) {
				return v
			}
		}
		return math.Min(math.Max(d.Mean, d.Min), d.Max)
	case "lognormal":
		return math.Exp(d.Mean + d.Sigma*r.NormFloat64())
	case "powerlaw":
		u := r.Float64()
		if s := d.Slope + 1; math.Abs(s) > 1e-12 {
			a, b := math.Pow(d.Min, s), math.Pow(d.Max, s)
			return math.Pow(a+u*(b-a), 1/s)
		}
		return d.Min * math.Pow(d.Max/d.Min, u)
	case "choice":
		return d.Values[r.IntN(len(d.Values))]
	}
	return d.Value
}
