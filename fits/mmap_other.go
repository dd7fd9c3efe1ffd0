//go:build !(linux || darwin || freebsd)

package fits

import "os"

func mapRange(f *os.File, off, n int64) ([]byte, func()) { return nil, nil }
