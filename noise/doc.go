// Package noise adds pixel noise to images from explicit seeds: Gaussian,
// Poisson, CCD (sky, gain, read noise) and correlated noise described by a
// correlation function, and whitens or 4-fold symmetrises the correlated
// noise a transformed real galaxy carries.
//
// Every draw comes from a caller-supplied *rand.Rand (math/rand/v2); NewRand
// makes the package's standard PCG stream from a seed. Pixels are drawn in
// row-major order, so the same seed gives the same bytes.
//
// Correlated noise is handled on power spectra on a pixel grid: the
// correlation function ξ(Δ) sampled at the image's pixel lags and wrapped
// onto a periodic n×n grid has the discrete power spectrum P = DFT(ξ) (real
// and ≥ 0 for a valid ξ); a field with that covariance is
// IDFT(√P · DFT(w)) for white unit Gaussian w, generated on a grid larger
// than the image by the correlation length and cropped, so every lag inside
// the image is exact. Whitening adds noise of power max(P) − P;
// symmetrising adds the difference to the maximum of P over the four 90°
// rotations of k. ξ is treated as a continuous function (bilinear between
// its samples), so images of any pixel scale sample it at their own lags.
//
// The real-galaxy recipe: build c from the stamp's correlation function
// (NewCorrelated; WithVariance for the catalogue's NOISE_VARIANCE), follow
// the galaxy with c.Shear or c.Transform, then c.Convolve with a real-space
// kernel or c.Filter with |T̃/H̃|² (target PSF over original PSF), and call
// c.Whiten(img, rng) or c.Symmetrize(img, 4, rng) on the final image; both
// return the variance they added.
package noise
