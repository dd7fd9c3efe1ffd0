package nn

import (
	"math"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	// Step applies one update from the accumulated gradients, then clears them.
	Step()
	// ZeroGrad clears the parameters' gradients without updating.
	ZeroGrad()
	// SetLR changes the learning rate (for schedules).
	SetLR(lr float64)
	// State returns the optimiser's tensors for a checkpoint (named
	// "<prefix>.<param name>"); Steps the number of updates made so far.
	State() []*Tensor
	Steps() int
	// SetSteps restores the update count from a checkpoint.
	SetSteps(n int)
}

// SGD is stochastic gradient descent with momentum μ, Nesterov off, and L2
// weight decay λ (PyTorch's torch.optim.SGD):
//
//	g ← g + λp;  b ← μb + g;  p ← p − lr·b
type SGD struct {
	Params      []*Tensor
	LR          float64
	Momentum    float64
	WeightDecay float64
	buf         []*Tensor
	t           int
}

// NewSGD returns an SGD optimiser over params.
func NewSGD(params []*Tensor, lr, momentum float64) *SGD {
	s := &SGD{Params: params, LR: lr, Momentum: momentum}
	for _, p := range params {
		b := Zeros(p.shape...)
		b.Name = "sgd.momentum." + p.Name
		s.buf = append(s.buf, b)
	}
	return s
}

// Step implements Optimizer.
func (s *SGD) Step() {
	s.t++
	lr, mom, wd := float32(s.LR), float32(s.Momentum), float32(s.WeightDecay)
	for k, p := range s.Params {
		b := s.buf[k].Data
		for i, g := range p.Grad {
			g += wd * p.Data[i]
			if mom != 0 {
				if s.t == 1 {
					b[i] = g
				} else {
					b[i] = mom*b[i] + g
				}
				g = b[i]
			}
			p.Data[i] -= lr * g
		}
		p.ZeroGrad()
	}
}

// ZeroGrad implements Optimizer.
func (s *SGD) ZeroGrad() { zeroGrads(s.Params) }

// SetLR implements Optimizer.
func (s *SGD) SetLR(lr float64) { s.LR = lr }

// State implements Optimizer.
func (s *SGD) State() []*Tensor { return s.buf }

// Steps implements Optimizer.
func (s *SGD) Steps() int { return s.t }

// SetSteps implements Optimizer.
func (s *SGD) SetSteps(n int) { s.t = n }

func zeroGrads(ps []*Tensor) {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// Adam is the Adam optimiser (Kingma & Ba 2015) in PyTorch's form:
//
//	m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
//	p ← p − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)
//
// WeightDecay λ adds λp to g (L2, torch.optim.Adam) or, with Decoupled,
// multiplies p by 1 − lr·λ first (AdamW, Loshchilov & Hutter 2019).
type Adam struct {
	Params       []*Tensor
	LR           float64
	Beta1, Beta2 float64
	Eps          float64
	WeightDecay  float64
	Decoupled    bool
	m, v         []*Tensor
	t            int
}

// NewAdam returns Adam with β = (0.9, 0.999), ε = 1e-8.
func NewAdam(params []*Tensor, lr float64) *Adam {
	a := &Adam{Params: params, LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	for _, p := range params {
		m, v := Zeros(p.shape...), Zeros(p.shape...)
		m.Name, v.Name = "adam.m."+p.Name, "adam.v."+p.Name
		a.m, a.v = append(a.m, m), append(a.v, v)
	}
	return a
}

// NewAdamW returns Adam with decoupled weight decay (PyTorch AdamW defaults
// use weightDecay 0.01).
func NewAdamW(params []*Tensor, lr, weightDecay float64) *Adam {
	a := NewAdam(params, lr)
	a.WeightDecay, a.Decoupled = weightDecay, true
	return a
}

// Step implements Optimizer.
func (a *Adam) Step() {
	a.t++
	bc1 := 1 - math.Pow(a.Beta1, float64(a.t))
	bc2 := math.Sqrt(1 - math.Pow(a.Beta2, float64(a.t)))
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	step := float32(a.LR / bc1)
	ibc2 := float32(1 / bc2)
	eps, wd := float32(a.Eps), float32(a.WeightDecay)
	decay := float32(1 - a.LR*a.WeightDecay)
	for k, p := range a.Params {
		m, v, d, gr := a.m[k].Data, a.v[k].Data, p.Data, p.Grad
		parallelFor(len(d), len(d)*8, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				g := gr[i]
				if wd != 0 {
					if a.Decoupled {
						d[i] *= decay
					} else {
						g += wd * d[i]
					}
				}
				m[i] = b1*m[i] + (1-b1)*g
				v[i] = b2*v[i] + (1-b2)*g*g
				d[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))*ibc2 + eps)
				gr[i] = 0
			}
		})
	}
}

// ZeroGrad implements Optimizer.
func (a *Adam) ZeroGrad() { zeroGrads(a.Params) }

// SetLR implements Optimizer.
func (a *Adam) SetLR(lr float64) { a.LR = lr }

// State implements Optimizer: first and second moments.
func (a *Adam) State() []*Tensor { return append(append([]*Tensor(nil), a.m...), a.v...) }

// Steps implements Optimizer.
func (a *Adam) Steps() int { return a.t }

// SetSteps implements Optimizer.
func (a *Adam) SetSteps(n int) { a.t = n }

// ClipGradNorm scales all gradients so that their joint L2 norm is at most
// maxNorm, and returns the norm before clipping.
func ClipGradNorm(params []*Tensor, maxNorm float64) float64 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad {
			s += float64(g) * float64(g)
		}
	}
	n := math.Sqrt(s)
	if n > maxNorm && n > 0 {
		c := float32(maxNorm / (n + 1e-6))
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= c
			}
		}
	}
	return n
}

// Schedule gives the learning rate at a step (0-based).
type Schedule func(step int) float64

// ConstantLR is a fixed learning rate.
func ConstantLR(lr float64) Schedule { return func(int) float64 { return lr } }

// StepLR multiplies lr by gamma every `every` steps.
func StepLR(lr float64, every int, gamma float64) Schedule {
	return func(s int) float64 { return lr * math.Pow(gamma, float64(s/every)) }
}

// WarmupCosine rises linearly from 0 to lr over warmup steps, then follows
// a half cosine down to minLR at step total (and stays there).
func WarmupCosine(lr, minLR float64, warmup, total int) Schedule {
	return func(s int) float64 {
		if s < warmup {
			return lr * float64(s+1) / float64(warmup)
		}
		if s >= total {
			return minLR
		}
		f := float64(s-warmup) / float64(max(total-warmup, 1))
		return minLR + 0.5*(lr-minLR)*(1+math.Cos(math.Pi*f))
	}
}

// EMA keeps an exponential moving average of parameters,
// shadow ← decay·shadow + (1−decay)·param, for evaluation and sampling.
type EMA struct {
	Decay  float64
	Params []*Tensor
	Shadow []*Tensor // named "ema.<param name>"
}

// NewEMA starts an average at the current parameter values.
func NewEMA(params []*Tensor, decay float64) *EMA {
	e := &EMA{Decay: decay, Params: params}
	for _, p := range params {
		s := p.Clone()
		s.Name = "ema." + p.Name
		e.Shadow = append(e.Shadow, s)
	}
	return e
}

// Update moves the average towards the current parameters.
func (e *EMA) Update() {
	d := float32(e.Decay)
	for k, p := range e.Params {
		s := e.Shadow[k].Data
		for i, v := range p.Data {
			s[i] = d*s[i] + (1-d)*v
		}
	}
}

// Swap exchanges parameter values and the averages (call twice to undo):
// evaluate or sample with the averaged weights in between.
func (e *EMA) Swap() {
	for k, p := range e.Params {
		s := e.Shadow[k].Data
		for i := range p.Data {
			p.Data[i], s[i] = s[i], p.Data[i]
		}
	}
}
