// Package lensing computes gravitational lensing of background galaxies:
// weak-lensing shear fields (constant, Gaussian random fields drawn from a
// convergence power spectrum, NFW haloes) and strong lensing by singular
// isothermal spheres and ellipsoids with external shear, by ray-tracing a
// source surface brightness through the lens equation β = θ − α(θ).
//
// Units: positions and deflections are in arcsec at the API (radians only
// inside formulas); masses in solar masses (no factors of h); distances in
// Mpc; angular wavenumbers k in radians per arcsec (k = 2π/λ with λ in
// arcsec) and convergence power P(k) in arcsec².
//
// Sign conventions (GalSim's): positive γ1 stretches an image along x,
// positive γ2 along the line x = y. The local lens mapping is the Jacobian
//
//	A = ∂β/∂θ = [[1−κ−γ1, −γ2], [−γ2, 1−κ+γ1]],
//
// so the reduced shear is g = γ/(1−κ) and the magnification
// μ = 1/det A = 1/((1−κ)² − |γ|²). A tangentially stretched image around a
// mass at the origin, seen on the +x axis, has γ1 < 0.
package lensing
