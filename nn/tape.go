package nn

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Tape records operations for reverse-mode differentiation and owns the
// buffers of every intermediate tensor, so that a training loop reuses the
// same memory step after step:
//
//	tp := nn.NewTape()
//	for step := range steps {
//		tp.Reset()                // recycle last step's buffers
//		loss := model.Loss(tp, x) // forward: ops are recorded
//		tp.Backward(loss)         // gradients accumulate into parameters' Grad
//		opt.Step()                // update, then clear parameter gradients
//	}
//
// A Tape is not safe for concurrent use; use one per goroutine.
type Tape struct {
	// NoGrad skips recording (inference): nothing is kept for Backward.
	NoGrad bool
	// Training selects training behaviour of Dropout and BatchNorm.
	Training bool
	// RNG draws dropout masks and other noise; set it from an explicit seed.
	RNG *rand.Rand
	// Profile, when not nil, accumulates time per operation.
	Profile *Profile

	ops  []op
	free map[int][][]float32 // recycled buffers by length
	used [][]float32         // buffers handed out since the last Reset
}

// op is one recorded operation: back propagates out.Grad to the inputs.
type op struct {
	out  *Tensor
	back func()
	name string // set when profiling
}

// NewTape returns an empty tape in training mode with RNG seeded by 0.
func NewTape() *Tape {
	return &Tape{Training: true, RNG: NewRNG(0, 0), free: map[int][][]float32{}}
}

// Reset forgets the recorded operations and returns every buffer handed out
// since the previous Reset to the tape's pool. Tensors made by the tape
// before Reset must not be used afterwards.
func (tp *Tape) Reset() {
	clear(tp.ops)
	tp.ops = tp.ops[:0]
	for _, b := range tp.used {
		tp.free[len(b)] = append(tp.free[len(b)], b)
	}
	clear(tp.used)
	tp.used = tp.used[:0]
}

// Release drops every buffer the tape holds (after a Reset), for a tape that
// saw many different shapes: buffers are pooled by exact length.
func (tp *Tape) Release() {
	tp.Reset()
	clear(tp.free)
}

// buf returns an uninitialised buffer of n values owned by the tape.
func (tp *Tape) buf(n int) []float32 {
	var b []float32
	if l := tp.free[n]; len(l) > 0 {
		b = l[len(l)-1]
		tp.free[n] = l[:len(l)-1]
	} else {
		b = make([]float32, n)
	}
	tp.used = append(tp.used, b)
	return b
}

// zeros returns a zeroed buffer of n values owned by the tape.
func (tp *Tape) zeros(n int) []float32 {
	b := tp.buf(n)
	clear(b)
	return b
}

// Scratch returns a temporary buffer of n values (uninitialised), recycled
// at the next Reset; layers use it for workspace.
func (tp *Tape) Scratch(n int) []float32 { return tp.buf(n) }

// New returns an uninitialised tape-owned tensor (a constant: no gradient).
func (tp *Tape) New(shape ...int) *Tensor {
	return &Tensor{Data: tp.buf(numel(shape)), shape: append([]int(nil), shape...)}
}

// Const copies data into a tape-owned constant tensor of the given shape.
func (tp *Tape) Const(data []float32, shape ...int) *Tensor {
	t := tp.New(shape...)
	if len(data) != len(t.Data) {
		panic(fmt.Sprintf("nn: Const: %d values for shape %v", len(data), shape))
	}
	copy(t.Data, data)
	return t
}

// out makes the result tensor of an op on inputs: it requires a gradient
// when any input does and the tape records.
func (tp *Tape) out(shape []int, inputs ...*Tensor) *Tensor {
	t := &Tensor{Data: tp.buf(numel(shape)), shape: append([]int(nil), shape...)}
	if !tp.NoGrad {
		for _, x := range inputs {
			if x != nil && x.requiresGrad {
				t.requiresGrad = true
				break
			}
		}
	}
	return t
}

// record adds a backward step for out (only when out requires a gradient).
func (tp *Tape) record(out *Tensor, back func()) {
	var name string
	if tp.Profile != nil {
		name = opName()
		tp.Profile.forward(name)
	}
	if out.requiresGrad {
		tp.ops = append(tp.ops, op{out, back, name})
	}
}

// grad returns x's gradient buffer, allocating a zeroed one from the tape
// on first use; nil when x takes no gradient.
func (tp *Tape) grad(x *Tensor) []float32 {
	if !x.requiresGrad {
		return nil
	}
	if x.Grad == nil {
		x.Grad = tp.zeros(len(x.Data))
	}
	return x.Grad
}

// Backward propagates from a scalar loss: d(loss)/d(loss) = 1, then every
// recorded op in reverse order. Parameter gradients accumulate (add) into
// their Grad buffers; clear them with the optimiser's ZeroGrad or Step.
func (tp *Tape) Backward(loss *Tensor) {
	if len(loss.Data) != 1 {
		panic(fmt.Sprintf("nn: Backward needs a scalar loss, got shape %v", loss.shape))
	}
	tp.BackwardWith(loss, []float32{1})
}

// BackwardWith propagates a given output gradient (same length as out).
func (tp *Tape) BackwardWith(out *Tensor, grad []float32) {
	if !out.requiresGrad {
		panic("nn: Backward on a tensor that does not depend on any parameter")
	}
	g := tp.grad(out)
	for i := range g {
		g[i] += grad[i]
	}
	for i := len(tp.ops) - 1; i >= 0; i-- {
		o := tp.ops[i]
		if o.out.Grad != nil {
			if tp.Profile != nil {
				t0 := time.Now()
				o.back()
				tp.Profile.Backward[o.name] += time.Since(t0)
				continue
			}
			o.back()
		}
	}
}
