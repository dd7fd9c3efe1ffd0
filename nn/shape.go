package nn

import "fmt"

// Reshape returns x viewed with a new shape (same data, no copy); one
// dimension may be −1 and is then inferred.
func (tp *Tape) Reshape(x *Tensor, shape ...int) *Tensor {
	shape = append([]int(nil), shape...)
	known, infer := 1, -1
	for i, d := range shape {
		if d == -1 {
			infer = i
		} else {
			known *= d
		}
	}
	if infer >= 0 && known > 0 {
		shape[infer] = len(x.Data) / known
	}
	if numel(shape) != len(x.Data) {
		panic(fmt.Sprintf("nn: cannot reshape %v to %v", x.shape, shape))
	}
	y := &Tensor{Data: x.Data, shape: shape, requiresGrad: x.requiresGrad && !tp.NoGrad}
	tp.record(y, func() {
		gx := tp.grad(x)
		for i, v := range y.Grad {
			gx[i] += v
		}
	})
	return y
}

// Flatten reshapes [N, …] to [N, rest].
func (tp *Tape) Flatten(x *Tensor) *Tensor { return tp.Reshape(x, x.shape[0], -1) }

// Permute reorders dimensions: output dimension i is input dimension perm[i].
func (tp *Tape) Permute(x *Tensor, perm ...int) *Tensor {
	d := len(x.shape)
	if len(perm) != d {
		panic(fmt.Sprintf("nn: Permute %v of shape %v", perm, x.shape))
	}
	shape := make([]int, d)
	for i, p := range perm {
		shape[i] = x.shape[p]
	}
	// strides of x, taken in output order
	xs := make([]int, d)
	st := 1
	for i := d - 1; i >= 0; i-- {
		xs[i] = st
		st *= x.shape[i]
	}
	ps := make([]int, d)
	for i, p := range perm {
		ps[i] = xs[p]
	}
	zero := make([]int, d)
	y := tp.out(shape, x)
	bcast(shape, ps, zero, func(i, ia, _, n, sa, _ int) {
		for k := 0; k < n; k++ {
			y.Data[i+k] = x.Data[ia+k*sa]
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		bcast(shape, ps, zero, func(i, ia, _, n, sa, _ int) {
			for k := 0; k < n; k++ {
				gx[ia+k*sa] += y.Grad[i+k]
			}
		})
	})
	return y
}

// Transpose swaps dimensions i and j.
func (tp *Tape) Transpose(x *Tensor, i, j int) *Tensor {
	perm := make([]int, len(x.shape))
	for k := range perm {
		perm[k] = k
	}
	perm[i], perm[j] = j, i
	return tp.Permute(x, perm...)
}

// outerInner splits shape around axis: product before, the axis, product after.
func outerInner(shape []int, axis int) (outer, n, inner int) {
	return numel(shape[:axis]), shape[axis], numel(shape[axis+1:])
}

// Concat joins tensors along axis; all other dimensions must agree.
func (tp *Tape) Concat(axis int, xs ...*Tensor) *Tensor {
	if axis < 0 {
		axis += len(xs[0].shape)
	}
	shape := append([]int(nil), xs[0].shape...)
	shape[axis] = 0
	for _, x := range xs {
		if len(x.shape) != len(shape) {
			panic(fmt.Sprintf("nn: Concat of shapes %v and %v", xs[0].shape, x.shape))
		}
		for k := range shape {
			if k != axis && x.shape[k] != shape[k] {
				panic(fmt.Sprintf("nn: Concat along %d of shapes %v and %v", axis, xs[0].shape, x.shape))
			}
		}
		shape[axis] += x.shape[axis]
	}
	y := tp.out(shape, xs...)
	outer, total, inner := outerInner(shape, axis)
	off := 0
	for _, x := range xs {
		n := x.shape[axis]
		for o := 0; o < outer; o++ {
			copy(y.Data[(o*total+off)*inner:(o*total+off+n)*inner], x.Data[o*n*inner:(o+1)*n*inner])
		}
		off += n
	}
	tp.record(y, func() {
		off := 0
		for _, x := range xs {
			n := x.shape[axis]
			if gx := tp.grad(x); gx != nil {
				for o := 0; o < outer; o++ {
					src := y.Grad[(o*total+off)*inner : (o*total+off+n)*inner]
					dst := gx[o*n*inner : (o+1)*n*inner]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
			off += n
		}
	})
	return y
}

// Slice returns x[…, start:end, …] along axis (a copy).
func (tp *Tape) Slice(x *Tensor, axis, start, end int) *Tensor {
	if axis < 0 {
		axis += len(x.shape)
	}
	if start < 0 || end > x.shape[axis] || start >= end {
		panic(fmt.Sprintf("nn: Slice [%d:%d] of axis %d of shape %v", start, end, axis, x.shape))
	}
	shape := append([]int(nil), x.shape...)
	shape[axis] = end - start
	y := tp.out(shape, x)
	outer, total, inner := outerInner(x.shape, axis)
	n := end - start
	for o := 0; o < outer; o++ {
		copy(y.Data[o*n*inner:(o+1)*n*inner], x.Data[(o*total+start)*inner:(o*total+end)*inner])
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		for o := 0; o < outer; o++ {
			dst := gx[(o*total+start)*inner : (o*total+end)*inner]
			for i, v := range y.Grad[o*n*inner : (o+1)*n*inner] {
				dst[i] += v
			}
		}
	})
	return y
}

// Pad2d pads the last two dimensions of x [N, C, H, W] with zeros:
// top, bottom, left, right rows/columns.
func (tp *Tape) Pad2d(x *Tensor, top, bottom, left, right int) *Tensor {
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	OH, OW := H+top+bottom, W+left+right
	y := tp.out([]int{N, C, OH, OW}, x)
	clear(y.Data)
	for nc := 0; nc < N*C; nc++ {
		for i := 0; i < H; i++ {
			copy(y.Data[(nc*OH+i+top)*OW+left:], x.Data[(nc*H+i)*W:(nc*H+i+1)*W])
		}
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		for nc := 0; nc < N*C; nc++ {
			for i := 0; i < H; i++ {
				src := y.Grad[(nc*OH+i+top)*OW+left:]
				dst := gx[(nc*H+i)*W : (nc*H+i+1)*W]
				for j := range dst {
					dst[j] += src[j]
				}
			}
		}
	})
	return y
}

// UpsampleNearest repeats every pixel of x [N, C, H, W] into an f×f block.
func (tp *Tape) UpsampleNearest(x *Tensor, f int) *Tensor {
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	OW := W * f
	y := tp.out([]int{N, C, H * f, OW}, x)
	if f == 2 {
		y.upOf = x
	}
	parallelFor(N*C, len(x.Data)*f*f, func(lo, hi int) {
		for nc := lo; nc < hi; nc++ {
			for i := 0; i < H; i++ {
				in := x.Data[(nc*H+i)*W : (nc*H+i+1)*W]
				r0 := y.Data[(nc*H*f+i*f)*OW : (nc*H*f+i*f+1)*OW]
				if f == 2 {
					r1 := y.Data[(nc*H*f+i*f+1)*OW : (nc*H*f+i*f+2)*OW]
					for j, v := range in {
						r0[2*j], r0[2*j+1] = v, v
						r1[2*j], r1[2*j+1] = v, v
					}
					continue
				}
				for j, v := range in {
					for k := 0; k < f; k++ {
						r0[j*f+k] = v
					}
				}
				for k := 1; k < f; k++ {
					copy(y.Data[(nc*H*f+i*f+k)*OW:], r0)
				}
			}
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		parallelFor(N*C, len(x.Data)*f*f, func(lo, hi int) {
			for nc := lo; nc < hi; nc++ {
				for i := 0; i < H; i++ {
					g := gx[(nc*H+i)*W : (nc*H+i+1)*W]
					if f == 2 {
						r0 := y.Grad[(nc*H*f+i*f)*OW : (nc*H*f+i*f+1)*OW]
						r1 := y.Grad[(nc*H*f+i*f+1)*OW : (nc*H*f+i*f+2)*OW]
						for j := range g {
							g[j] = g[j] + r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
						}
						continue
					}
					for k := 0; k < f; k++ {
						r := y.Grad[(nc*H*f+i*f+k)*OW : (nc*H*f+i*f+k+1)*OW]
						for j := range g {
							s := g[j]
							for q := 0; q < f; q++ {
								s += r[j*f+q]
							}
							g[j] = s
						}
					}
				}
			}
		})
	})
	return y
}

// bilinearTaps gives, for each output index along an axis of length out
// resampled from in, the two source indices and the weight of the second
// (PyTorch align_corners=false: source = (dst+½)·in/out − ½, clamped at 0).
func bilinearTaps(in, out int) (i0, i1 []int, w1 []float32) {
	i0, i1, w1 = make([]int, out), make([]int, out), make([]float32, out)
	scale := float64(in) / float64(out)
	for d := 0; d < out; d++ {
		s := (float64(d)+0.5)*scale - 0.5
		if s < 0 {
			s = 0
		}
		a := int(s)
		if a > in-1 {
			a = in - 1
		}
		b := min(a+1, in-1)
		i0[d], i1[d], w1[d] = a, b, float32(s-float64(a))
	}
	return
}

// UpsampleBilinear resizes x [N, C, H, W] to [N, C, OH, OW] by bilinear
// interpolation with PyTorch's align_corners=false convention.
func (tp *Tape) UpsampleBilinear(x *Tensor, OH, OW int) *Tensor {
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	r0, r1, rw := bilinearTaps(H, OH)
	c0, c1, cw := bilinearTaps(W, OW)
	y := tp.out([]int{N, C, OH, OW}, x)
	parallelFor(N*C, N*C*OH*OW*4, func(lo, hi int) {
		for nc := lo; nc < hi; nc++ {
			src := x.Data[nc*H*W : (nc+1)*H*W]
			dst := y.Data[nc*OH*OW : (nc+1)*OH*OW]
			for i := 0; i < OH; i++ {
				a, b, wy := src[r0[i]*W:], src[r1[i]*W:], rw[i]
				for j := 0; j < OW; j++ {
					top := a[c0[j]] + cw[j]*(a[c1[j]]-a[c0[j]])
					bot := b[c0[j]] + cw[j]*(b[c1[j]]-b[c0[j]])
					dst[i*OW+j] = top + wy*(bot-top)
				}
			}
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		parallelFor(N*C, N*C*OH*OW*4, func(lo, hi int) {
			for nc := lo; nc < hi; nc++ {
				g := y.Grad[nc*OH*OW : (nc+1)*OH*OW]
				d := gx[nc*H*W : (nc+1)*H*W]
				for i := 0; i < OH; i++ {
					a, b, wy := d[r0[i]*W:], d[r1[i]*W:], rw[i]
					for j := 0; j < OW; j++ {
						v := g[i*OW+j]
						top, bot := v*(1-wy), v*wy
						a[c0[j]] += top * (1 - cw[j])
						a[c1[j]] += top * cw[j]
						b[c0[j]] += bot * (1 - cw[j])
						b[c1[j]] += bot * cw[j]
					}
				}
			}
		})
	})
	return y
}

// AvgPool2d averages non-overlapping-or-strided k×k windows of x [N, C, H, W]
// (no padding; output (H−k)/s + 1).
func (tp *Tape) AvgPool2d(x *Tensor, k, stride int) *Tensor {
	if stride < 1 {
		stride = k
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	OH, OW := (H-k)/stride+1, (W-k)/stride+1
	y := tp.out([]int{N, C, OH, OW}, x)
	inv := 1 / float32(k*k)
	for nc := 0; nc < N*C; nc++ {
		src := x.Data[nc*H*W:]
		for i := 0; i < OH; i++ {
			for j := 0; j < OW; j++ {
				var s float32
				for u := 0; u < k; u++ {
					for v := 0; v < k; v++ {
						s += src[(i*stride+u)*W+j*stride+v]
					}
				}
				y.Data[(nc*OH+i)*OW+j] = s * inv
			}
		}
	}
	tp.record(y, func() {
		gx := tp.grad(x)
		for nc := 0; nc < N*C; nc++ {
			dst := gx[nc*H*W:]
			for i := 0; i < OH; i++ {
				for j := 0; j < OW; j++ {
					g := y.Grad[(nc*OH+i)*OW+j] * inv
					for u := 0; u < k; u++ {
						for v := 0; v < k; v++ {
							dst[(i*stride+u)*W+j*stride+v] += g
						}
					}
				}
			}
		}
	})
	return y
}
