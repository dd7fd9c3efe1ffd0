package judge

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/generator"
	"github.com/galforge/galforge/nn"
)

// CNN is a small convolutional binary classifier of stamps (three strided
// 3x3 convolutions with LeakyReLU, then a linear layer to one logit),
// trained on real stamps with the 8 flips and rotations as augmentation.
// It sees the stamps through the model card's normalisation.
type CNN struct {
	norm        generator.Norm
	bands, size int
	convs       []*nn.Conv2dLayer
	out         *nn.LinearLayer
}

// TrainCNN fits a CNN to stamps (data units, bands x n x n, n a multiple
// of 8) with labels 0/1: steps AdamW steps of 32 stamps drawn from seed.
func TrainCNN(stamps [][]float32, labels []int, norm generator.Norm, bands, n, steps int, seed uint64) (*CNN, error) {
	if len(stamps) != len(labels) || len(stamps) < 4 || n%8 != 0 {
		return nil, fmt.Errorf("judge: CNN needs >= 4 labelled stamps of a side divisible by 8, have %d stamps, %d labels, side %d", len(stamps), len(labels), n)
	}
	rng := nn.NewRNG(seed, 0x636e6e)
	c := &CNN{norm: norm, bands: bands, size: n}
	chans := []int{bands, 8, 16, 32}
	for i := 0; i < 3; i++ {
		c.convs = append(c.convs, nn.NewConv2d(fmt.Sprintf("clf.%d", i), chans[i], chans[i+1], 3, nn.ConvOpts{Stride: 2, Pad: 1}, true, rng))
	}
	c.out = nn.NewLinear("clf.out", 32*(n/8)*(n/8), 1, true, rng)
	var ps []*nn.Tensor
	for _, cv := range c.convs {
		ps = append(ps, cv.Params()...)
	}
	ps = append(ps, c.out.Params()...)
	opt := nn.NewAdamW(ps, 1e-3, 1e-2)
	const batch = 32
	m := bands * n * n
	plane := n * n
	norm32 := make([][]float32, len(stamps))
	for i, s := range stamps {
		norm32[i] = c.normalise(s)
	}
	tp := nn.NewTape()
	for step := 0; step < steps; step++ {
		tp.Reset()
		x := tp.New(batch, bands, n, n)
		y := tp.New(batch, 1)
		for i := 0; i < batch; i++ {
			k := rng.IntN(len(stamps))
			t := rng.IntN(8)
			for b := 0; b < bands; b++ {
				generator.Dihedral(x.Data[i*m+b*plane:i*m+(b+1)*plane], norm32[k][b*plane:(b+1)*plane], n, t)
			}
			y.Data[i] = float32(labels[k])
		}
		loss := tp.BCEWithLogits(c.logits(tp, x), y)
		tp.Backward(loss)
		opt.Step()
	}
	return c, nil
}

func (c *CNN) normalise(s []float32) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(c.norm.Forward(float64(v)))
	}
	return out
}

func (c *CNN) logits(tp *nn.Tape, x *nn.Tensor) *nn.Tensor {
	h := x
	for _, cv := range c.convs {
		h = tp.LeakyReLU(cv.Forward(tp, h), 0.2)
	}
	return c.out.Forward(tp, tp.Flatten(h))
}

// Prob returns the probability that a stamp (data units) is of class 1,
// averaged over its 8 flips and rotations.
func (c *CNN) Prob(stamp []float32) float64 {
	tp := nn.NewTape()
	tp.NoGrad, tp.Training = true, false
	n, plane := c.size, c.size*c.size
	s := c.normalise(stamp)
	x := tp.New(8, c.bands, n, n)
	m := c.bands * plane
	for t := 0; t < 8; t++ {
		for b := 0; b < c.bands; b++ {
			generator.Dihedral(x.Data[t*m+b*plane:t*m+(b+1)*plane], s[b*plane:(b+1)*plane], n, t)
		}
	}
	z := c.logits(tp, x)
	var p float64
	for _, v := range z.Data {
		p += 1 / (1 + math.Exp(-float64(v)))
	}
	return p / 8
}

// Rate returns the fraction of stamps classified as class 1.
func (c *CNN) Rate(stamps [][]float32) float64 { return rate(c, stamps) }
