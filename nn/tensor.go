package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Tensor is a dense float32 array in row-major order (images NCHW) with an
// optional gradient of the same length.
//
// Parameters are made with NewParam and own their Data and Grad for their
// whole life. Tensors returned by Tape operations borrow their buffers from
// the Tape: they are valid until the Tape's next Reset.
type Tensor struct {
	// Name is the key used in safetensors files ("enc.0.weight"); empty for
	// intermediate values.
	Name string
	// Data holds the values, len(Data) == product of the shape.
	Data []float32
	// Grad holds d(loss)/d(Data) after Tape.Backward; nil when no gradient
	// has reached this tensor.
	Grad  []float32
	shape []int
	// requiresGrad marks parameters and every value computed from one.
	requiresGrad bool
	// upOf is the tensor this one is a nearest ×2 upsampling of (nil
	// otherwise): a following 3×3 convolution then runs on upOf directly.
	upOf *Tensor
}

// Shape returns the dimensions (do not modify the returned slice).
func (t *Tensor) Shape() []int { return t.shape }

// Dim returns dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	return t.shape[i]
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// RequiresGrad reports whether gradients flow to this tensor.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// String describes the tensor briefly.
func (t *Tensor) String() string {
	if t.Name != "" {
		return fmt.Sprintf("Tensor(%s)%v", t.Name, t.shape)
	}
	return fmt.Sprintf("Tensor%v", t.shape)
}

// Item returns the single value of a one-element tensor.
func (t *Tensor) Item() float32 {
	if len(t.Data) != 1 {
		panic(fmt.Sprintf("nn: Item on tensor of shape %v", t.shape))
	}
	return t.Data[0]
}

// numel returns the product of the dimensions.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FromData wraps data (not copied) as a constant tensor of the given shape.
func FromData(data []float32, shape ...int) *Tensor {
	if numel(shape) != len(data) {
		panic(fmt.Sprintf("nn: FromData: %d values for shape %v", len(data), shape))
	}
	return &Tensor{Data: data, shape: append([]int(nil), shape...)}
}

// Zeros returns a new constant tensor of zeros.
func Zeros(shape ...int) *Tensor { return FromData(make([]float32, numel(shape)), shape...) }

// NewParam returns a named trainable tensor of zeros with its own gradient buffer.
func NewParam(name string, shape ...int) *Tensor {
	n := numel(shape)
	return &Tensor{Name: name, Data: make([]float32, n), Grad: make([]float32, n),
		shape: append([]int(nil), shape...), requiresGrad: true}
}

// SetRequiresGrad turns a constant tensor into a leaf that receives a
// gradient (an input whose gradient you want, e.g. for saliency).
func (t *Tensor) SetRequiresGrad() {
	t.requiresGrad = true
	if t.Grad == nil {
		t.Grad = make([]float32, len(t.Data))
	}
}

// ZeroGrad clears the gradient.
func (t *Tensor) ZeroGrad() { clear(t.Grad) }

// Clone returns a deep copy with its own buffers (name kept, no gradient).
func (t *Tensor) Clone() *Tensor {
	c := FromData(append([]float32(nil), t.Data...), t.shape...)
	c.Name = t.Name
	return c
}

// FillUniform sets every value uniformly in [lo, hi) from rng.
func (t *Tensor) FillUniform(rng *rand.Rand, lo, hi float32) {
	for i := range t.Data {
		t.Data[i] = lo + (hi-lo)*float32(rng.Float64())
	}
}

// FillNormal sets every value from N(mean, std²) drawn from rng.
func (t *Tensor) FillNormal(rng *rand.Rand, mean, std float32) {
	for i := range t.Data {
		t.Data[i] = mean + std*float32(rng.NormFloat64())
	}
}

// Fill sets every value to v.
func (t *Tensor) Fill(v float32) {
	for i := range t.Data {
		t.Data[i] = v
	}
}

// NewRNG returns the package's deterministic generator for a seed and stream
// (PCG); every random draw in nn takes one of these explicitly.
func NewRNG(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// MaxAbs returns max |x| over the data (0 for an empty tensor).
func MaxAbs(x []float32) float32 {
	var m float32
	for _, v := range x {
		m = max(m, float32(math.Abs(float64(v))))
	}
	return m
}

// SetTrainable turns gradient tracking of parameters on or off. With it off
// (e.g. a GAN critic during the generator's step) no gradient is computed
// for or accumulated into them, while gradients still flow through them to
// earlier tensors.
func SetTrainable(params []*Tensor, on bool) {
	for _, p := range params {
		p.requiresGrad = on
		if on && p.Grad == nil {
			p.Grad = make([]float32, len(p.Data))
		}
	}
}
