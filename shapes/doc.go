// Package shapes measures galaxy shapes on pixel images: adaptive
// second moments (Bernstein & Jarvis 2002, in the HSM form of Hirata &
// Seljak 2003 and Mandelbaum et al. 2005, matching GalSim's
// hsm.FindAdaptiveMom), PSF-corrected ellipticities by re-Gaussianization
// (Hirata & Seljak 2003) and KSB (Kaiser, Squires & Broadhurst 1995), and
// metacalibration (Huff & Mandelbaum 2017; Sheldon & Huff 2017) with its
// shear and selection responses.
//
// Conventions. Pixel coordinates are 0-based with pixel (i, j) centred at
// (i, j), as in package pix; GalSim reports 1-based positions, which are
// these plus one. Sizes are in pixels. Two ellipticity conventions appear
// and are named in every field: the distortion
//
//	e = (a² − b²)/(a² + b²)  (e1 = (Mxx−Myy)/(Mxx+Myy), e2 = 2Mxy/(Mxx+Myy))
//
// and the reduced shear g = (a − b)/(a + b), related by e = 2g/(1+|g|²).
// Positive e1 stretches along x, positive e2 along the x = y diagonal.
package shapes
