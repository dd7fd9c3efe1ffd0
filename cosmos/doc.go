// Package cosmos reads real HST galaxies in GalSim's "real galaxy" layout
// — the COSMOS F814W training samples of Mandelbaum et al. (2012, 2014)
// and catalogs built the same way (AEGIS) — and fetches the public
// samples.
//
// A catalog is a set of FITS files side by side:
//
//	real_galaxy_catalog_X.fits            one row per galaxy: IDENT, RA, DEC, MAG,
//	                                      file and HDU of its image and PSF,
//	                                      PIXEL_SCALE, NOISE_VARIANCE, NOISE_FILENAME
//	real_galaxy_catalog_X_fits.fits       parametric fits (SERSICFIT, BULGEFIT, ...)
//	real_galaxy_catalog_X_selection.fits  stamp-quality flags
//	real_galaxy_images*.fits              galaxy stamps, one per HDU
//	real_galaxy_PSF_images*.fits          PSF stamps, one per HDU
//	acs_I_unrot_sci_20_cf.fits            noise correlation function
//
// Open reads the catalogs; images and PSFs are read when asked for. A
// missing image file (the bundled 100-galaxy example has no
// real_galaxy_images.fits) is reported by Catalog.Image with
// ErrNoImages and leaves everything else working.
//
// Angles are in arcsec at the API (pixel scales in arcsec/pixel), RA/Dec in
// degrees as stored. Images are pix.Image values with Scale set.
package cosmos
