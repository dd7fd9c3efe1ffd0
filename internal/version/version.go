// Package version holds the galforge release string, written into model
// cards, run records and `galforge version`.
package version

// Version is the galforge release; builds from a checkout report this value.
const Version = "0.1.0-dev"
