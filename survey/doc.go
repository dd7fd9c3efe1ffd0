// Package survey is galforge's main job: a YAML configuration describes an
// image (a full field or a grid of postage stamps), a PSF, a galaxy source,
// lensing and noise; Run turns it into FITS images, a PSF image, a truth
// catalog (FITS and CSV), a PNG preview and a run JSON.
//
// Every random draw of object i flows from ObjectSeed(seed, i), a pure
// function of the global seed and the object index, so that a run split into
// N shards (each rendering a contiguous range of objects, or of field rows)
// and joined by Merge gives the same bytes as one run. The configuration
// keys, their meaning and their defaults are listed in CONFIG.md beside this
// file; an unknown key is an error that names the key, the file and the line.
//
// Memory stays bounded whatever the number of galaxies: stamp cubes are
// written plane by plane and fields band by band, through a small streaming
// FITS writer (stream.go), and the truth catalog is streamed row by row.
package survey
