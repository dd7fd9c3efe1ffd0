// Package fits reads and writes FITS files: headers, primary and IMAGE HDUs,
// binary and ASCII tables, random groups and tile-compressed images.
//
// Reading is lazy: Open reads header blocks only as HDUs are asked for, and
// data is read on demand, one HDU, one plane or one window at a time. Plain
// files are read with seeks; .gz (several gzip members too) and .bz2 files are
// decompressed as a forward stream that is restarted only when an earlier
// offset is needed, so nothing larger than the requested data is kept.
//
// HDUs count from 0, as in astropy. Images are returned in FITS order: Axes[0]
// is NAXIS1 and Data has x (NAXIS1) fastest, pixel (0,0) the first stored
// pixel, the lower-left one as ds9 shows it. Values are physical:
// BSCALE/BZERO applied and BLANK mapped to NaN. Native accessors
// (HDU.Native, Table.Native) return the stored values in native-endian Go
// slices without conversion when speed matters.
//
// Writing goes through Writer, which writes to a temporary file in the target
// directory and renames it into place on Close, so a failed write never leaves
// a partial file. A path ending in .gz is written gzip-compressed.
//
// Every error names the file, the HDU and, where one is at fault, the keyword.
package fits
