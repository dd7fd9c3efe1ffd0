//go:build linux || darwin || freebsd

package fits

import (
	"os"
	"syscall"
)

// mapRange maps bytes [off, off+n) of a file read-only into memory; it
// returns nil if that fails, else the bytes and the function that unmaps them.
func mapRange(f *os.File, off, n int64) ([]byte, func()) {
	page := int64(os.Getpagesize())
	start := off / page * page
	length := off - start + n
	if n <= 0 || length != int64(int(length)) {
		return nil, nil
	}
	m, err := syscall.Mmap(int(f.Fd()), start, int(length), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	return m[off-start:], func() { syscall.Munmap(m) }
}
