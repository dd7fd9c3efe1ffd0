// Package profile draws galaxies and PSFs: surface-brightness profiles with
// a total flux, defined analytically in real and Fourier space, their
// transforms, sums and convolutions, and the drawing of any of them onto a
// pix.Image.
//
// Every profile satisfies Profile. Positions are in arcsec from the
// profile's origin, wavenumbers in rad/arcsec, surface brightness in flux
// per arcsec². The Fourier convention is
//
//	F(k) = ∫ f(x) exp(-i k·x) d²x,   so F(0) = Flux().
//
// Profiles (one file each, the formula in the constructor's doc):
// Gaussian, Exponential, DeVaucouleurs, Sersic and NewSersic (0.3 <= n <=
// 6.2, half-light or scale radius, optional truncation), Moffat and
// NewMoffat (β, FWHM or scale radius, optional truncation), Airy (λ/D,
// central obscuration), Kolmogorov (λ/r0 or FWHM), Pixel (the square pixel
// response), Delta (a point source) and NewInterpolatedImage (a pix.Image
// with a Quintic or Lanczos interpolant, zero-padded). Transforms: Shear,
// Rotate, Magnify, Dilate, Shift, ScaleFlux and the general Transform by a
// 2x2 Jacobian. Combinations: Add (bulge + disk), Convolve and Deconvolve.
//
// The real-galaxy recipe: RealGalaxy(galaxy image, its PSF image) is
// galaxy ⊗ Deconvolve(PSF); shear it and Convolve it with the survey PSF,
// whose band limit keeps the deconvolution finite.
//
// Compose applies the whole-object operations of `galforge draw` in its
// order (rotate, shear, magnify, shift, then the PSF); ParseSpec builds any
// profile from the short SPEC text language of the CLI.
//
// # Drawing
//
// Draw renders a profile into an image whose pixel scale is set. The profile
// origin sits on the image's true centre (see package pix) plus an optional
// sub-pixel offset in pixels. Two methods:
//
//   - Auto: the profile convolved with the square pixel, sampled at pixel
//     centres, i.e. the exact integral of the surface brightness over each
//     pixel.
//   - NoPixel: the surface brightness sampled at pixel centres times the
//     pixel area (for profiles that already include the pixel response).
//
// Draw picks the route itself:
//
//   - Real space, for profiles whose surface brightness is known in closed
//     form (every analytic profile, and their sums and transforms, but not
//     convolutions). NoPixel samples XValue. Auto integrates XValue over
//     each pixel by adaptive Gauss-Legendre cubature: a 5x5 and an 8x8 rule
//     are compared on the pixel, and the pixel is split in four, recursively,
//     until they agree to Accuracy.RealSpaceRelErr times the peak pixel.
//     This is how cuspy profiles such as Sérsic n=6 are drawn exactly and
//     fast: the cusp pixel is subdivided ~15 levels deep, all other pixels
//     take one or two rule evaluations. (GalSim would need a 26850² FFT for
//     that case.) Pixels touching the profile centre are first split
//     towards it until the cells are finer than 1/MaxK, so that a profile
//     far smaller than a pixel (down to 1e-9 arcsec) still puts its whole
//     flux in the pixel(s) holding its centre.
//   - Fourier space, for everything else (convolutions, deconvolutions,
//     interpolated images): the product of the Fourier transforms (times
//     the pixel's sinc for Auto) is sampled on a grid of spacing
//     dk = 2π/(N·scale) out to MaxK, aliased (wrapped) into the N×N
//     Nyquist box and inverse-transformed (internal/fft). N is the
//     smallest 2^a·3^b·5^c at least max(Nx, Ny, 2π/(StepK·scale)), where
//     StepK = π/R and R encloses all but Accuracy.FoldingThreshold of the
//     flux. N may not exceed Accuracy.MaximumFFTSize (galforge's rule;
//     default 4096): the error names the profile's StepK, the size needed
//     and how to change it.
//
// # Accuracy
//
// One Accuracy value holds every numerical knob (GalSim's GSParams). Its
// defaults, DefaultAccuracy, are stricter than GalSim's (folding 2e-3
// instead of 5e-3, maxK threshold 1e-4 instead of 1e-3, and the FFT box is
// never smaller than the stamp), so that FFT-drawn stamps agree with exact
// pixel integrals to a few 1e-5 of the peak; real-space stamps are exact to
// RealSpaceRelErr (1e-7) of the peak. Tighter values trade speed for
// accuracy: FoldingThreshold 5e-4 and MaxKThreshold 1e-5 reach ~1e-6.
//
// # Speed
//
// Profiles are immutable and safe for concurrent use. Tabulated transforms
// (Sérsic per n and truncation, Moffat per β and truncation, Kolmogorov)
// are built lazily, once per process, and cached; building
// a profile is then cheap, so surveys build one per stamp. FFTs of
// power-of-two sizes use the radix-2 path of internal/fft (about 2.6 times
// faster than gonum's for 64 points), other sizes gonum's dsp/fourier. For the
// stamps of bench/render.sh most of the time goes into evaluating the
// transforms on the k grid (spline look-ups of the Sérsic and Moffat
// tables, the quintic k interpolation of real-galaxy images), then the
// FFT.
//
// # Errors
//
// Constructors check their parameters and return a *RangeError naming the
// parameter, its value and the allowed range (n outside [0.3, 6.2], |g| >= 1,
// non-positive sizes, NaN or Inf); nothing in this package panics on bad
// input.
package profile
