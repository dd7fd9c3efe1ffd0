//go:build unix

package nn

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuSeconds returns the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkConvVAE times forward+backward of each convolution of the
// benchmark VAE (testdata/torch) at batch 64.
func BenchmarkConvVAE(b *testing.B) {
	type layer struct {
		cin, cout, k, h int
		o               ConvOpts
	}
	layers := []layer{
		{1, 32, 4, 64, ConvOpts{Stride: 2, Pad: 1}},
		{32, 64, 4, 32, ConvOpts{Stride: 2, Pad: 1}},
		{64, 128, 4, 16, ConvOpts{Stride: 2, Pad: 1}},
		{128, 64, 3, 16, ConvOpts{Pad: 1}},
		{64, 32, 3, 32, ConvOpts{Pad: 1}},
		{32, 1, 3, 64, ConvOpts{Pad: 1}},
	}
	for _, l := range layers {
		rng := NewRNG(1, 1)
		x := param(rng, -1, 1, 64, l.cin, l.h, l.h)
		w := param(rng, -1, 1, l.cout, l.cin, l.k, l.k)
		bias := param(rng, -1, 1, l.cout)
		tp := NewTape()
		for _, mode := range []string{"fwd", "fwdbwd"} {
			b.Run(fmt.Sprintf("%dto%d_k%d_%d_%s", l.cin, l.cout, l.k, l.h, mode), func(b *testing.B) {
				c0 := cpuSeconds()
				for b.Loop() {
					tp.Reset()
					y := tp.Conv2d(x, w, bias, l.o)
					if mode == "fwdbwd" {
						tp.BackwardWith(y, y.Data)
					}
				}
				b.ReportMetric((cpuSeconds()-c0)*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
