package profile

import "math"

// sinc is sin(x)/x.
func sinc(x float64) float64 {
	if math.Abs(x) < 1e-4 {
		return 1 - x*x/6
	}
	return math.Sin(x) / x
}

// pixel is a uniform square of side w arcsec.
type pixel struct{ flux, w float64 }

// Pixel returns the square pixel response of side width arcsec:
//
//	I(x, y) = Flux/w² for |x|, |y| < w/2,   F(k) = Flux · sinc(kx w/2) · sinc(ky w/2),
//
// with sinc(u) = sin(u)/u. Draw's Auto method convolves with it itself.
func Pixel(width, flux float64) (Profile, error) {
	if err := checkPositive("pixel", "width", width); err != nil {
		return nil, err
	}
	if err := checkFinite("pixel", "flux", flux); err != nil {
		return nil, err
	}
	return &pixel{flux, width}, nil
}

func (p *pixel) Flux() float64 { return p.flux }
func (p *pixel) XValue(x, y float64) float64 {
	h := p.w / 2
	if math.Abs(x) > h || math.Abs(y) > h {
		return 0
	}
	return p.flux / (p.w * p.w)
}
func (p *pixel) KValue(kx, ky float64) complex128 {
	return complex(p.flux*sinc(kx*p.w/2)*sinc(ky*p.w/2), 0)
}
func (p *pixel) MaxK() float64              { return p.maxK(&DefaultAccuracy) }
func (p *pixel) StepK() float64             { return p.stepK(&DefaultAccuracy) }
func (p *pixel) maxK(acc *Accuracy) float64 { return 2 / (acc.MaxKThreshold * p.w) }
func (p *pixel) stepK(*Accuracy) float64    { return math.Pi / p.w }

// delta is a point source.
type delta struct{ flux float64 }

// Delta returns a point source of the given flux: F(k) = Flux everywhere.
// Its XValue is 0 except +Inf at the origin; draw it convolved with a PSF.
func Delta(flux float64) (Profile, error) {
	if err := checkFinite("delta", "flux", flux); err != nil {
		return nil, err
	}
	return &delta{flux}, nil
}

func (p *delta) Flux() float64 { return p.flux }
func (p *delta) XValue(x, y float64) float64 {
	if x == 0 && y == 0 {
		return math.Inf(1)
	}
	return 0
}
func (p *delta) KValue(kx, ky float64) complex128 { return complex(p.flux, 0) }
func (p *delta) MaxK() float64                    { return math.Inf(1) }
func (p *delta) StepK() float64                   { return math.Inf(1) }
func (p *delta) maxK(*Accuracy) float64           { return math.Inf(1) }
func (p *delta) stepK(*Accuracy) float64          { return math.Inf(1) }
