package nn

import (
	"math"
	"math/rand/v2"
)

// SpectralNorm divides a weight by its largest singular value σ, estimated
// by power iteration on W viewed as [rows, cols] = [shape[0], rest]
// (Miyato et al. 2018), as PyTorch's spectral_norm does:
//
//	v ← normalise(Wᵀu), u ← normalise(W v)   (Iters times, in training)
//	σ = uᵀ W v,  W_SN = W / σ
//
// u and v are kept between steps ("<name>.sn_u", "<name>.sn_v") and are
// constants for the gradient: ∂L/∂W = (G − (Σ G⊙W)/σ · u vᵀ)/σ with G = ∂L/∂W_SN.
type SpectralNorm struct {
	U, V  *Tensor
	Iters int
	Eps   float32
}

// NewSpectralNorm prepares spectral normalisation of a weight w, drawing the
// initial u, v from rng.
func NewSpectralNorm(w *Tensor, rng *rand.Rand) *SpectralNorm {
	rows := w.shape[0]
	cols := len(w.Data) / rows
	sn := &SpectralNorm{U: Zeros(rows), V: Zeros(cols), Iters: 1, Eps: 1e-12}
	sn.U.Name, sn.V.Name = w.Name+".sn_u", w.Name+".sn_v"
	sn.U.FillNormal(rng, 0, 1)
	sn.V.FillNormal(rng, 0, 1)
	normalise(sn.U.Data, sn.Eps)
	normalise(sn.V.Data, sn.Eps)
	return sn
}

// Buffers returns u and v.
func (sn *SpectralNorm) Buffers() []*Tensor { return []*Tensor{sn.U, sn.V} }

func normalise(x []float32, eps float32) {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	n := float32(math.Max(math.Sqrt(s), float64(eps)))
	for i := range x {
		x[i] /= n
	}
}

// Apply returns W/σ(W), running the power iteration when tp.Training.
func (sn *SpectralNorm) Apply(tp *Tape, w *Tensor) *Tensor {
	rows := w.shape[0]
	cols := len(w.Data) / rows
	u, v := sn.U.Data, sn.V.Data
	if tp.Training {
		for it := 0; it < sn.Iters; it++ {
			for j := 0; j < cols; j++ {
				v[j] = 0
			}
			for i := 0; i < rows; i++ {
				for j, x := range w.Data[i*cols : (i+1)*cols] {
					v[j] += x * u[i]
				}
			}
			normalise(v, sn.Eps)
			for i := 0; i < rows; i++ {
				var s float32
				for j, x := range w.Data[i*cols : (i+1)*cols] {
					s += x * v[j]
				}
				u[i] = s
			}
			normalise(u, sn.Eps)
		}
	}
	var sigma float64
	for i := 0; i < rows; i++ {
		var s float64
		for j, x := range w.Data[i*cols : (i+1)*cols] {
			s += float64(x) * float64(v[j])
		}
		sigma += float64(u[i]) * s
	}
	inv := float32(1 / sigma)
	y := tp.out(w.shape, w)
	for i, x := range w.Data {
		y.Data[i] = x * inv
	}
	uc := tp.Const(u, rows)
	vc := tp.Const(v, cols)
	tp.record(y, func() {
		gw := tp.grad(w)
		var dot float64
		for i, g := range y.Grad {
			dot += float64(g) * float64(w.Data[i])
		}
		c := float32(dot / sigma)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				k := i*cols + j
				gw[k] += (y.Grad[k] - c*uc.Data[i]*vc.Data[j]) * inv
			}
		}
	})
	return y
}
