package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/galforge/galforge/nn"
)

func init() {
	register("cvae", kind{
		newTrainer: func(c *Card, seed uint64) (Trainer, error) { return newCVAE(c, seed, true) },
		load: func(dir string, c *Card) (Model, error) {
			v, err := newCVAE(c, 0, false)
			if err != nil {
				return nil, err
			}
			return v, v.net.loadWeights(dir)
		},
		defaults: map[string]float64{"channels": 16, "latent": 32, "beta": 1, "sigma": 0.1, "lr": 1e-3, "ema": 0.995},
	})
}

// CVAE is a convolutional conditional variational auto-encoder. The
// encoder sees the stamp with the condition vector tiled as extra
// channels and gives q(z|x,c) = N(μ, diag e^lv); the decoder maps [z, c] to
// the stamp. The loss per pixel is
//
//	(|x - dec(z, c)|² / (2σ²) + β KL(q(z|x,c) ‖ N(0, I))) / (n · pixels)
//
// with σ the assumed pixel noise in normalised units and β the knob that
// trades reconstruction sharpness for a smoother latent space.
type CVAE struct {
	net *netState
	enc []*conv
	mu  *linear
	lv  *linear
	dec *decoder
	z   int
}

// decoder maps a vector to a stamp: linear to 4ch x S/8 x S/8, then three
// stages of nearest-neighbour doubling and a 3x3 convolution with GroupNorm
// and SiLU, and a 3x3 output convolution. Upsampling by repetition instead
// of a stride-2 transposed convolution avoids the checkerboard texture that
// uneven kernel overlap leaves (Odena et al. 2016).
type decoder struct {
	in     *linear
	ups    []*conv
	gs, bs []*nn.Tensor
	out    *conv
	ch, s8 int
	tanh   bool
}

func (p *params) decoder(name string, in, bands, ch, size int, tanh bool) *decoder {
	d := &decoder{ch: ch, s8: size / 8, tanh: tanh}
	d.in = p.linear(name+".in", in, 4*ch*d.s8*d.s8)
	chans := []int{4 * ch, 2 * ch, ch, ch}
	for i := 0; i < 3; i++ {
		d.ups = append(d.ups, p.conv(fmt.Sprintf("%s.up.%d", name, i), chans[i], chans[i+1], 3, 1))
		g, b := p.add(fmt.Sprintf("%s.norm.%d.weight", name, i), chans[i+1]), p.add(fmt.Sprintf("%s.norm.%d.bias", name, i), chans[i+1])
		g.Fill(1)
		d.gs, d.bs = append(d.gs, g), append(d.bs, b)
	}
	d.out = p.conv(name+".out", ch, bands, 3, 1)
	return d
}

func (d *decoder) apply(tp *nn.Tape, v *nn.Tensor) *nn.Tensor {
	h := tp.SiLU(d.in.apply(tp, v))
	h = tp.Reshape(h, v.Dim(0), 4*d.ch, d.s8, d.s8)
	for i, u := range d.ups {
		h = u.apply(tp, tp.UpsampleNearest(h, 2))
		h = tp.SiLU(tp.GroupNorm(h, groupsFor(h.Dim(1)), d.gs[i], d.bs[i], 1e-5))
	}
	h = d.out.apply(tp, h)
	if d.tanh {
		h = tp.Tanh(h)
	}
	return h
}

func newCVAE(c *Card, seed uint64, training bool) (*CVAE, error) {
	ch, z := arch(c, "channels"), arch(c, "latent")
	if ch < 2 || z < 1 || c.Size%8 != 0 {
		return nil, fmt.Errorf("generator: cvae: channels %d >= 2, latent %d >= 1 and size %d a multiple of 8 needed", ch, z, c.Size)
	}
	p := newParams(seed)
	w := c.CondWidth()
	v := &CVAE{z: z}
	chans := []int{c.Bands + w, ch, 2 * ch, 4 * ch}
	for i := 0; i < 3; i++ {
		v.enc = append(v.enc, p.conv(fmt.Sprintf("enc.%d", i), chans[i], chans[i+1], 3, 2))
	}
	flat := 4 * ch * (c.Size / 8) * (c.Size / 8)
	v.mu = p.linear("enc.mu", flat+w, z)
	v.lv = p.linear("enc.logvar", flat+w, z)
	v.dec = p.decoder("dec", z+w, c.Bands, ch, c.Size, false)
	v.net = newNetState(c, map[string]*params{"net": p}, training)
	return v, nil
}

// Card returns the model card.
func (v *CVAE) Card() *Card { return v.net.card }

// tileCond returns the condition vectors as constant channel maps [n, w, S, S].
func tileCond(tp *nn.Tape, cv []float32, n, w, size int) *nn.Tensor {
	t := tp.New(n, w, size, size)
	plane := size * size
	for i := 0; i < n; i++ {
		for k := 0; k < w; k++ {
			d := t.Data[(i*w+k)*plane : (i*w+k+1)*plane]
			for j := range d {
				d[j] = cv[i*w+k]
			}
		}
	}
	return t
}

func (v *CVAE) encode(tp *nn.Tape, x *nn.Tensor, cv []float32, n int) (mu, lv *nn.Tensor) {
	c := v.net.card
	w := c.CondWidth()
	h := tp.Concat(1, x, tileCond(tp, cv, n, w, c.Size))
	for _, e := range v.enc {
		h = tp.LeakyReLU(e.apply(tp, h), 0.2)
	}
	h = tp.Concat(1, tp.Flatten(h), tp.Const(cv[:n*w], n, w))
	return v.mu.apply(tp, h), v.lv.apply(tp, h)
}

// Step does one ELBO step.
func (v *CVAE) Step(x, cv []float32, n int, rng *rand.Rand) (map[string]float64, error) {
	c := v.net.card
	if err := checkShapes(c, x, cv, n); err != nil {
		return nil, err
	}
	m, w := c.Bands*c.Size*c.Size, c.CondWidth()
	tp := v.net.tape
	tp.Reset()
	xt := tp.Const(x[:n*m], n, c.Bands, c.Size, c.Size)
	mu, lv := v.encode(tp, xt, cv, n)
	eps := tp.New(n, v.z)
	for i := range eps.Data {
		eps.Data[i] = float32(rng.NormFloat64())
	}
	z := tp.Add(mu, tp.Mul(tp.Exp(tp.Scale(lv, 0.5)), eps))
	rec := v.dec.apply(tp, tp.Concat(1, z, tp.Const(cv[:n*w], n, w)))
	sigma := c.Arch["sigma"]
	sse := tp.SSE(rec, xt)
	kl := tp.GaussianKL(mu, lv)
	norm := float32(1 / float64(n*m))
	loss := tp.Scale(tp.Add(tp.Scale(sse, float32(1/(2*sigma*sigma))), tp.Scale(kl, float32(c.Arch["beta"]))), norm)
	tp.Backward(loss)
	v.net.step("net")
	return map[string]float64{"loss": float64(loss.Item()),
		"mse": float64(sse.Item()) / float64(n*m), "kl_per_image": float64(kl.Item()) / float64(n)}, nil
}

// Sample decodes z ~ N(0, I) under the conditions.
func (v *CVAE) Sample(cond Cond, n int, seed uint64) (*Batch, error) { return sample(v, cond, n, seed) }

// SampleRows decodes z ~ N(0, I) under each row of conditions.
func (v *CVAE) SampleRows(rows [][]float64, seed uint64) (*Batch, error) {
	return latentRows(v.net, v.dec, rows, v.z, oneRNG(seed, cvaeStream))
}

// SampleSeeds decodes one stamp per row, row i's latent drawn from seeds[i]:
// the same pixels as SampleRows(rows[i:i+1], seeds[i]).
func (v *CVAE) SampleSeeds(rows [][]float64, seeds []uint64) (*Batch, error) {
	return seedRows(v.net, rows, seeds, func(row [][]float64, seed uint64) (*Batch, error) {
		return decodeLatent(v.net, v.dec, row, v.z, oneRNG(seed, cvaeStream))
	})
}

// latentRows is decodeLatent with the EMA weights.
func latentRows(s *netState, d *decoder, rows [][]float64, z int, rng func(i int) *rand.Rand) (*Batch, error) {
	var b *Batch
	err := s.withEMA(func() (err error) {
		b, err = decodeLatent(s, d, rows, z, rng)
		return err
	})
	return b, err
}

// decodeLatent decodes [z, c] for z ~ N(0, I), drawn for row i from
// rng(i), and c the encoded conditions of each row, with the weights in
// place, and returns the stamps in data units.
func decodeLatent(s *netState, d *decoder, rows [][]float64, z int, rng func(i int) *rand.Rand) (*Batch, error) {
	c := s.card
	n, w := len(rows), c.CondWidth()
	if n < 1 {
		return nil, fmt.Errorf("generator: %s: no condition rows to sample", c.Model)
	}
	width := z + w
	in := make([]float32, n*width)
	for i := 0; i < n; i++ {
		r := rng(i)
		for k := 0; k < z; k++ {
			in[i*width+k] = float32(r.NormFloat64())
		}
		c.Encode(in[i*width+z:(i+1)*width], rows[i])
	}
	m := c.Bands * c.Size * c.Size
	out := make([]float32, n*m)
	tp := inferenceTape()
	for lo := 0; lo < n; lo += 64 {
		b := min(64, n-lo)
		tp.Reset()
		y := d.apply(tp, tp.Const(in[lo*width:(lo+b)*width], b, width))
		copy(out[lo*m:], y.Data)
	}
	return c.ToData(out, rows), nil
}

// Encode returns the posterior means μ of the stamps (data units) under
// their conditions (b.Conds).
func (v *CVAE) Encode(b *Batch) ([][]float32, error) {
	c := v.net.card
	if b.Size != c.Size || b.Bands != c.Bands || len(b.Conds) != b.N {
		return nil, fmt.Errorf("generator: cvae: encode %d stamps of %dx%dx%d with %d condition rows, want %d px, %d bands, one row each", b.N, b.Bands, b.Size, b.Size, len(b.Conds), c.Size, c.Bands)
	}
	w := c.CondWidth()
	cv := make([]float32, b.N*w)
	for i, r := range b.Conds {
		c.Encode(cv[i*w:(i+1)*w], r)
	}
	y := c.FromData(b)
	out := make([][]float32, b.N)
	err := v.net.withEMA(func() error {
		tp := inferenceTape()
		mu, _ := v.encode(tp, tp.Const(y, b.N, c.Bands, c.Size, c.Size), cv, b.N)
		for i := range out {
			out[i] = append([]float32(nil), mu.Data[i*v.z:(i+1)*v.z]...)
		}
		return nil
	})
	return out, err
}

// SaveCheckpoint writes weights, EMA and optimiser state.
func (v *CVAE) SaveCheckpoint(path string) error { return v.net.saveCheckpoint(path) }

// LoadCheckpoint restores SaveCheckpoint's file.
func (v *CVAE) LoadCheckpoint(path string) error { return v.net.loadCheckpoint(path) }

// Export writes the EMA weights and the card.
func (v *CVAE) Export(dir string) error { return v.net.export(dir) }
