// Package morph measures non-parametric and parametric morphology of
// galaxy images, following the definitions of statmorph (Rodriguez-Gomez
// et al. 2019): Gini and M20 (Lotz, Primack & Madau 2004), concentration,
// asymmetry and smoothness (Conselice 2003), the Petrosian and half-light
// radii, the ellipticity from adaptive moments, a Sérsic-index fit, and the
// azimuthally averaged power spectrum.
//
// Radii are in pixels, measured from centres in 0-based pixel coordinates
// (package pix). Apertures are circles whose pixel overlap is computed by
// sub-sampling boundary pixels, so growth curves are smooth in the radius.
// No PSF is deconvolved: the statistics describe the image as seen.
package morph
