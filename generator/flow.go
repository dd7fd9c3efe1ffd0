package generator

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/galforge/galforge/nn"
)

func init() {
	register("flow", kind{
		newTrainer: func(c *Card, seed uint64) (Trainer, error) { return newFlow(c, seed, true) },
		load: func(dir string, c *Card) (Model, error) {
			f, err := newFlow(c, 0, false)
			if err != nil {
				return nil, err
			}
			return f, f.net.loadWeights(dir)
		},
		defaults: map[string]float64{
			"channels": 16, "embed": 64, "lr": 1e-3, "ema": 0.995, "cond_drop": 0.1,
			"guidance": 1.5, "sample_steps": 24,
		},
	})
}

// Flow is a conditional flow-matching model (rectified flow). With x0 pure
// N(0, 1) noise and x1 a normalised data stamp, the straight path
// x_t = (1-t) x0 + t x1 has constant velocity x1 - x0; a U-Net v(x_t, t, c)
// learns it by least squares, and sampling integrates dx/dt = v from t=0
// to 1 with Euler steps. Conditions are dropped (set to the all-zero vector)
// for a fraction cond_drop of training stamps, which gives the
// classifier-free guided field v = v(∅) + w (v(c) - v(∅)).
type Flow struct {
	net *netState
	u   *unet
	// Steps is the number of Euler steps of the sampler.
	Steps int
	// Guidance is the classifier-free guidance weight w (1: plain conditional).
	Guidance float64
}

func newFlow(c *Card, seed uint64, training bool) (*Flow, error) {
	ch, emb := arch(c, "channels"), arch(c, "embed")
	if ch < 2 || emb < 2 {
		return nil, fmt.Errorf("generator: flow: channels %d and embed %d must be >= 2", ch, emb)
	}
	if c.Size%4 != 0 {
		return nil, fmt.Errorf("generator: flow: size %d must be a multiple of 4", c.Size)
	}
	p := newParams(seed)
	u := newUNet(p, c.Bands, c.CondWidth(), ch, emb)
	f := &Flow{u: u, Steps: arch(c, "sample_steps"), Guidance: c.Arch["guidance"]}
	f.net = newNetState(c, map[string]*params{"net": p}, training)
	return f, nil
}

// Card returns the model card.
func (f *Flow) Card() *Card { return f.net.card }

// Step does one flow-matching step.
func (f *Flow) Step(x, cv []float32, n int, rng *rand.Rand) (map[string]float64, error) {
	c := f.net.card
	if err := checkShapes(c, x, cv, n); err != nil {
		return nil, err
	}
	m, w := c.Bands*c.Size*c.Size, c.CondWidth()
	tp := f.net.tape
	tp.Reset()
	xt := tp.New(n, c.Bands, c.Size, c.Size)
	target := tp.New(n, c.Bands, c.Size, c.Size)
	cond := tp.Const(cv[:n*w], n, w)
	t := make([]float32, n)
	drop := c.Arch["cond_drop"]
	for i := 0; i < n; i++ {
		// Logit-normal times weight the middle of the path, where the
		// velocity is hardest to predict.
		t[i] = float32(1 / (1 + math.Exp(-rng.NormFloat64())))
		for j := 0; j < m; j++ {
			x0 := float32(rng.NormFloat64())
			x1 := x[i*m+j]
			xt.Data[i*m+j] = (1-t[i])*x0 + t[i]*x1
			target.Data[i*m+j] = x1 - x0
		}
		if rng.Float64() < drop {
			clear(cond.Data[i*w : (i+1)*w])
		}
	}
	v := f.u.apply(tp, xt, t, cond)
	loss := tp.MSE(v, target)
	tp.Backward(loss)
	f.net.step("net")
	return map[string]float64{"loss": float64(loss.Item())}, nil
}

// velocity evaluates the guided field for the whole batch at time t.
func (f *Flow) velocity(tp *nn.Tape, x *nn.Tensor, t float32, cond, null *nn.Tensor, w float32) []float32 {
	n := x.Dim(0)
	ts := make([]float32, n)
	for i := range ts {
		ts[i] = t
	}
	vc := f.u.apply(tp, x, ts, cond)
	if w == 1 || null == nil {
		return vc.Data
	}
	vu := f.u.apply(tp, x, ts, null)
	out := make([]float32, len(vc.Data))
	for i := range out {
		out[i] = vu.Data[i] + w*(vc.Data[i]-vu.Data[i])
	}
	return out
}

// Sample draws n stamps by integrating the guided flow from noise.
func (f *Flow) Sample(cond Cond, n int, seed uint64) (*Batch, error) { return sample(f, cond, n, seed) }

// SampleRows draws one stamp per row of conditions.
func (f *Flow) SampleRows(rows [][]float64, seed uint64) (*Batch, error) {
	return f.Inpaint(rows, seed, nil, nil)
}

// SampleSeeds draws one stamp per row, row i's starting noise from
// seeds[i]: the same pixels as SampleRows(rows[i:i+1], seeds[i]).
func (f *Flow) SampleSeeds(rows [][]float64, seeds []uint64) (*Batch, error) {
	return seedRows(f.net, rows, seeds, func(row [][]float64, seed uint64) (*Batch, error) {
		return f.inpaint(row, oneRNG(seed, flowStream), nil, nil)
	})
}

// Inpaint draws one stamp per row of conditions with the pixels where mask
// is nonzero held to known (data units; n x Bands x Size x Size, or one
// stamp used for all n). At every Euler step
// the known pixels are replaced by their point on the straight path from
// the same starting noise, x_t = (1-t) x0 + t x_known, so the free pixels
// are drawn consistently with them. mask and known nil: plain sampling.
func (f *Flow) Inpaint(rows [][]float64, seed uint64, known, mask []float32) (*Batch, error) {
	var b *Batch
	err := f.net.withEMA(func() (err error) {
		b, err = f.inpaint(rows, oneRNG(seed, flowStream), known, mask)
		return err
	})
	return b, err
}

// inpaint integrates the flow; row i's starting noise is drawn from rng(i).
func (f *Flow) inpaint(rows [][]float64, rng func(i int) *rand.Rand, known, mask []float32) (*Batch, error) {
	c := f.net.card
	n := len(rows)
	if n < 1 {
		return nil, fmt.Errorf("generator: flow: n = %d samples", n)
	}
	if f.Steps < 1 {
		return nil, fmt.Errorf("generator: flow: %d sampler steps", f.Steps)
	}
	m := c.Bands * c.Size * c.Size
	if mask != nil && (len(mask) != m && len(mask) != n*m || len(known) != len(mask)) {
		return nil, fmt.Errorf("generator: flow: inpainting mask of %d and image of %d values, want %d (one stamp) or %d", len(mask), len(known), m, n*m)
	}
	var ky []float32
	if mask != nil {
		ky = make([]float32, len(known))
		for i, v := range known {
			ky[i] = float32(c.Norm.Forward(float64(v)))
		}
	}
	out := make([]float32, n*m)
	const chunk = 32
	w := c.CondWidth()
	tp := inferenceTape()
	for lo := 0; lo < n; lo += chunk {
		b := min(chunk, n-lo)
		x := nn.Zeros(b, c.Bands, c.Size, c.Size) // not tape-owned: it outlives tp.Reset
		x0 := make([]float32, b*m)
		for i := 0; i < b; i++ {
			r := rng(lo + i)
			for j := i * m; j < (i+1)*m; j++ {
				x0[j] = float32(r.NormFloat64())
			}
		}
		copy(x.Data, x0)
		cv := make([]float32, b*w)
		for i := 0; i < b; i++ {
			c.Encode(cv[i*w:(i+1)*w], rows[lo+i])
		}
		condT := nn.FromData(cv, b, w)
		var null *nn.Tensor
		if len(c.Conds) > 0 {
			null = nn.Zeros(b, w)
		}
		hold := func(t float32) {
			if mask == nil {
				return
			}
			for i := 0; i < b; i++ {
				for j := 0; j < m; j++ {
					k := j
					if len(mask) == n*m {
						k = (lo+i)*m + j
					}
					if mask[k] != 0 {
						x.Data[i*m+j] = (1-t)*x0[i*m+j] + t*ky[k]
					}
				}
			}
		}
		dt := 1 / float32(f.Steps)
		for s := 0; s < f.Steps; s++ {
			t := float32(s) * dt
			hold(t)
			tp.Reset()
			xs := tp.Const(x.Data, b, c.Bands, c.Size, c.Size)
			v := f.velocity(tp, xs, t, condT, null, float32(f.Guidance))
			for i := range x.Data {
				x.Data[i] += dt * v[i]
			}
		}
		hold(1)
		copy(out[lo*m:], x.Data)
	}
	return c.ToData(out, rows), nil
}

// SetSteps sets the number of Euler steps of the sampler.
func (f *Flow) SetSteps(k int) { f.Steps = k }

// SetGuidance sets the classifier-free guidance weight w: 0 is the
// unconditional velocity, 1 the plain conditional one, larger values
// extrapolate. NaN, infinite or negative w is refused.
func (f *Flow) SetGuidance(w float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
		return fmt.Errorf("generator: flow: guidance %g must be a finite number >= 0", w)
	}
	f.Guidance = w
	return nil
}

// SaveCheckpoint writes weights, EMA and optimiser state.
func (f *Flow) SaveCheckpoint(path string) error { return f.net.saveCheckpoint(path) }

// LoadCheckpoint restores SaveCheckpoint's file.
func (f *Flow) LoadCheckpoint(path string) error { return f.net.loadCheckpoint(path) }

// Export writes the EMA weights and the card.
func (f *Flow) Export(dir string) error { return f.net.export(dir) }

// InpaintCond is Inpaint for n samples under named conditions (omitted
// ones drawn from the training distribution), the known stamp shared by all.
func (f *Flow) InpaintCond(cond Cond, n int, seed uint64, known, mask []float32) (*Batch, error) {
	if n < 1 {
		return nil, fmt.Errorf("generator: flow: n = %d samples", n)
	}
	rows, err := f.Card().Resolve(cond, n, rand.New(rand.NewPCG(seed, condStream)))
	if err != nil {
		return nil, err
	}
	return f.Inpaint(rows, seed, known, mask)
}
