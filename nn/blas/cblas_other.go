//go:build !(linux || darwin || freebsd)

package blas

import "errors"

// CBLAS is unavailable on this platform; only gonum is used.
type CBLAS struct{ Backend }

// LoadCBLAS always fails where purego cannot open shared libraries.
func LoadCBLAS(file string) (*CBLAS, error) {
	return nil, errors.New("blas: loading a C library is not supported on this platform")
}
