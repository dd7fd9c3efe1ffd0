package generator

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/galforge/galforge/nn"
)

// params owns the named trainable tensors of a network, in creation order,
// and initialises them from one seeded RNG.
type params struct {
	list []*nn.Tensor
	rng  *rand.Rand
}

func newParams(seed uint64) *params { return &params{rng: nn.NewRNG(seed, 0x67656e)} }

func (p *params) add(name string, shape ...int) *nn.Tensor {
	t := nn.NewParam(name, shape...)
	p.list = append(p.list, t)
	return t
}

// uniform fills t from U(-a, a) with a = gain/sqrt(fanIn) (PyTorch-like).
func (p *params) uniform(t *nn.Tensor, fanIn int, gain float64) {
	a := float32(gain / math.Sqrt(float64(fanIn)))
	t.FillUniform(p.rng, -a, a)
}

// conv is a 2-D convolution layer (weights [out, in, k, k]).
type conv struct {
	w, b *nn.Tensor
	o    nn.ConvOpts
}

func (p *params) conv(name string, cin, cout, k, stride int) *conv {
	c := &conv{w: p.add(name+".weight", cout, cin, k, k), b: p.add(name+".bias", cout),
		o: nn.ConvOpts{Stride: stride, Pad: k / 2}}
	p.uniform(c.w, cin*k*k, 1)
	return c
}

// zero makes the layer start as the zero map (residual branches, outputs).
func (c *conv) zero() *conv { c.w.Fill(0); return c }

func (c *conv) apply(tp *nn.Tape, x *nn.Tensor) *nn.Tensor { return tp.Conv2d(x, c.w, c.b, c.o) }

// convT is a transposed convolution with kernel 4, stride 2, padding 1:
// it doubles the image size (weights [in, out, 4, 4]).
type convT struct {
	w, b *nn.Tensor
}

func (p *params) convT(name string, cin, cout int) *convT {
	c := &convT{w: p.add(name+".weight", cin, cout, 4, 4), b: p.add(name+".bias", cout)}
	p.uniform(c.w, cout*16/4, 1)
	return c
}

func (c *convT) apply(tp *nn.Tape, x *nn.Tensor) *nn.Tensor {
	return tp.ConvTranspose2d(x, c.w, c.b, nn.ConvOpts{Stride: 2, Pad: 1})
}

// linear is a fully connected layer (weights [out, in]).
type linear struct{ w, b *nn.Tensor }

func (p *params) linear(name string, in, out int) *linear {
	l := &linear{w: p.add(name+".weight", out, in), b: p.add(name+".bias", out)}
	p.uniform(l.w, in, 1)
	return l
}

func (l *linear) apply(tp *nn.Tape, x *nn.Tensor) *nn.Tensor { return tp.Linear(x, l.w, l.b) }

// arch reads an integer architecture knob from a card.
func arch(c *Card, key string) int { return int(math.Round(c.Arch[key])) }

// checkShapes verifies a batch handed to Step.
func checkShapes(c *Card, x, cv []float32, n int) error {
	m := c.Bands * c.Size * c.Size
	if n < 1 || len(x) < n*m || len(cv) < n*c.CondWidth() {
		return fmt.Errorf("generator: batch of %d needs %d pixels and %d condition values, have %d and %d",
			n, n*m, n*c.CondWidth(), len(x), len(cv))
	}
	return nil
}
