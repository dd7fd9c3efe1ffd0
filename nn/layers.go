package nn

import (
	"math"
	"math/rand/v2"
)

// Module is anything holding trainable parameters.
type Module interface {
	// Params returns the trainable tensors, named, in a fixed order.
	Params() []*Tensor
}

// Stateful modules also hold non-trainable tensors that belong in a
// checkpoint (BatchNorm running statistics, spectral-norm vectors).
type Stateful interface {
	Buffers() []*Tensor
}

// Collect gathers the parameters of several modules in order.
func Collect(ms ...Module) []*Tensor {
	var ps []*Tensor
	for _, m := range ms {
		ps = append(ps, m.Params()...)
	}
	return ps
}

// State gathers parameters and buffers of several modules: what a
// checkpoint must hold to restore them.
func State(ms ...Module) []*Tensor {
	var ps []*Tensor
	for _, m := range ms {
		ps = append(ps, m.Params()...)
		if s, ok := m.(Stateful); ok {
			ps = append(ps, s.Buffers()...)
		}
	}
	return ps
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// uniformInit fills t with U(−bound, bound), bound = 1/√fanIn (PyTorch's
// default for linear and convolution layers).
func uniformInit(t *Tensor, fanIn int, rng *rand.Rand) {
	b := float32(1 / math.Sqrt(float64(fanIn)))
	t.FillUniform(rng, -b, b)
}

// LinearLayer is y = x·Wᵀ + b with W [Out, In] ("<name>.weight", "<name>.bias").
type LinearLayer struct {
	W, B *Tensor
}

// NewLinear makes a linear layer initialised like PyTorch's nn.Linear from rng.
func NewLinear(name string, in, out int, bias bool, rng *rand.Rand) *LinearLayer {
	l := &LinearLayer{W: NewParam(join(name, "weight"), out, in)}
	uniformInit(l.W, in, rng)
	if bias {
		l.B = NewParam(join(name, "bias"), out)
		uniformInit(l.B, in, rng)
	}
	return l
}

// Forward applies the layer to x [N, In].
func (l *LinearLayer) Forward(tp *Tape, x *Tensor) *Tensor { return tp.Linear(x, l.W, l.B) }

// Params implements Module.
func (l *LinearLayer) Params() []*Tensor { return nonNil(l.W, l.B) }

func nonNil(ts ...*Tensor) []*Tensor {
	var out []*Tensor
	for _, t := range ts {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// Conv2dLayer is a 2-D convolution with W [Out, In, K, K] and bias [Out].
type Conv2dLayer struct {
	W, B *Tensor
	Opts ConvOpts
	// SN, when set, replaces W by W/σ(W) (spectral normalisation).
	SN *SpectralNorm
}

// NewConv2d makes a convolution initialised like PyTorch's nn.Conv2d from rng.
func NewConv2d(name string, in, out, k int, o ConvOpts, bias bool, rng *rand.Rand) *Conv2dLayer {
	l := &Conv2dLayer{W: NewParam(join(name, "weight"), out, in, k, k), Opts: o}
	uniformInit(l.W, in*k*k, rng)
	if bias {
		l.B = NewParam(join(name, "bias"), out)
		uniformInit(l.B, in*k*k, rng)
	}
	return l
}

// Forward applies the convolution to x [N, In, H, W].
func (l *Conv2dLayer) Forward(tp *Tape, x *Tensor) *Tensor {
	w := l.W
	if l.SN != nil {
		w = l.SN.Apply(tp, l.W)
	}
	return tp.Conv2d(x, w, l.B, l.Opts)
}

// Params implements Module.
func (l *Conv2dLayer) Params() []*Tensor { return nonNil(l.W, l.B) }

// Buffers implements Stateful (the spectral-norm vectors, if any).
func (l *Conv2dLayer) Buffers() []*Tensor {
	if l.SN == nil {
		return nil
	}
	return l.SN.Buffers()
}

// ConvTranspose2dLayer is a transposed convolution with W [In, Out, K, K].
type ConvTranspose2dLayer struct {
	W, B *Tensor
	Opts ConvOpts
}

// NewConvTranspose2d makes a transposed convolution initialised like
// PyTorch's nn.ConvTranspose2d (whose fan-in is Out·K·K) from rng.
func NewConvTranspose2d(name string, in, out, k int, o ConvOpts, bias bool, rng *rand.Rand) *ConvTranspose2dLayer {
	l := &ConvTranspose2dLayer{W: NewParam(join(name, "weight"), in, out, k, k), Opts: o}
	uniformInit(l.W, out*k*k, rng)
	if bias {
		l.B = NewParam(join(name, "bias"), out)
		uniformInit(l.B, out*k*k, rng)
	}
	return l
}

// Forward applies the layer to x [N, In, H, W].
func (l *ConvTranspose2dLayer) Forward(tp *Tape, x *Tensor) *Tensor {
	return tp.ConvTranspose2d(x, l.W, l.B, l.Opts)
}

// Params implements Module.
func (l *ConvTranspose2dLayer) Params() []*Tensor { return nonNil(l.W, l.B) }

// affine returns γ = 1 and β = 0 parameters of length c.
func affine(name string, c int) (*Tensor, *Tensor) {
	g, b := NewParam(join(name, "weight"), c), NewParam(join(name, "bias"), c)
	g.Fill(1)
	return g, b
}

// GroupNormLayer normalises over groups of channels with per-channel γ, β.
type GroupNormLayer struct {
	Groups      int
	Gamma, Beta *Tensor
	Eps         float32
}

// NewGroupNorm makes a group normalisation of c channels in groups (eps 1e-5).
func NewGroupNorm(name string, groups, c int) *GroupNormLayer {
	g, b := affine(name, c)
	return &GroupNormLayer{Groups: groups, Gamma: g, Beta: b, Eps: 1e-5}
}

// Forward applies the layer.
func (l *GroupNormLayer) Forward(tp *Tape, x *Tensor) *Tensor {
	return tp.GroupNorm(x, l.Groups, l.Gamma, l.Beta, l.Eps)
}

// Params implements Module.
func (l *GroupNormLayer) Params() []*Tensor { return []*Tensor{l.Gamma, l.Beta} }

// LayerNormLayer normalises over the last dimension with γ, β.
type LayerNormLayer struct {
	Gamma, Beta *Tensor
	Eps         float32
}

// NewLayerNorm makes a layer normalisation over a last dimension d (eps 1e-5).
func NewLayerNorm(name string, d int) *LayerNormLayer {
	g, b := affine(name, d)
	return &LayerNormLayer{Gamma: g, Beta: b, Eps: 1e-5}
}

// Forward applies the layer.
func (l *LayerNormLayer) Forward(tp *Tape, x *Tensor) *Tensor {
	return tp.LayerNorm(x, l.Gamma, l.Beta, l.Eps)
}

// Params implements Module.
func (l *LayerNormLayer) Params() []*Tensor { return []*Tensor{l.Gamma, l.Beta} }

// BatchNormLayer is batch normalisation with running statistics
// ("<name>.running_mean", "<name>.running_var"), momentum 0.1, eps 1e-5.
type BatchNormLayer struct {
	Gamma, Beta *Tensor
	Stats       BatchNormStats
}

// NewBatchNorm makes a batch normalisation of c channels.
func NewBatchNorm(name string, c int) *BatchNormLayer {
	g, b := affine(name, c)
	v := Zeros(c)
	v.Fill(1)
	v.Name = join(name, "running_var")
	m := Zeros(c)
	m.Name = join(name, "running_mean")
	return &BatchNormLayer{Gamma: g, Beta: b, Stats: BatchNormStats{Mean: m, Var: v, Momentum: 0.1, Eps: 1e-5}}
}

// Forward applies the layer (batch statistics when tp.Training).
func (l *BatchNormLayer) Forward(tp *Tape, x *Tensor) *Tensor {
	return tp.BatchNorm(x, l.Gamma, l.Beta, &l.Stats)
}

// Params implements Module.
func (l *BatchNormLayer) Params() []*Tensor { return []*Tensor{l.Gamma, l.Beta} }

// Buffers implements Stateful.
func (l *BatchNormLayer) Buffers() []*Tensor { return []*Tensor{l.Stats.Mean, l.Stats.Var} }

// SelfAttention2d is multi-head self-attention over the H·W positions of a
// feature map, with a residual connection:
//
//	t = tokens(x) [N·HW, C];  q,k,v = split(t·Wqkvᵀ + bqkv)
//	a = softmax(q·kᵀ/√(C/heads)) per head;  y = x + tokens⁻¹((a·v)·Woᵀ + bo)
//
// Parameters "<name>.qkv.weight" [3C, C], "<name>.qkv.bias",
// "<name>.out.weight" [C, C], "<name>.out.bias".
type SelfAttention2d struct {
	Heads    int
	QKV, Out *LinearLayer
}

// NewSelfAttention2d makes an attention block for c channels (c divisible by heads).
func NewSelfAttention2d(name string, c, heads int, rng *rand.Rand) *SelfAttention2d {
	return &SelfAttention2d{Heads: heads, QKV: NewLinear(join(name, "qkv"), c, 3*c, true, rng),
		Out: NewLinear(join(name, "out"), c, c, true, rng)}
}

// Forward applies the block to x [N, C, H, W].
func (a *SelfAttention2d) Forward(tp *Tape, x *Tensor) *Tensor {
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	L, h := H*W, a.Heads
	dh := C / h
	t := tp.Reshape(tp.Permute(tp.Reshape(x, N, C, L), 0, 2, 1), N*L, C)
	qkv := tp.Reshape(a.QKV.Forward(tp, t), N, L, 3, h, dh)
	qkv = tp.Reshape(tp.Permute(qkv, 2, 0, 3, 1, 4), 3, N*h, L, dh)
	q := tp.Reshape(tp.Slice(qkv, 0, 0, 1), N*h, L, dh)
	k := tp.Reshape(tp.Slice(qkv, 0, 1, 2), N*h, L, dh)
	v := tp.Reshape(tp.Slice(qkv, 0, 2, 3), N*h, L, dh)
	att := tp.Softmax(tp.Scale(tp.MatMul(q, k, false, true), float32(1/math.Sqrt(float64(dh)))))
	o := tp.Reshape(tp.MatMul(att, v, false, false), N, h, L, dh)
	o = tp.Reshape(tp.Permute(o, 0, 2, 1, 3), N*L, C)
	o = a.Out.Forward(tp, o)
	o = tp.Reshape(tp.Permute(tp.Reshape(o, N, L, C), 0, 2, 1), N, C, H, W)
	return tp.Add(x, o)
}

// Params implements Module.
func (a *SelfAttention2d) Params() []*Tensor { return Collect(a.QKV, a.Out) }
