// Package realism judges whether generated galaxy images are
// indistinguishable from real ones. Two sets of stamps are compared by
// their morphology statistics (package morph: per-statistic Wasserstein
// distances), their mean radial power spectra, and a two-sample classifier
// test (C2ST, Lopez-Paz & Oquab 2017): a small network (package nn) is
// trained on half of the objects to tell the sets apart and scored on the
// other half — an accuracy near 50 % means it cannot. Report writes the
// result as HTML with PNG image grids, histograms and spectra.
package realism
