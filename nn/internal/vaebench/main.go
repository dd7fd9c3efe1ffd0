// Command vaebench times galforge's nn on the conv VAE of
// testdata/torch/vae_bench_reference.py, built identically (same layers,
// loss, optimiser, batch and timing protocol): the median training-step
// time over 20 steps after 3 warm-up steps (batch 64, 64×64×1), and the
// decoder's generation rate at batch 256 (median of 5 after one warm-up).
//
//	go run ./nn/internal/vaebench -threads 2 [-cpuprofile vae.pprof]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/galforge/galforge/nn"
)

const (
	batch  = 64
	latent = 32
)

type vae struct {
	enc       [3]*nn.Conv2dLayer
	mu, lv    *nn.LinearLayer
	dense     *nn.LinearLayer
	dec       [3]*nn.Conv2dLayer
	decT      [3]*nn.ConvTranspose2dLayer
	transpose bool
}

func newVAE(seed uint64, transpose bool) *vae {
	rng := nn.NewRNG(seed, 0)
	m := &vae{transpose: transpose}
	s2 := nn.ConvOpts{Stride: 2, Pad: 1}
	m.enc[0] = nn.NewConv2d("enc.0", 1, 32, 4, s2, true, rng)
	m.enc[1] = nn.NewConv2d("enc.2", 32, 64, 4, s2, true, rng)
	m.enc[2] = nn.NewConv2d("enc.4", 64, 128, 4, s2, true, rng)
	m.mu = nn.NewLinear("mu", 8*8*128, latent, true, rng)
	m.lv = nn.NewLinear("logvar", 8*8*128, latent, true, rng)
	m.dense = nn.NewLinear("dense", latent, 8*8*128, true, rng)
	if transpose {
		m.decT[0] = nn.NewConvTranspose2d("dec.0", 128, 64, 4, s2, true, rng)
		m.decT[1] = nn.NewConvTranspose2d("dec.2", 64, 32, 4, s2, true, rng)
		m.decT[2] = nn.NewConvTranspose2d("dec.4", 32, 1, 4, s2, true, rng)
	} else {
		p1 := nn.ConvOpts{Pad: 1}
		m.dec[0] = nn.NewConv2d("dec.1", 128, 64, 3, p1, true, rng)
		m.dec[1] = nn.NewConv2d("dec.4", 64, 32, 3, p1, true, rng)
		m.dec[2] = nn.NewConv2d("dec.7", 32, 1, 3, p1, true, rng)
	}
	return m
}

func (m *vae) params() []*nn.Tensor {
	ms := []nn.Module{m.enc[0], m.enc[1], m.enc[2], m.mu, m.lv, m.dense}
	for i := range 3 {
		if m.transpose {
			ms = append(ms, m.decT[i])
		} else {
			ms = append(ms, m.dec[i])
		}
	}
	return nn.Collect(ms...)
}

func (m *vae) decode(tp *nn.Tape, z *nn.Tensor) *nn.Tensor {
	h := tp.Reshape(tp.ReLU(m.dense.Forward(tp, z)), -1, 128, 8, 8)
	for i := range 3 {
		if m.transpose {
			h = m.decT[i].Forward(tp, h)
		} else {
			h = m.dec[i].Forward(tp, tp.UpsampleNearest(h, 2))
		}
		if i < 2 {
			h = tp.ReLU(h)
		}
	}
	return tp.Sigmoid(h)
}

// loss is Σ(r−x)²/B + KL/B.
func (m *vae) loss(tp *nn.Tape, x *nn.Tensor) *nn.Tensor {
	h := x
	for _, c := range m.enc {
		h = tp.ReLU(c.Forward(tp, h))
	}
	h = tp.Flatten(h)
	mu, lv := m.mu.Forward(tp, h), m.lv.Forward(tp, h)
	eps := tp.New(mu.Shape()...)
	eps.FillNormal(tp.RNG, 0, 1)
	z := tp.Add(mu, tp.Mul(tp.Exp(tp.Scale(lv, 0.5)), eps))
	r := m.decode(tp, z)
	b := float32(x.Dim(0))
	return tp.Add(tp.Scale(tp.SSE(r, x), 1/b), tp.Scale(tp.GaussianKL(mu, lv), 1/b))
}

// cpuTime returns the process's user+system CPU seconds so far.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func median(d []time.Duration) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2].Seconds()
	}
	return (s[n/2-1] + s[n/2]).Seconds() / 2
}

func main() {
	threads := flag.Int("threads", 2, "BLAS and nn threads (GOMAXPROCS is set to the same)")
	up := flag.String("up", "nearest", "decoder upsampling: nearest | convT")
	steps := flag.Int("steps", 20, "timed training steps")
	cpuprof := flag.String("cpuprofile", "", "write a CPU profile of the timed steps to this file")
	budget := flag.Int("colbudget", nn.ColBudget, "nn.ColBudget: convolution workspace per worker (float32 values)")
	opprof := flag.Bool("opprofile", false, "print time per operation over the timed steps and generation")
	flag.Parse()
	nn.ColBudget = *budget
	runtime.GOMAXPROCS(*threads)
	nn.SetThreads(*threads)
	m := newVAE(1, *up == "convT")
	opt := nn.NewAdam(m.params(), 1e-3)
	tp := nn.NewTape()
	tp.RNG = nn.NewRNG(2, 0)
	x := nn.Zeros(batch, 1, 64, 64)
	x.FillUniform(nn.NewRNG(3, 0), 0, 1)
	var last float32
	step := func() {
		tp.Reset()
		loss := m.loss(tp, x)
		tp.Backward(loss)
		opt.Step()
		last = loss.Item()
	}
	for range 3 {
		step()
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	if *opprof {
		tp.Profile = nn.NewProfile()
	}
	cpu0 := cpuTime()
	ts := make([]time.Duration, *steps)
	for i := range ts {
		t0 := time.Now()
		if tp.Profile != nil {
			tp.Profile.Mark()
		}
		step()
		ts[i] = time.Since(t0)
	}
	if *cpuprof != "" {
		pprof.StopCPUProfile()
	}
	med := median(ts)
	cpuStep := (cpuTime() - cpu0) / float64(*steps)
	fmt.Printf("galforge nn [%s] threads=%d up=%s: median train step %.4fs, %.1f images/s (loss %.1f, CPU %.3fs/step)\n",
		nn.BLASName(), nn.Threads(), *up, med, batch/med, last, cpuStep)
	gen := nn.NewTape()
	gen.NoGrad, gen.Training = true, false
	z := nn.Zeros(256, latent)
	z.FillNormal(nn.NewRNG(4, 0), 0, 1)
	if *opprof {
		fmt.Print(tp.Profile)
		gen.Profile = nn.NewProfile()
	}
	gs := make([]time.Duration, 6)
	var gcpu float64
	for i := range gs {
		if i == 1 {
			gcpu = cpuTime()
		}
		gen.Reset()
		if gen.Profile != nil {
			gen.Profile.Mark()
		}
		t0 := time.Now()
		m.decode(gen, z)
		gs[i] = time.Since(t0)
	}
	if *opprof {
		fmt.Print(gen.Profile)
	}
	g := median(gs[1:])
	gcpu = (cpuTime() - gcpu) / float64(len(gs)-1)
	fmt.Printf("galforge generate: decoder batch 256 median %.4fs, %.1f images/s (CPU %.3fs/batch)\n", g, 256/g, gcpu)
}
