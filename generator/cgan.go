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
		defaults: map[string]float64{"channels": 16, "latent": 64, "lr": 2e-4, "ema": 0.995},
	})
}

// CGAN is a conditional GAN trained with the hinge loss
//
//	L_D = mean(relu(1 - D(x, c))) + mean(relu(1 + D(G(z, c), c)))
//	L_G = -mean(D(G(z, c), c))
//
// The discriminator's weights are spectrally normalised and the conditions
// enter it through a projection (Miyato & Koyama 2018): D(x, c) = ψ(φ(x)) +
// φ(x)·(V c), with φ the convolutional features. The generator maps [z, c]
// to a stamp through the same decoder shape as the CVAE's, ending in tanh.
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
	ch, z := arch(c, "channels"), arch(c, "latent")
	if ch < 2 || z < 1 || c.Size%8 != 0 {
		return nil, fmt.Errorf("generator: cgan: channels %d >= 2, latent %d >= 1 and size %d a multiple of 8 needed", ch, z, c.Size)
	}
	w := c.CondWidth()
	gp, dp := newParams(seed), newParams(seed+1)
	g := &CGAN{z: z}
	g.gen = gp.decoder("gen", z+w, c.Bands, ch, c.Size, true)
	chans := []int{c.Bands, ch, 2 * ch, 4 * ch}
	for i := 0; i < 3; i++ {
		g.disc = append(g.disc, dp.conv(fmt.Sprintf("disc.%d", i), chans[i], chans[i+1], 3, 2))
	}
	flat := 4 * ch * (c.Size / 8) * (c.Size / 8)
	g.psi = dp.linear("disc.psi", flat, 1)
	g.proj = dp.linear("disc.proj", w, flat)
	g.net = newNetState(c, map[string]*params{"gen": gp, "disc": dp}, training)
	if training {
		for _, cv := range g.disc {
			sn := nn.NewSpectralNorm(cv.w, dp.rng)
			g.sn = append(g.sn, sn)
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
	// Generator.
	tp.Reset()
	cond = tp.Const(cv[:n*w], n, w)
	lg := tp.HingeG(g.critic(tp, g.gen.apply(tp, in()), cond))
	tp.Backward(lg)
	g.net.opts["disc"].ZeroGrad()
	g.net.step("gen")
	return map[string]float64{"loss": float64(ld.Item() + lg.Item()), "d": float64(ld.Item()), "g": float64(lg.Item())}, nil
}

// Sample maps z ~ N(0, I) through the generator under the conditions.
func (g *CGAN) Sample(cond Cond, n int, seed uint64) (*Batch, error) { return sample(g, cond, n, seed) }

// SampleRows maps z ~ N(0, I) through the generator under each row of conditions.
func (g *CGAN) SampleRows(rows [][]float64, seed uint64) (*Batch, error) {
	c := g.net.card
	n := len(rows)
	rng := rand.New(rand.NewPCG(seed, 0x6367616e))
	w := c.CondWidth()
	in := make([]float32, n*(g.z+w))
	for i := 0; i < n; i++ {
		for k := 0; k < g.z; k++ {
			in[i*(g.z+w)+k] = float32(rng.NormFloat64())
		}
		c.Encode(in[i*(g.z+w)+g.z:(i+1)*(g.z+w)], rows[i])
	}
	out, err := decodeAll(g.net, g.gen, in, n, g.z+w)
	if err != nil {
		return nil, err
	}
	return c.ToData(out, rows), nil
}

// SaveCheckpoint writes both networks, EMA, optimiser state and the
// spectral-norm vectors.
func (g *CGAN) SaveCheckpoint(path string) error { return g.net.saveCheckpoint(path) }

// LoadCheckpoint restores SaveCheckpoint's file.
func (g *CGAN) LoadCheckpoint(path string) error { return g.net.loadCheckpoint(path) }

// Export writes the generator's EMA weights and the card.
func (g *CGAN) Export(dir string) error { return g.net.export(dir) }
