//go:build unix

package profile

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) used by this process so far.
// Benchmarks report it per operation: on a shared, loaded machine it is
// what wall time would be on an idle one for single-threaded work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
