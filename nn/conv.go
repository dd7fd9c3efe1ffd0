package nn

import (
	"fmt"
	"sync"

	"github.com/galforge/galforge/nn/blas"
)

// ConvOpts are the geometry of a 2-D convolution; zero values mean stride 1,
// no padding, dilation 1. The same value applies to height and width.
type ConvOpts struct {
	Stride, Pad, Dilation int
	// OutPad adds rows/columns at the bottom/right of a transposed
	// convolution's output (PyTorch output_padding); ignored by Conv2d.
	OutPad int
}

func (o ConvOpts) norm() ConvOpts {
	if o.Stride < 1 {
		o.Stride = 1
	}
	if o.Dilation < 1 {
		o.Dilation = 1
	}
	return o
}

// ColBudget is the largest convolution workspace (float32 values) each
// worker uses at once (default 128 KiB, so that the tile, the sgemm's packed
// panels and the output stay in a core's L2 cache): im2col unfolds a sample
// in blocks of output rows that fit it, and stride-1 convolutions pad as
// many samples side by side as fit.
var ColBudget = 1 << 15

// convGeom is the geometry of a convolution seen from its image side: an
// image [C, H, W] is unfolded to columns [C·K·K, OH·OW].
type convGeom struct {
	C, H, W, K, S, P, D, OH, OW int
}

func (g *convGeom) rows() int { return g.C * g.K * g.K }

// rowBlock returns how many output rows are unfolded at once.
func (g *convGeom) rowBlock() int {
	return min(max(ColBudget/max(g.rows()*g.OW, 1), 1), g.OH)
}

// im2col unfolds output rows [r0, r1) of one image [C, H, W] into col laid
// out as [C·K·K, (r1−r0)·OW].
func (g *convGeom) im2col(img []float32, r0, r1 int, col []float32) {
	ld, K := (r1-r0)*g.OW, g.K
	for c := 0; c < g.C; c++ {
		src := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < K; ki++ {
			for kj := 0; kj < K; kj++ {
				dst := col[((c*K+ki)*K+kj)*ld:]
				g.unfoldRows(src, ki, kj, r0, r1, dst[:ld])
			}
		}
	}
}

// unfoldRows writes the values of image channel src seen by kernel tap
// (ki, kj) at output rows [r0, r1).
func (g *convGeom) unfoldRows(src []float32, ki, kj, r0, r1 int, dst []float32) {
	iw0 := -g.P + kj*g.D
	a, b := g.validCols(iw0)
	for oh := r0; oh < r1; oh++ {
		row := dst[(oh-r0)*g.OW : (oh-r0+1)*g.OW]
		ih := oh*g.S - g.P + ki*g.D
		if ih < 0 || ih >= g.H {
			clear(row)
			continue
		}
		in := src[ih*g.W : (ih+1)*g.W]
		if g.S == 1 {
			clear(row[:a])
			copy(row[a:b], in[a+iw0:b+iw0])
			clear(row[b:])
			continue
		}
		clear(row[:a])
		for ow := a; ow < b; ow++ {
			row[ow] = in[ow*g.S+iw0]
		}
		clear(row[b:])
	}
}

// validCols returns the range [a, b) of output columns ow whose input
// column ow·S + iw0 lies inside the image.
func (g *convGeom) validCols(iw0 int) (a, b int) {
	a = min(max(0, (-iw0+g.S-1)/g.S), g.OW)
	b = min(g.OW, (g.W-iw0+g.S-1)/g.S)
	return a, max(a, b)
}

// col2im adds columns col ([C·K·K, (r1−r0)·OW], output rows [r0, r1)) back
// into an image (the adjoint of im2col).
func (g *convGeom) col2im(col []float32, r0, r1 int, img []float32) {
	ld, K := (r1-r0)*g.OW, g.K
	for c := 0; c < g.C; c++ {
		dst := img[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < K; ki++ {
			for kj := 0; kj < K; kj++ {
				src := col[((c*K+ki)*K+kj)*ld:]
				g.foldRows(src[:ld], ki, kj, r0, r1, dst)
			}
		}
	}
}

func (g *convGeom) foldRows(src []float32, ki, kj, r0, r1 int, dst []float32) {
	iw0 := -g.P + kj*g.D
	a, b := g.validCols(iw0)
	for oh := r0; oh < r1; oh++ {
		ih := oh*g.S - g.P + ki*g.D
		if ih < 0 || ih >= g.H {
			continue
		}
		row := src[(oh-r0)*g.OW : (oh-r0+1)*g.OW]
		out := dst[ih*g.W : (ih+1)*g.W]
		if g.S == 1 {
			o := out[a+iw0 : b+iw0]
			for i, v := range row[a:b] {
				o[i] += v
			}
			continue
		}
		for ow := a; ow < b; ow++ {
			out[ow*g.S+iw0] += row[ow]
		}
	}
}

// sampleWorkers runs fn(w, lo, hi) on min(Threads(), n) goroutines, worker
// w taking samples [lo, hi); each worker owns the buffers indexed by w.
func sampleWorkers(n int, fn func(w, lo, hi int)) {
	t := min(Threads(), n)
	if t <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, w*n/t, (w+1)*n/t)
		}()
	}
	wg.Wait()
}

func workers(n int) int { return max(min(Threads(), n), 1) }

// addBias adds bias[c] to every value of channel c of y [C, P].
func addBias(y []float32, C, P int, bias []float32) {
	for c := 0; c < C; c++ {
		b := bias[c]
		row := y[c*P : (c+1)*P]
		for i := range row {
			row[i] += b
		}
	}
}

// biasGrad adds Σ over pixels of g [C, P] into gb [C].
func biasGrad(g []float32, C, P int, gb []float32) {
	for c := 0; c < C; c++ {
		var s float32
		for _, v := range g[c*P : (c+1)*P] {
			s += v
		}
		gb[c] += s
	}
}

// reduceInto adds the per-worker partial sums parts[w] (w ≥ 1, fixed order)
// and parts[0] into dst.
func reduceInto(dst []float32, parts [][]float32) {
	for _, p := range parts {
		for i, v := range p {
			dst[i] += v
		}
	}
}

// ConvOutSize returns the output length of a convolution along one axis.
func ConvOutSize(in, k int, o ConvOpts) int {
	o = o.norm()
	return (in+2*o.Pad-o.Dilation*(k-1)-1)/o.Stride + 1
}

// Conv2d returns the 2-D cross-correlation of x [N, Cin, H, W] with w
// [Cout, Cin, K, K] (PyTorch layout) plus b [Cout] (nil for none):
//
//	y[n,o,i,j] = b[o] + Σ_{c,u,v} w[o,c,u,v] · x[n, c, i·s−p+u·d, j·s−p+v·d]
//
// computed as im2col + one sgemm per tile of samples.
func (tp *Tape) Conv2d(x, w, b *Tensor, o ConvOpts) *Tensor {
	o = o.norm()
	if len(x.shape) != 4 || len(w.shape) != 4 || x.shape[1] != w.shape[1] || w.shape[2] != w.shape[3] {
		panic(fmt.Sprintf("nn: Conv2d input %v does not match weight %v (want [N,C,H,W] and [O,C,K,K])", x.shape, w.shape))
	}
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	Cout, K := w.shape[0], w.shape[2]
	g := convGeom{C: C, H: H, W: W, K: K, S: o.Stride, P: o.Pad, D: o.Dilation}
	g.OH, g.OW = ConvOutSize(H, K, o), ConvOutSize(W, K, o)
	if g.OH < 1 || g.OW < 1 {
		panic(fmt.Sprintf("nn: Conv2d output of input %v with kernel %d, %+v is empty", x.shape, K, o))
	}
	if !forceIm2col {
		if x.upOf != nil && !noUpFuse && K == 3 && o.Stride == 1 && o.Pad == 1 && o.Dilation == 1 {
			return tp.upConv3(x.upOf, w, b)
		}
		if o.Stride == 1 {
			return tp.conv2dShifted(x, w, b, g, nil)
		}
		if o.Dilation == 1 && K%o.Stride == 0 {
			// A stride-S convolution is a stride-1 convolution of the S²
			// phases of the padded input with the matching kernel phases.
			S := o.Stride
			xs := tp.spaceToDepth(x, S, o.Pad)
			ws := tp.kernelToDepth(w, S)
			y := tp.Conv2d(xs, ws, b, ConvOpts{})
			if y.shape[2] != g.OH {
				y = tp.Slice(y, 2, 0, g.OH)
			}
			if y.shape[3] != g.OW {
				y = tp.Slice(y, 3, 0, g.OW)
			}
			return y
		}
	}
	y := tp.out([]int{N, Cout, g.OH, g.OW}, x, w, b)
	P, R, in, rb := g.OH*g.OW, g.rows(), C*H*W, g.rowBlock()
	nw := workers(N)
	cols := make([][]float32, nw)
	for i := range cols {
		cols[i] = tp.buf(R * rb * g.OW)
	}
	sampleWorkers(N, func(wk, lo, hi int) {
		col := cols[wk]
		for n := lo; n < hi; n++ {
			yn := y.Data[n*Cout*P : (n+1)*Cout*P]
			for r0 := 0; r0 < g.OH; r0 += rb {
				r1 := min(r0+rb, g.OH)
				ld := (r1 - r0) * g.OW
				g.im2col(x.Data[n*in:], r0, r1, col)
				blas.SgemmSerial(false, false, Cout, ld, R, 1, w.Data, R, col, ld, 0, yn[r0*g.OW:], P)
			}
			if b != nil {
				addBias(yn, Cout, P, b.Data)
			}
		}
	})
	tp.record(y, func() {
		gx, gw := tp.grad(x), tp.grad(w)
		var gb []float32
		if b != nil {
			gb = tp.grad(b)
		}
		gws, gbs := workerGrads(tp, nw, gw, gb)
		sampleWorkers(N, func(wk, lo, hi int) {
			col := cols[wk]
			for n := lo; n < hi; n++ {
				gy := y.Grad[n*Cout*P : (n+1)*Cout*P]
				if gb != nil {
					biasGrad(gy, Cout, P, gbs[wk])
				}
				for r0 := 0; r0 < g.OH; r0 += rb {
					r1 := min(r0+rb, g.OH)
					ld := (r1 - r0) * g.OW
					if gw != nil {
						g.im2col(x.Data[n*in:], r0, r1, col)
						blas.SgemmSerial(false, true, Cout, R, ld, 1, gy[r0*g.OW:], P, col, ld, 1, gws[wk], R)
					}
					if gx != nil {
						blas.SgemmSerial(true, false, R, ld, Cout, 1, w.Data, R, gy[r0*g.OW:], P, 0, col, ld)
						g.col2im(col, r0, r1, gx[n*in:])
					}
				}
			}
		})
		if gw != nil {
			reduceInto(gw, gws)
		}
		if gb != nil {
			reduceInto(gb, gbs)
		}
	})
	return y
}

// ConvTransposeOutSize returns the output length of a transposed convolution.
func ConvTransposeOutSize(in, k int, o ConvOpts) int {
	o = o.norm()
	return (in-1)*o.Stride - 2*o.Pad + o.Dilation*(k-1) + o.OutPad + 1
}

// ConvTranspose2d returns the transposed convolution (the adjoint of Conv2d
// with the same geometry) of x [N, Cin, H, W] with w [Cin, Cout, K, K]
// (PyTorch layout) plus b [Cout]; output size (H−1)·s − 2p + d·(K−1) + OutPad + 1.
func (tp *Tape) ConvTranspose2d(x, w, b *Tensor, o ConvOpts) *Tensor {
	o = o.norm()
	if len(x.shape) != 4 || len(w.shape) != 4 || x.shape[1] != w.shape[0] || w.shape[2] != w.shape[3] {
		panic(fmt.Sprintf("nn: ConvTranspose2d input %v does not match weight %v (want [N,C,H,W] and [C,O,K,K])", x.shape, w.shape))
	}
	N, Cin, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	Cout, K := w.shape[1], w.shape[2]
	OH, OW := ConvTransposeOutSize(H, K, o), ConvTransposeOutSize(W, K, o)
	if OH < 1 || OW < 1 {
		panic(fmt.Sprintf("nn: ConvTranspose2d output of input %v with kernel %d, %+v is empty", x.shape, K, o))
	}
	// Seen from the output image, this is a convolution whose columns are x's pixels.
	g := convGeom{C: Cout, H: OH, W: OW, K: K, S: o.Stride, P: o.Pad, D: o.Dilation, OH: H, OW: W}
	y := tp.out([]int{N, Cout, OH, OW}, x, w, b)
	clear(y.Data)
	P, R, out, rb := H*W, g.rows(), Cout*OH*OW, g.rowBlock()
	nw := workers(N)
	cols := make([][]float32, nw)
	for i := range cols {
		cols[i] = tp.buf(R * rb * W)
	}
	sampleWorkers(N, func(wk, lo, hi int) {
		col := cols[wk]
		for n := lo; n < hi; n++ {
			xn := x.Data[n*Cin*P : (n+1)*Cin*P]
			for r0 := 0; r0 < H; r0 += rb {
				r1 := min(r0+rb, H)
				ld := (r1 - r0) * W
				blas.SgemmSerial(true, false, R, ld, Cin, 1, w.Data, R, xn[r0*W:], P, 0, col, ld)
				g.col2im(col, r0, r1, y.Data[n*out:])
			}
			if b != nil {
				addBias(y.Data[n*out:(n+1)*out], Cout, OH*OW, b.Data)
			}
		}
	})
	tp.record(y, func() {
		gx, gw := tp.grad(x), tp.grad(w)
		var gb []float32
		if b != nil {
			gb = tp.grad(b)
		}
		gws, gbs := workerGrads(tp, nw, gw, gb)
		sampleWorkers(N, func(wk, lo, hi int) {
			col := cols[wk]
			for n := lo; n < hi; n++ {
				gy := y.Grad[n*out : (n+1)*out]
				if gb != nil {
					biasGrad(gy, Cout, OH*OW, gbs[wk])
				}
				for r0 := 0; r0 < H; r0 += rb {
					r1 := min(r0+rb, H)
					ld := (r1 - r0) * W
					g.im2col(gy, r0, r1, col)
					if gx != nil {
						blas.SgemmSerial(false, false, Cin, ld, R, 1, w.Data, R, col, ld, 1, gx[n*Cin*P+r0*W:], P)
					}
					if gw != nil {
						blas.SgemmSerial(false, true, Cin, R, ld, 1, x.Data[n*Cin*P+r0*W:], P, col, ld, 1, gws[wk], R)
					}
				}
			}
		})
		if gw != nil {
			reduceInto(gw, gws)
		}
		if gb != nil {
			reduceInto(gb, gbs)
		}
	})
	return y
}

// smallOutChannels is the largest Cout·K·K for which a stride-1
// convolution's input gradient is computed by unfolding the output gradient
// (a product with inner dimension Cout·K·K) instead of K·K rank-Cout updates.
const smallOutChannels = 64

// forceIm2col disables the shifted-product path (tests compare both).
var forceIm2col = false

// conv2dShifted computes a stride-1 convolution without unfolding: with the
// input zero-padded to Hp×Wp and the output computed on rows of width Wp
// (the last Wp−OW columns of each row are discarded), kernel tap (u, v)
// contributes Wᵤᵥ[Cout, C] · Xpad[C, q + (u·Wp + v)·d] to output position q,
// one sgemm per tap reading the padded image at an offset. Several samples
// sit side by side in one padded buffer (their planes consecutive within
// each channel) so that each sgemm is wide; positions between valid outputs
// are computed and dropped.
// blocks, when not nil, lists for each tap t which of 4 equal blocks of
// output channels have nonzero weights (the others are skipped); see upConv3.
func (tp *Tape) conv2dShifted(x, w, b *Tensor, g convGeom, blocks [][]int) *Tensor {
	N, C, Cout, K, d := x.shape[0], g.C, w.shape[0], g.K, g.D
	Hp, Wp := g.H+2*g.P, g.W+2*g.P
	OH, OW := g.OH, g.OW
	plane, extra := Hp*Wp, (K-1)*d
	T := K * K
	y := tp.out([]int{N, Cout, OH, OW}, x, w, b)
	// weights per tap: wt[t] is [Cout, C]
	wt := tp.buf(T * Cout * C)
	for co := 0; co < Cout; co++ {
		for c := 0; c < C; c++ {
			for t := 0; t < T; t++ {
				wt[(t*Cout+co)*C+c] = w.Data[(co*C+c)*T+t]
			}
		}
	}
	off := func(t int) int { return (t/K*Wp + t%K) * d }
	bs := Cout // output channels per block of blocks
	if blocks != nil {
		bs = Cout / 4
	}
	nw := workers(N)
	nb := min(max(ColBudget/(max(C, Cout)*plane), 1), (N+nw-1)/nw) // samples per tile
	ld := nb * plane                                               // channel stride in the tile buffers
	qn := func(nt int) int { return (nt-1)*plane + OH*Wp }         // grid positions of a tile
	xpads, ypads := make([][]float32, nw), make([][]float32, nw)
	for i := 0; i < nw; i++ {
		xpads[i] = tp.zeros(C*ld + extra)
		ypads[i] = tp.zeros(Cout * ld)
	}
	in, out := C*g.H*g.W, Cout*OH*OW
	// pad copies samples [n0, n0+nt) into the interiors of a tile; borders stay 0.
	pad := func(n0, nt int, dst []float32) {
		for s := 0; s < nt; s++ {
			src := x.Data[(n0+s)*in:]
			for c := 0; c < C; c++ {
				for i := 0; i < g.H; i++ {
					copy(dst[c*ld+s*plane+(i+g.P)*Wp+g.P:], src[(c*g.H+i)*g.W:(c*g.H+i+1)*g.W])
				}
			}
		}
	}
	tiles := func(lo, hi int, fn func(n0, nt int)) {
		for n0 := lo; n0 < hi; n0 += nb {
			fn(n0, min(nb, hi-n0))
		}
	}
	sampleWorkers(N, func(wk, lo, hi int) {
		xp, yp := xpads[wk], ypads[wk]
		tiles(lo, hi, func(n0, nt int) {
			pad(n0, nt, xp)
			if blocks != nil {
				var touched [4]bool
				for t := 0; t < T; t++ {
					for _, p := range blocks[t] {
						beta := float32(1)
						if !touched[p] {
							beta, touched[p] = 0, true
						}
						blas.SgemmSerial(false, false, bs, qn(nt), C, 1, wt[(t*Cout+p*bs)*C:], C, xp[off(t):], ld, beta, yp[p*bs*ld:], ld)
					}
				}
			} else {
				for t := 0; t < T; t++ {
					beta := float32(1)
					if t == 0 {
						beta = 0
					}
					blas.SgemmSerial(false, false, Cout, qn(nt), C, 1, wt[t*Cout*C:], C, xp[off(t):], ld, beta, yp, ld)
				}
			}
			for s := 0; s < nt; s++ {
				yn := y.Data[(n0+s)*out : (n0+s+1)*out]
				for co := 0; co < Cout; co++ {
					var bv float32
					if b != nil {
						bv = b.Data[co]
					}
					for i := 0; i < OH; i++ {
						src := yp[co*ld+s*plane+i*Wp:][:OW]
						dst := yn[(co*OH+i)*OW : (co*OH+i+1)*OW]
						for j, v := range src {
							dst[j] = v + bv
						}
					}
				}
			}
		})
	})
	tp.record(y, func() {
		gx, gw := tp.grad(x), tp.grad(w)
		var gb []float32
		if b != nil {
			gb = tp.grad(b)
		}
		// With few output channels, dX = conv(dY, flipped kernel) as im2col of dY.
		var flip []float32
		fg := convGeom{C: Cout, H: OH, W: OW, K: K, S: 1, P: (K-1)*d - g.P, D: d, OH: g.H, OW: g.W}
		if gx != nil && Cout*T <= smallOutChannels {
			flip = tp.buf(C * Cout * T)
			for c := 0; c < C; c++ {
				for co := 0; co < Cout; co++ {
					for t := 0; t < T; t++ {
						flip[(c*Cout+co)*T+t] = w.Data[(co*C+c)*T+T-1-t]
					}
				}
			}
		}
		gws, gbs, gxps := make([][]float32, nw), make([][]float32, nw), make([][]float32, nw)
		for i := 0; i < nw; i++ {
			if gw != nil {
				gws[i] = tp.zeros(T * Cout * C)
			}
			if gb != nil {
				gbs[i] = tp.zeros(Cout)
			}
			if gx != nil {
				gxps[i] = tp.buf(max(C*ld+extra, T*Cout*g.H*g.W))
			}
			clear(ypads[i]) // positions between valid outputs must hold 0
		}
		sampleWorkers(N, func(wk, lo, hi int) {
			xp, gp, gxp := xpads[wk], ypads[wk], gxps[wk]
			tiles(lo, hi, func(n0, nt int) {
				Q := qn(nt)
				for s := 0; s < nt; s++ {
					gy := y.Grad[(n0+s)*out : (n0+s+1)*out]
					if gb != nil {
						biasGrad(gy, Cout, OH*OW, gbs[wk])
					}
					for co := 0; co < Cout; co++ {
						for i := 0; i < OH; i++ {
							copy(gp[co*ld+s*plane+i*Wp:][:OW], gy[(co*OH+i)*OW:(co*OH+i+1)*OW])
						}
					}
				}
				if gw != nil {
					pad(n0, nt, xp)
					for t := 0; t < T; t++ {
						if blocks == nil {
							blas.SgemmSerial(false, true, Cout, C, Q, 1, gp, ld, xp[off(t):], ld, 1, gws[wk][t*Cout*C:], C)
							continue
						}
						for _, p := range blocks[t] {
							blas.SgemmSerial(false, true, bs, C, Q, 1, gp[p*bs*ld:], ld, xp[off(t):], ld, 1, gws[wk][(t*Cout+p*bs)*C:], C)
						}
					}
				}
				switch {
				case gx != nil && flip != nil:
					// few output channels: dX is the convolution of dY with
					// the flipped kernel, unfolded from dY's few channels.
					HW := g.H * g.W
					col := gxp[:T*Cout*HW]
					for s := 0; s < nt; s++ {
						fg.im2col(y.Grad[(n0+s)*out:], 0, g.H, col)
						blas.SgemmSerial(false, false, C, HW, T*Cout, 1, flip, T*Cout, col, HW, 1, gx[(n0+s)*in:], HW)
					}
				case gx != nil:
					// tap 0 writes positions [0, Q) of each channel; clear the rest
					for c := 0; c < C; c++ {
						clear(gxp[c*ld+Q : (c+1)*ld])
					}
					clear(gxp[C*ld:])
					for t := 0; t < T; t++ {
						beta := float32(1)
						if t == 0 {
							beta = 0
						}
						if blocks == nil {
							blas.SgemmSerial(true, false, C, Q, Cout, 1, wt[t*Cout*C:], C, gp, ld, beta, gxp[off(t):], ld)
							continue
						}
						for i, p := range blocks[t] {
							if i > 0 {
								beta = 1
							}
							blas.SgemmSerial(true, false, C, Q, bs, 1, wt[(t*Cout+p*bs)*C:], C, gp[p*bs*ld:], ld, beta, gxp[off(t):], ld)
						}
					}
					for s := 0; s < nt; s++ {
						gxn := gx[(n0+s)*in:]
						for c := 0; c < C; c++ {
							for i := 0; i < g.H; i++ {
								dst := gxn[(c*g.H+i)*g.W : (c*g.H+i+1)*g.W]
								src := gxp[c*ld+s*plane+(i+g.P)*Wp+g.P:][:len(dst)]
								for j := range dst {
									dst[j] += src[j]
								}
							}
						}
					}
				}
			})
		})
		if gw != nil {
			for k := 1; k < nw; k++ {
				for i, v := range gws[k] {
					gws[0][i] += v
				}
			}
			for co := 0; co < Cout; co++ {
				for c := 0; c < C; c++ {
					for t := 0; t < T; t++ {
						gw[(co*C+c)*T+t] += gws[0][(t*Cout+co)*C+c]
					}
				}
			}
		}
		if gb != nil {
			reduceInto(gb, gbs)
		}
	})
	return y
}

// spaceToDepth pads x [N, C, H, W] by p zeros on each side (and on the
// bottom/right up to a multiple of S) and splits it into its S² phases:
// out[n, (a·S+b)·C + c, i, j] = xpad[n, c, S·i+a, S·j+b].
func (tp *Tape) spaceToDepth(x *Tensor, S, p int) *Tensor {
	N, C, H, W := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	Hq, Wq := (H+2*p+S-1)/S, (W+2*p+S-1)/S
	y := tp.out([]int{N, S * S * C, Hq, Wq}, x)
	// each (n, c, a, b) phase plane is gathered from x with stride S
	each := func(fn func(src []float32, dst []float32, a, b int)) {
		parallelFor(N*C, N*C*Hq*Wq*S*S, func(lo, hi int) {
			for nc := lo; nc < hi; nc++ {
				n, c := nc/C, nc%C
				for a := 0; a < S; a++ {
					for b := 0; b < S; b++ {
						fn(x.Data[nc*H*W:(nc+1)*H*W], y.Data[((n*S*S+a*S+b)*C+c)*Hq*Wq:][:Hq*Wq], a, b)
					}
				}
			}
		})
	}
	// input row of phase row i: S·i + a − p; column S·j + b − p
	each(func(src, dst []float32, a, b int) {
		for i := 0; i < Hq; i++ {
			row := dst[i*Wq : (i+1)*Wq]
			ih := S*i + a - p
			if ih < 0 || ih >= H {
				clear(row)
				continue
			}
			in := src[ih*W : (ih+1)*W]
			for j := range row {
				if iw := S*j + b - p; iw >= 0 && iw < W {
					row[j] = in[iw]
				} else {
					row[j] = 0
				}
			}
		}
	})
	tp.record(y, func() {
		gx := tp.grad(x)
		g := y.Grad
		parallelFor(N*C, N*C*Hq*Wq*S*S, func(lo, hi int) {
			for nc := lo; nc < hi; nc++ {
				n, c := nc/C, nc%C
				dst := gx[nc*H*W : (nc+1)*H*W]
				for a := 0; a < S; a++ {
					for b := 0; b < S; b++ {
						src := g[((n*S*S+a*S+b)*C+c)*Hq*Wq:]
						for i := 0; i < Hq; i++ {
							ih := S*i + a - p
							if ih < 0 || ih >= H {
								continue
							}
							for j := 0; j < Wq; j++ {
								if iw := S*j + b - p; iw >= 0 && iw < W {
									dst[ih*W+iw] += src[i*Wq+j]
								}
							}
						}
					}
				}
			}
		})
	})
	return y
}

// kernelToDepth rearranges w [O, C, K, K] (K divisible by S) into the
// kernel of the phase image: out[o, (a·S+b)·C + c, u, v] = w[o, c, S·u+a, S·v+b].
func (tp *Tape) kernelToDepth(w *Tensor, S int) *Tensor {
	O, C, K := w.shape[0], w.shape[1], w.shape[2]
	Kq := K / S
	y := tp.out([]int{O, S * S * C, Kq, Kq}, w)
	idx := func(o, a, b, c, u, v int) (int, int) {
		return (((o*S*S+a*S+b)*C+c)*Kq+u)*Kq + v, ((o*C+c)*K+S*u+a)*K + S*v + b
	}
	loop := func(fn func(i, j int)) {
		for o := 0; o < O; o++ {
			for a := 0; a < S; a++ {
				for b := 0; b < S; b++ {
					for c := 0; c < C; c++ {
						for u := 0; u < Kq; u++ {
							for v := 0; v < Kq; v++ {
								fn(idx(o, a, b, c, u, v))
							}
						}
					}
				}
			}
		}
	}
	loop(func(i, j int) { y.Data[i] = w.Data[j] })
	tp.record(y, func() {
		gw := tp.grad(w)
		loop(func(i, j int) { gw[j] += y.Grad[i] })
	})
	return y
}

// noUpFuse disables the fused nearest-upsampling convolution (tests compare both).
var noUpFuse = false

// upMap[a][u] is the row (column) of the 3×3 window on the input padded by 1
// that 3×3 kernel row u reads for output phase a, when the kernel runs on the
// nearest ×2 upsampling of that input: output row 2i+a, tap u reads the
// upsampled row 2i+a−1+u, i.e. input row i+⌊(a−1+u)/2⌋ = padded row i+upMap[a][u].
var upMap = [2][3]int{{0, 1, 1}, {1, 1, 2}}

// upBlocks[t] lists the phases a·2+b whose combined kernel uses padded tap
// t = u′·3+v′ (phase a uses rows a and a+1).
var upBlocks = func() [][]int {
	bl := make([][]int, 9)
	for t := range bl {
		u, v := t/3, t%3
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				if (u == a || u == a+1) && (v == b || v == b+1) {
					bl[t] = append(bl[t], a*2+b)
				}
			}
		}
	}
	return bl
}()

// upConv3 is the 3×3, pad 1, stride 1 convolution of the nearest ×2
// upsampling of x, computed on x itself: each of the 4 output phases (a, b)
// is a 2×2 convolution of x with summed kernel taps, 16 taps of x's size
// instead of 9 of the upsampled size.
func (tp *Tape) upConv3(x, w, b *Tensor) *Tensor {
	C, H, W := x.shape[1], x.shape[2], x.shape[3]
	O := w.shape[0]
	// combined kernel wp[(a·2+b)·O + o, c, u′, v′] = Σ w[o, c, u, v] over upMap[a][u] = u′, upMap[b][v] = v′
	wp := tp.out([]int{4 * O, C, 3, 3}, w)
	clear(wp.Data)
	each := func(fn func(i, j int)) {
		for a := 0; a < 2; a++ {
			for bb := 0; bb < 2; bb++ {
				for o := 0; o < O; o++ {
					for c := 0; c < C; c++ {
						dst := (((a*2+bb)*O+o)*C + c) * 9
						src := (o*C + c) * 9
						for u := 0; u < 3; u++ {
							for v := 0; v < 3; v++ {
								fn(dst+upMap[a][u]*3+upMap[bb][v], src+u*3+v)
							}
						}
					}
				}
			}
		}
	}
	each(func(i, j int) { wp.Data[i] += w.Data[j] })
	tp.record(wp, func() {
		gw := tp.grad(w)
		each(func(i, j int) { gw[j] += wp.Grad[i] })
	})
	g := convGeom{C: C, H: H, W: W, K: 3, S: 1, P: 1, D: 1, OH: H, OW: W}
	y4 := tp.conv2dShifted(x, wp, nil, g, upBlocks)
	return tp.phasesToSpace(y4, b)
}

// phasesToSpace interleaves the 4 phases of y4 [N, 4·O, H, W] into
// y [N, O, 2H, 2W], y[n, o, 2i+a, 2j+b] = y4[n, (a·2+b)·O + o, i, j] + bias[o]
// (bias nil for none).
func (tp *Tape) phasesToSpace(y4, bias *Tensor) *Tensor {
	N, O, H, W := y4.shape[0], y4.shape[1]/4, y4.shape[2], y4.shape[3]
	y := tp.out([]int{N, O, 2 * H, 2 * W}, y4, bias)
	HW, OW := H*W, 2*W
	parallelFor(N*O, len(y.Data), func(lo, hi int) {
		for no := lo; no < hi; no++ {
			n, o := no/O, no%O
			var bv float32
			if bias != nil {
				bv = bias.Data[o]
			}
			dst := y.Data[no*4*HW : (no+1)*4*HW]
			for a := 0; a < 2; a++ {
				for b := 0; b < 2; b++ {
					src := y4.Data[((n*4+a*2+b)*O+o)*HW:][:HW]
					for i := 0; i < H; i++ {
						row := dst[(2*i+a)*OW:][:OW]
						for j, v := range src[i*W : (i+1)*W] {
							row[2*j+b] = v + bv
						}
					}
				}
			}
		}
	})
	tp.record(y, func() {
		if g4 := tp.grad(y4); g4 != nil {
			parallelFor(N*O, len(y.Data), func(lo, hi int) {
				for no := lo; no < hi; no++ {
					n, o := no/O, no%O
					src := y.Grad[no*4*HW : (no+1)*4*HW]
					for a := 0; a < 2; a++ {
						for b := 0; b < 2; b++ {
							dst := g4[((n*4+a*2+b)*O+o)*HW:][:HW]
							for i := 0; i < H; i++ {
								row := src[(2*i+a)*OW:][:OW]
								d := dst[i*W : (i+1)*W]
								for j := range d {
									d[j] += row[2*j+b]
								}
							}
						}
					}
				}
			})
		}
		if bias != nil {
			if gb := tp.grad(bias); gb != nil {
				for n := 0; n < N; n++ {
					biasGrad(y.Grad[n*O*4*HW:(n+1)*O*4*HW], O, 4*HW, gb)
				}
			}
		}
	})
	return y
}

// workerGrads returns nw zeroed per-worker partial weight and bias gradient
// buffers (nil where gw or gb is nil), summed into gw and gb after the
// workers finish so that no two goroutines write the same memory.
func workerGrads(tp *Tape, nw int, gw, gb []float32) (gws, gbs [][]float32) {
	gws, gbs = make([][]float32, nw), make([][]float32, nw)
	for i := range gws {
		if gw != nil {
			gws[i] = tp.zeros(len(gw))
		}
		if gb != nil {
			gbs[i] = tp.zeros(len(gb))
		}
	}
	return gws, gbs
}
