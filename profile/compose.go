package profile

import "math"

// ObjectTransform holds the whole-object operations of `galforge draw`,
// applied in this order: Rotate, Shear, Magnify, Shift.
type ObjectTransform struct {
	RotateDeg float64 // counter-clockwise rotation, degrees
	G1, G2    float64 // reduced shear
	Mu        float64 // lensing magnification (flux × Mu, sizes × √Mu); 0 means 1
	DX, DY    float64 // shift, arcsec
}

// Compose applies t to the galaxy and convolves the result with psf (nil:
// no PSF). This is the object `galforge draw` renders; the sub-pixel offset
// is a DrawOptions field.
func Compose(gal, psf Profile, t ObjectTransform) (Profile, error) {
	p := gal
	var err error
	if t.RotateDeg != 0 {
		if p, err = Rotate(p, t.RotateDeg*math.Pi/180); err != nil {
			return nil, err
		}
	}
	if t.G1 != 0 || t.G2 != 0 {
		if p, err = Shear(p, t.G1, t.G2); err != nil {
			return nil, err
		}
	}
	if t.Mu != 0 && t.Mu != 1 {
		if p, err = Magnify(p, t.Mu); err != nil {
			return nil, err
		}
	}
	if t.DX != 0 || t.DY != 0 {
		if p, err = Shift(p, t.DX, t.DY); err != nil {
			return nil, err
		}
	}
	if psf == nil {
		return p, nil
	}
	return Convolve(p, psf)
}
