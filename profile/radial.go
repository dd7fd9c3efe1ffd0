package profile

import "math"

// shape is a circularly symmetric profile of unit flux, in units of its own
// length scale.
type shape interface {
	x(r float64) float64       // surface brightness at radius r
	k(k float64) float64       // Fourier transform (real), k(0) = 1
	maxK(thr float64) float64  // k beyond which |k(k)| < thr
	stepR(thr float64) float64 // radius enclosing all but thr of the flux
	edge() float64             // truncation radius, 0 for none
}

// radial is a shape with a flux and a length scale (arcsec).
type radial struct {
	flux, scale, inv2 float64
	s                 shape
}

func newRadial(flux, scale float64, s shape) *radial {
	return &radial{flux: flux, scale: scale, inv2: 1 / (scale * scale), s: s}
}

func (p *radial) Flux() float64 { return p.flux }

func (p *radial) XValue(x, y float64) float64 {
	return p.flux * p.inv2 * p.s.x(math.Sqrt(x*x+y*y)/p.scale)
}

func (p *radial) KValue(kx, ky float64) complex128 {
	return complex(p.flux*p.s.k(math.Sqrt(kx*kx+ky*ky)*p.scale), 0)
}

// kRadial is the Fourier transform at |k| (rad/arcsec).
func (p *radial) kRadial(k float64) float64 { return p.flux * p.s.k(k*p.scale) }

func (p *radial) MaxK() float64  { return p.maxK(&DefaultAccuracy) }
func (p *radial) StepK() float64 { return p.stepK(&DefaultAccuracy) }

func (p *radial) maxK(acc *Accuracy) float64 {
	return p.s.maxK(acc.MaxKThreshold) / p.scale
}

func (p *radial) stepK(acc *Accuracy) float64 {
	return math.Pi / (p.s.stepR(acc.FoldingThreshold) * p.scale)
}

func (p *radial) analyticX() bool { return true }

// support is the disc outside which p vanishes, if it is truncated.
func (p *radial) support() (ellipse, bool) {
	t := p.s.edge()
	if t == 0 {
		return ellipse{}, false
	}
	return ellipse{inv: [4]float64{1 / p.scale, 0, 0, 1 / p.scale}, t: t}, true
}
