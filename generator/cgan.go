package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/galforge/galforge/nn"
)

func init() {
	register("cgan", kind{
		newTrainer: func(c *Card, seed uint64) (Trainer, error) { return newCGAN(c, seed, true) },
		load: func(dir string, c *Card) (Model, error) {
			g, err := newCGAN(c, 0, false)
			if err != nil {
				return nil, err
			}
			return g, g.net.loadWeights(dir)
		},
		defaults: map[string]float64{"channels": 16, "disc_channels": 32, "latent": 64, "lr": 1e-4, "lr_d": 4e-4, "ema": 0.999},
	})
}

// CGAN is a conditional GAN trained with the hinge loss
//
//	L_D = mean(relu(1 - D(x, c))) + mean(relu(1 + D(G(z, c), c)))
//	L_G = -mean(D(G(z, c), c))
//
// The discriminator's weights are spectrally normalised and the conditions
// enter it through a projection (Miyato & Koyama 2018): D(x, c) = ψ(φ(x)) +
// φ(x)·(V c), with φ the convolutional features. It has a 3x3 stride-1 and a
// 3x3 stride-2 convolution per scale (disc_channels, doubling), as in the
// SN-GAN "standard CNN". The generator maps [z, c] to a stamp through the
// same decoder shape as the CVAE's (nearest upsampling + convolutions),
// ending in tanh. Both use Adam with β = (0, 0.9); the critic learns at
// lr_d, the generator at lr (two time-scale update rule).
type CGAN struct {
	net  *netState
	gen  *decoder
	disc []*conv
	sn   []*nn.SpectralNorm
	psi  *linear
	proj *linear
	z    int
}

func newCGAN(c *Card, seed uint64, training bool) (*CGAN, error) {
	ch, dch, z := arch(c, "channels"), arch(c, "disc_channels"), arch(c, "latent")
	if ch < 2 || dch < 1 || z < 1 || c.Size%8 != 0 {
		return nil, fmt.Errorf("generator: cgan: channels %d >= 2, disc_channels %d >= 1, latent %d >= 1 and size %d a multiple of 8 needed", ch, dch, z, c.Size)
	}
	w := c.CondWidth()
	gp, dp := newParams(seed), newParams(seed+1)
	g := &CGAN{z: z}
	g.gen = gp.decoder("gen", z+w, c.Bands, ch, c.Size, true)
	in := c.Bands
	for i, out := range []int{dch, 2 * dch, 4 * dch} {
		g.disc = append(g.disc,
			dp.conv(fmt.Sprintf("disc.%d", 2*i), in, out, 3, 1),
			dp.conv(fmt.Sprintf("disc.%d", 2*i+1), out, out, 3, 2))
		in = out
	}
	flat := 4 * dch * (c.Size / 8) * (c.Size / 8)
	g.psi = dp.linear("disc.psi", flat, 1)
	g.proj = dp.linear("disc.proj", w, flat)
	g.net = newNetState(c, map[string]*params{"gen": gp, "disc": dp}, training)
	if training {
		for _, cv := range g.disc {
			g.sn = append(g.sn, nn.NewSpectralNorm(cv.w, dp.rng))
		}
		for _, l := range []*linear{g.psi, g.proj} {
			g.sn = append(g.sn, nn.NewSpectralNorm(l.w, dp.rng))
		}
		for _, sn := range g.sn {
			g.net.buffers = append(g.net.buffers, sn.Buffers()...)
		}
	}
	return g, nil
}

// Card returns the model card.
func (g *CGAN) Card() *Card { return g.net.card }

// critic returns D(x, c) [n, 1].
func (g *CGAN) critic(tp *nn.Tape, x, c *nn.Tensor) *nn.Tensor {
	h := x
	for i, cv := range g.disc {
		h = tp.LeakyReLU(tp.Conv2d(h, g.sn[i].Apply(tp, cv.w), cv.b, cv.o), 0.2)
	}
	h = tp.Flatten(h)
	k := len(g.disc)
	out := tp.Linear(h, g.sn[k].Apply(tp, g.psi.w), g.psi.b)
	proj := tp.Linear(c, g.sn[k+1].Apply(tp, g.proj.w), g.proj.b)
	return tp.Add(out, tp.Reshape(tp.SumRows(tp.Mul(h, proj)), h.Dim(0), 1))
}

// Step does one discriminator and one generator step on the batch.
func (g *CGAN) Step(x, cv []float32, n int, rng *rand.Rand) (map[string]float64, error) {
	c := g.net.card
	if err := checkShapes(c, x, cv, n); err != nil {
		return nil, err
	}
	m, w := c.Bands*c.Size*c.Size, c.CondWidth()
	tp := g.net.tape
	in := func() *nn.Tensor {
		v := tp.New(n, g.z+w)
		for i := 0; i < n; i++ {
			for k := 0; k < g.z; k++ {
				v.Data[i*(g.z+w)+k] = float32(rng.NormFloat64())
			}
			copy(v.Data[i*(g.z+w)+g.z:(i+1)*(g.z+w)], cv[i*w:(i+1)*w])
		}
		return v
	}
	// Discriminator: the fake batch enters as a constant.
	tp.Reset()
	cond := tp.Const(cv[:n*w], n, w)
	fake := tp.Const(g.gen.apply(tp, in()).Data, n, c.Bands, c.Size, c.Size)
	real := tp.Const(x[:n*m], n, c.Bands, c.Size, c.Size)
	ld := tp.HingeD(g.critic(tp, real, cond), g.critic(tp, fake, cond))
	g.net.opts["gen"].ZeroGrad()
	tp.Backward(ld)
	g.net.step("disc")
	dLoss := float64(ld.Item()) // read before tp.Reset recycles its buffer
	// Generator.
	tp.Reset()
	cond = tp.Const(cv[:n*w], n, w)
	lg := tp.HingeG(g.critic(tp, g.gen.apply(tp, in()), cond))
	tp.Backward(lg)
	g.net.opts["disc"].ZeroGrad()
	g.net.step("gen")
	gLoss := float64(lg.Item())
	return map[string]float64{"loss": dLoss + gLoss, "d": dLoss, "g": gLoss}, nil
}

// Sample maps z ~ N(0, I) through the generator under the conditions.
func (g *CGAN) Sample(cond Cond, n int, seed uint64) (*Batch, error) { return sample(g, cond, n, seed) }

// SampleRows maps z ~ N(0, I) through the generator under each row of conditions.
func (g *CGAN) SampleRows(rows [][]float64, seed uint64) (*Batch, error) {
	return latentRows(g.net, g.gen, rows, g.z, oneRNG(seed, cganStream))
}

// SampleSeeds maps one z per row, row i's drawn from seeds[i]: the same
// pixels as SampleRows(rows[i:i+1], seeds[i]).
func (g *CGAN) SampleSeeds(rows [][]float64, seeds []uint64) (*Batch, error) {
	return seedRows(g.net, rows, seeds, func(row [][]float64, seed uint64) (*Batch, error) {
		return decodeLatent(g.net, g.gen, row, g.z, oneRNG(seed, cganStream))
	})
}

// SaveCheckpoint writes both networks, EMA, optimiser state and the
// spectral-norm vectors.
func (g *CGAN) SaveCheckpoint(path string) error { return g.net.saveCheckpoint(path) }

// LoadCheckpoint restores SaveCheckpoint's file.
func (g *CGAN) LoadCheckpoint(path string) error { return g.net.loadCheckpoint(path) }

// Export writes the generator's EMA weights and the card.
func (g *CGAN) Export(dir string) error { return g.net.export(dir) }
