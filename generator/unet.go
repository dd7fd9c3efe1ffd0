package generator

import (
	"github.com/galforge/galforge/nn"
)

// resBlock is a pre-norm residual block with an additive embedding:
//
//	y = x + conv2(SiLU(GN(conv1(SiLU(GN(x))) + E·emb)))
//
// conv2 starts at zero so the block starts as the identity.
type resBlock struct {
	g1, b1, g2, b2 *nn.Tensor
	c1, c2         *conv
	e              *linear
	groups, ch     int
}

func (p *params) resBlock(name string, ch, emb int) *resBlock {
	r := &resBlock{
		g1: p.add(name+".norm1.weight", ch), b1: p.add(name+".norm1.bias", ch),
		g2: p.add(name+".norm2.weight", ch), b2: p.add(name+".norm2.bias", ch),
		c1: p.conv(name+".conv1", ch, ch, 3, 1), c2: p.conv(name+".conv2", ch, ch, 3, 1).zero(),
		groups: groupsFor(ch), ch: ch,
	}
	r.g1.Fill(1)
	r.g2.Fill(1)
	if emb > 0 {
		r.e = p.linear(name+".emb", emb, ch)
	}
	return r
}

func groupsFor(ch int) int {
	for _, g := range []int{8, 4, 2} {
		if ch%g == 0 && ch/g >= 2 {
			return g
		}
	}
	return 1
}

func (r *resBlock) apply(tp *nn.Tape, x, emb *nn.Tensor) *nn.Tensor {
	h := r.c1.apply(tp, tp.SiLU(tp.GroupNorm(x, r.groups, r.g1, r.b1, 1e-5)))
	if r.e != nil {
		e := r.e.apply(tp, emb)
		h = tp.Add(h, tp.Reshape(e, e.Dim(0), r.ch, 1, 1))
	}
	h = r.c2.apply(tp, tp.SiLU(tp.GroupNorm(h, r.groups, r.g2, r.b2, 1e-5)))
	return tp.Add(x, h)
}

// unet is the small two-level U-Net of the flow model: ch channels at full
// size, 2ch at 1/2 and 1/4, one residual block per level on the way down,
// two in the middle and one per level on the way up, skip connections by
// concatenation; every block takes the embedding of time and conditions.
type unet struct {
	ch, emb      int
	t1, t2       *linear
	in           *conv
	rb1, rb2     *resBlock
	down1, down2 *conv
	mid1, mid2   *resBlock
	up2, up1     *convT
	cat2, cat1   *conv
	rb3, rb4     *resBlock
	gOut, bOut   *nn.Tensor
	out          *conv
}

const timeFeatures = 32

func newUNet(p *params, bands, condW, ch, emb int) *unet {
	u := &unet{ch: ch, emb: emb}
	u.t1 = p.linear("temb.0", timeFeatures+condW, emb)
	u.t2 = p.linear("temb.1", emb, emb)
	u.in = p.conv("in", bands, ch, 3, 1)
	u.rb1 = p.resBlock("down.0", ch, emb)
	u.down1 = p.conv("down.0.pool", ch, 2*ch, 3, 2)
	u.rb2 = p.resBlock("down.1", 2*ch, emb)
	u.down2 = p.conv("down.1.pool", 2*ch, 2*ch, 3, 2)
	u.mid1 = p.resBlock("mid.0", 2*ch, emb)
	u.mid2 = p.resBlock("mid.1", 2*ch, emb)
	u.up2 = p.convT("up.1.up", 2*ch, 2*ch)
	u.cat2 = p.conv("up.1.merge", 4*ch, 2*ch, 3, 1)
	u.rb3 = p.resBlock("up.1", 2*ch, emb)
	u.up1 = p.convT("up.0.up", 2*ch, ch)
	u.cat1 = p.conv("up.0.merge", 2*ch, ch, 3, 1)
	u.rb4 = p.resBlock("up.0", ch, emb)
	u.gOut, u.bOut = p.add("out.norm.weight", ch), p.add("out.norm.bias", ch)
	u.gOut.Fill(1)
	u.out = p.conv("out", ch, bands, 3, 1).zero()
	return u
}

// apply returns the velocity field for images x [N, bands, S, S] at times
// t (N values in [0, 1]) under condition vectors c [N, condW].
func (u *unet) apply(tp *nn.Tape, x *nn.Tensor, t []float32, c *nn.Tensor) *nn.Tensor {
	ts := make([]float32, len(t))
	for i, v := range t {
		ts[i] = 1000 * v
	}
	e := tp.Concat(1, tp.SinusoidalEmbedding(ts, timeFeatures), c)
	e = tp.SiLU(u.t2.apply(tp, tp.SiLU(u.t1.apply(tp, e))))
	h1 := u.rb1.apply(tp, u.in.apply(tp, x), e)
	h2 := u.rb2.apply(tp, u.down1.apply(tp, h1), e)
	h := u.down2.apply(tp, h2)
	h = u.mid2.apply(tp, u.mid1.apply(tp, h, e), e)
	h = u.up2.apply(tp, h)
	h = u.rb3.apply(tp, u.cat2.apply(tp, tp.Concat(1, h, h2)), e)
	h = u.up1.apply(tp, h)
	h = u.rb4.apply(tp, u.cat1.apply(tp, tp.Concat(1, h, h1)), e)
	return u.out.apply(tp, tp.SiLU(tp.GroupNorm(h, groupsFor(u.ch), u.gOut, u.bOut, 1e-5)))
}
