package nn

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/galforge/galforge/nn/safetensors"
)

// needTorch skips the test when /usr/bin/python3 with torch is missing,
// unless CI is set, in which case it fails.
func needTorch(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	out, err := exec.Command(py, "-c", "import torch, numpy; print(torch.__version__)").CombinedOutput()
	if err != nil {
		msg := "PyTorch not available (" + strings.TrimSpace(string(out)) + "): install python3-torch to run the parity test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return py
}

// parityNet is one small network run in galforge and in PyTorch.
type parityNet struct {
	name   string
	input  *Tensor
	params []*Tensor // names as "<net>.<torch state_dict key>"
	extra  []*Tensor // constants and buffers the script reads
	torch  map[string]string
	fwd    func(tp *Tape) (out, loss *Tensor)
}

func parityNets() []*parityNet {
	rng := NewRNG(21, 0)
	in := func(shape ...int) *Tensor {
		x := Zeros(shape...)
		x.FillUniform(rng, -1, 1)
		x.SetRequiresGrad()
		return x
	}
	konst := func(name string, lo, hi float32, shape ...int) *Tensor {
		x := Zeros(shape...)
		x.FillUniform(rng, lo, hi)
		x.Name = name
		return x
	}
	var nets []*parityNet

	{ // convnet
		c1 := NewConv2d("convnet.c1", 3, 6, 3, ConvOpts{Pad: 1}, true, rng)
		gn := NewGroupNorm("convnet.gn", 3, 6)
		gn.Gamma.FillUniform(rng, 0.5, 1.5)
		gn.Beta.FillUniform(rng, -0.5, 0.5)
		c2 := NewConv2d("convnet.c2", 6, 4, 3, ConvOpts{Stride: 2, Pad: 2, Dilation: 2}, true, rng)
		fc := NewLinear("convnet.fc", 8*2*2, 5, true, rng)
		target := konst("convnet.target", -1, 1, 2, 5)
		nets = append(nets, &parityNet{name: "convnet", input: in(2, 3, 8, 8), params: Collect(c1, gn, c2, fc),
			extra: []*Tensor{target},
			fwd: func(tp *Tape) (*Tensor, *Tensor) {
				x := nets[0].input
				h := tp.SiLU(gn.Forward(tp, c1.Forward(tp, x)))
				h = tp.LeakyReLU(c2.Forward(tp, h), 0.1)
				p := tp.Slice(tp.Slice(tp.Pad2d(h, 1, 0, 0, 1), 2, 0, 4), 3, 1, 5)
				h = tp.AvgPool2d(tp.Concat(1, h, p), 2, 2)
				out := tp.GELU(fc.Forward(tp, tp.Flatten(h)))
				return out, tp.MSE(out, target)
			}})
	}
	{ // deconv
		t1 := NewConvTranspose2d("deconv.t1", 4, 3, 4, ConvOpts{Stride: 2, Pad: 1}, false, rng) // BN follows
		bn := NewBatchNorm("deconv.bn", 3)
		bn.Gamma.FillUniform(rng, 0.5, 1.5)
		bn.Beta.FillUniform(rng, -0.5, 0.5)
		t2 := NewConvTranspose2d("deconv.t2", 3, 2, 3, ConvOpts{Stride: 2, Pad: 1, OutPad: 1}, true, rng)
		target := konst("deconv.target", -1, 1, 2, 2, 48, 40)
		n := &parityNet{name: "deconv", input: in(2, 4, 4, 4), params: Collect(t1, bn, t2), extra: []*Tensor{target}}
		n.fwd = func(tp *Tape) (*Tensor, *Tensor) {
			h := tp.ReLU(bn.Forward(tp, t1.Forward(tp, n.input)))
			h = tp.UpsampleBilinear(h, 12, 10)
			out := tp.UpsampleNearest(tp.Tanh(t2.Forward(tp, h)), 2)
			return out, tp.L1(out, target)
		}
		n.extra = append(n.extra, bn.Buffers()...)
		n.torch = map[string]string{"deconv.bn.running_mean": "deconv.buffer.bn.running_mean",
			"deconv.bn.running_var": "deconv.buffer.bn.running_var"}
		nets = append(nets, n)
	}
	{ // attn
		att := NewSelfAttention2d("attn.att", 8, 2, rng)
		ln := NewLayerNorm("attn.ln", 8)
		ln.Gamma.FillUniform(rng, 0.5, 1.5)
		ln.Beta.FillUniform(rng, -0.5, 0.5)
		target := konst("attn.target", 0, 1, 2, 9, 8)
		n := &parityNet{name: "attn", input: in(2, 8, 3, 3), params: Collect(att, ln), extra: []*Tensor{target},
			torch: map[string]string{"attn.att.qkv.weight": "attn.grad.att.in_proj_weight",
				"attn.att.qkv.bias": "attn.grad.att.in_proj_bias", "attn.att.out.weight": "attn.grad.att.out_proj.weight",
				"attn.att.out.bias": "attn.grad.att.out_proj.bias"}}
		n.fwd = func(tp *Tape) (*Tensor, *Tensor) {
			y := att.Forward(tp, n.input)
			tok := tp.Permute(tp.Reshape(y, 2, 8, 9), 0, 2, 1)
			out := tp.Softplus(ln.Forward(tp, tok))
			return out, tp.BCEWithLogits(tp.AddScalar(out, -1), target)
		}
		nets = append(nets, n)
	}
	{ // gan
		c := NewConv2d("gan.c", 2, 3, 3, ConvOpts{Pad: 1}, true, rng)
		c.SN = NewSpectralNorm(c.W, rng)
		fc := NewLinear("gan.fc", 3*4*4, 1, true, rng)
		n := &parityNet{name: "gan", input: in(4, 2, 4, 4), params: Collect(c, fc), extra: c.Buffers(),
			torch: map[string]string{"gan.c.weight": "gan.grad.c.weight_orig"}}
		n.fwd = func(tp *Tape) (*Tensor, *Tensor) {
			d := fc.Forward(tp, tp.Flatten(tp.Sigmoid(c.Forward(tp, n.input))))
			real, fake := tp.Slice(d, 0, 0, 2), tp.Slice(d, 0, 2, 4)
			mu := tp.Reshape(d, 2, 2)
			kl := tp.GaussianKL(mu, tp.Scale(mu, 0.5))
			loss := tp.Add(tp.Add(tp.HingeD(real, fake), tp.Scale(tp.HingeG(fake), 0.5)), tp.Scale(kl, 0.1))
			return d, loss
		}
		nets = append(nets, n)
	}
	return nets
}

// TestTorchParity compares forward outputs, losses, gradients (parameters
// and inputs) and BatchNorm running statistics with PyTorch:
// max|galforge − torch| ≤ 1e-4 · max|torch| per tensor.
func TestTorchParity(t *testing.T) {
	py := needTorch(t)
	forEachBLAS(t, func(t *testing.T) {
		nets := parityNets()
		dir := t.TempDir()
		var all []*Tensor
		for _, n := range nets {
			n.input.Name = n.name + ".input"
			all = append(all, n.input)
			all = append(all, n.params...)
			all = append(all, n.extra...)
		}
		// Save before running: the forward pass moves BatchNorm statistics
		// and spectral-norm vectors.
		inPath, outPath := filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
		if err := Save(inPath, all, nil); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(py, filepath.Join("testdata", "torch_parity.py"), inPath, outPath)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("torch_parity.py: %v\n%s", err, out)
		}
		ref, err := safetensors.ReadFile(outPath)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		compare := func(what string, got []float32, key string) {
			st, ok := ref.Get(key)
			if !ok {
				t.Errorf("%s: torch wrote no %q", what, key)
				return
			}
			want, _ := st.Float32()
			if len(want) != len(got) {
				t.Errorf("%s: %d values, torch %d", what, len(got), len(want))
				return
			}
			scale := float64(MaxAbs(want))
			var d float64
			for i := range want {
				d = math.Max(d, math.Abs(float64(got[i]-want[i])))
			}
			rel := d / math.Max(scale, 1e-30)
			worst = math.Max(worst, rel)
			if d > 1e-4*scale {
				t.Errorf("%s: max|galforge − torch| = %.3g > 1e-4 × %.3g", what, d, scale)
			}
		}
		for _, n := range nets {
			tp := NewTape()
			out, loss := n.fwd(tp)
			tp.Backward(loss)
			compare(n.name+" output", out.Data, n.name+".out")
			compare(n.name+" loss", loss.Data, n.name+".loss")
			compare(n.name+" input gradient", n.input.Grad, n.name+".grad.input")
			for _, p := range n.params {
				key := n.torch[p.Name]
				if key == "" {
					key = n.name + ".grad." + strings.TrimPrefix(p.Name, n.name+".")
				}
				compare(p.Name+" gradient", p.Grad, key)
			}
			for _, b := range n.extra {
				if key := n.torch[b.Name]; key != "" {
					compare(b.Name, b.Data, key)
				}
			}
		}
		t.Logf("worst max|galforge − torch| / max|torch| over all tensors: %.2g", worst)
	})
}
