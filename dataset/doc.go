// Package dataset loads the bundled stamp sets — gz-decals-rings,
// mirabest-first, first-radio-galaxy-4class, frdeep-first-nvss, each an
// image cube plus a CATALOG table — as labelled float32 stamps with units,
// pixel scale, band names, catalog columns as named conditions and the
// train/valid/test split, for training and evaluating generative models.
//
// Train only on Indices("train"); "test" is for evaluation only.
//
// It also describes and previews every folder under data/ (List, Preview)
// for `galforge data list` and `galforge data show`.
//
// Sets are found by name under DataDir: $GALFORGE_DATA, else the data/
// folder of the repository containing the working directory.
package dataset
