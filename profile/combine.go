package profile

import (
	"errors"
	"math"
)

// sum is the sum of profiles.
type sum struct{ ps []Profile }

// Add returns the sum of the profiles (e.g. bulge + disk): fluxes, surface
// brightnesses and transforms add. Nested sums are flattened.
func Add(ps ...Profile) Profile {
	var flat []Profile
	for _, p := range ps {
		if s, ok := p.(*sum); ok {
			flat = append(flat, s.ps...)
		} else if p != nil {
			flat = append(flat, p)
		}
	}
	return &sum{flat}
}

func (s *sum) Flux() float64 {
	var f float64
	for _, p := range s.ps {
		f += p.Flux()
	}
	return f
}
func (s *sum) XValue(x, y float64) float64 {
	var v float64
	for _, p := range s.ps {
		v += p.XValue(x, y)
	}
	return v
}
func (s *sum) KValue(kx, ky float64) complex128 {
	var v complex128
	for _, p := range s.ps {
		v += p.KValue(kx, ky)
	}
	return v
}
func (s *sum) MaxK() float64  { return s.maxK(&DefaultAccuracy) }
func (s *sum) StepK() float64 { return s.stepK(&DefaultAccuracy) }
func (s *sum) maxK(acc *Accuracy) float64 {
	var m float64
	for _, p := range s.ps {
		m = math.Max(m, maxKOf(p, acc))
	}
	return m
}
func (s *sum) stepK(acc *Accuracy) float64 {
	m := math.Inf(1)
	for _, p := range s.ps {
		m = math.Min(m, stepKOf(p, acc))
	}
	return m
}
func (s *sum) analyticX() bool {
	for _, p := range s.ps {
		if !isAnalyticX(p) {
			return false
		}
	}
	return len(s.ps) > 0
}

// convolution is the convolution of profiles.
type convolution struct{ ps []Profile }

// Convolve returns the convolution of the profiles (e.g. galaxy ⊗ PSF):
// fluxes and transforms multiply. MaxK is the smallest of the components',
// StepK is 1/√(Σ 1/StepK_i²) (sizes add in quadrature). Its XValue is
// computed by a direct inverse Fourier sum and is slow; Draw uses FFTs.
// Nested convolutions are flattened.
func Convolve(ps ...Profile) (Profile, error) {
	var flat []Profile
	for _, p := range ps {
		if p == nil {
			return nil, errors.New("profile: convolve: nil profile")
		}
		if c, ok := p.(*convolution); ok {
			flat = append(flat, c.ps...)
		} else {
			flat = append(flat, p)
		}
	}
	if len(flat) == 0 {
		return nil, errors.New("profile: convolve: no profiles")
	}
	return &convolution{flat}, nil
}

func (c *convolution) Flux() float64 {
	f := 1.0
	for _, p := range c.ps {
		f *= p.Flux()
	}
	return f
}
func (c *convolution) KValue(kx, ky float64) complex128 {
	v := complex(1, 0)
	for _, p := range c.ps {
		v *= p.KValue(kx, ky)
	}
	return v
}
func (c *convolution) MaxK() float64  { return c.maxK(&DefaultAccuracy) }
func (c *convolution) StepK() float64 { return c.stepK(&DefaultAccuracy) }
func (c *convolution) maxK(acc *Accuracy) float64 {
	m := math.Inf(1)
	for _, p := range c.ps {
		m = math.Min(m, maxKOf(p, acc))
	}
	return m
}
func (c *convolution) stepK(acc *Accuracy) float64 {
	var s float64
	for _, p := range c.ps {
		k := stepKOf(p, acc)
		if !math.IsInf(k, 1) {
			s += 1 / (k * k)
		}
	}
	if s == 0 {
		return math.Inf(1)
	}
	return 1 / math.Sqrt(s)
}

// XValue sums F(k) exp(i k·x) over a k grid of spacing StepK/2 out to MaxK.
func (c *convolution) XValue(x, y float64) float64 { return inverseFourierAt(c, x, y) }

func inverseFourierAt(p Profile, x, y float64) float64 {
	acc := &DefaultAccuracy
	kmax := maxKOf(p, acc)
	dk := stepKOf(p, acc) / 2
	if math.IsInf(kmax, 0) || !(dk > 0) {
		return math.NaN()
	}
	n := int(math.Ceil(kmax / dk))
	if n > 2000 {
		n = 2000
	}
	var s float64
	for j := -n; j <= n; j++ {
		ky := float64(j) * dk
		for i := -n; i <= n; i++ {
			kx := float64(i) * dk
			f := p.KValue(kx, ky)
			sn, cs := math.Sincos(kx*x + ky*y)
			s += real(f)*cs - imag(f)*sn
		}
	}
	return s * dk * dk / (4 * math.Pi * math.Pi)
}

// deconvolution is the inverse of a profile under convolution.
type deconvolution struct{ p Profile }

// Deconvolve returns the inverse of p under convolution: F(k) = 1/F_p(k),
// flux 1/Flux(p). It is only meaningful inside a Convolve whose other
// members cut off the high wavenumbers where F_p is small (the real-galaxy
// recipe: galaxy ⊗ Deconvolve(original PSF) ⊗ new PSF). MaxK and StepK are
// those of p; XValue is not defined and returns NaN.
func Deconvolve(p Profile) Profile { return &deconvolution{p} }

func (d *deconvolution) Flux() float64                    { return 1 / d.p.Flux() }
func (d *deconvolution) XValue(x, y float64) float64      { return math.NaN() }
func (d *deconvolution) KValue(kx, ky float64) complex128 { return 1 / d.p.KValue(kx, ky) }
func (d *deconvolution) MaxK() float64                    { return d.p.MaxK() }
func (d *deconvolution) StepK() float64                   { return d.p.StepK() }
func (d *deconvolution) maxK(acc *Accuracy) float64       { return maxKOf(d.p, acc) }
func (d *deconvolution) stepK(acc *Accuracy) float64      { return stepKOf(d.p, acc) }
