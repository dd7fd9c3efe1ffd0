// Package judge is galforge's first realism check for generative models:
// it compares generated stamps with held-out real ones (the test split)
// through the distributions of simple morphology statistics (flux,
// half-light radius, ellipticity, concentration), the pixel-value histogram,
// the radial power spectrum and a memorisation test (distance from each
// sample to its nearest training image against the same distance for
// held-out real images). It also holds the small classifier used to check
// that conditioning works.
package judge
