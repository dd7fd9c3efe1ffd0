# PyTorch side of nn's parity test (TestTorchParity). Reads the weights and
# inputs galforge wrote (safetensors), runs the same small networks with
# PyTorch's own layers, and writes outputs, losses and gradients back.
# Usage: /usr/bin/python3 torch_parity.py in.safetensors out.safetensors
import json, struct, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def read_st(path):
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    data = b[8 + n:]
    out = {}
    for k, v in hdr.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", k
        lo, hi = v["data_offsets"]
        out[k] = np.frombuffer(data[lo:hi], dtype="<f4").reshape(v["shape"]).copy()
    return out


def write_st(path, tensors):
    hdr, off, blobs = {}, 0, []
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k], dtype="<f4")
        hdr[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        off += a.nbytes
        blobs.append(a.tobytes())
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


W = read_st(sys.argv[1])
results = {}


def load(module, prefix):
    """Copy galforge tensors named prefix.<state_dict key> into a module."""
    sd = {k: torch.from_numpy(W[prefix + "." + k]) for k in module.state_dict() if prefix + "." + k in W}
    missing = set(module.state_dict()) - set(sd)
    module.load_state_dict(sd, strict=False)
    return missing


def run(name, build):
    x = torch.from_numpy(W[name + ".input"]).requires_grad_(True)
    model, fwd = build()
    out, loss = fwd(model, x)
    loss.backward()
    results[name + ".out"] = out.detach().numpy()
    results[name + ".loss"] = loss.detach().numpy().reshape(1)
    results[name + ".grad.input"] = x.grad.numpy()
    for k, p in model.named_parameters():
        results[name + ".grad." + k] = p.grad.numpy()
    for k, b in model.named_buffers():
        results[name + ".buffer." + k] = b.numpy()


# convnet: conv, group norm, SiLU, dilated strided conv, leaky ReLU, pad,
# concat, average pooling, linear, GELU, MSE.
class ConvNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 6, 3, padding=1)
        s.gn = nn.GroupNorm(3, 6)
        s.c2 = nn.Conv2d(6, 4, 3, stride=2, padding=2, dilation=2)
        s.fc = nn.Linear(8 * 2 * 2, 5)


def convnet():
    m = ConvNet()
    load(m, "convnet")

    def fwd(m, x):
        h = F.silu(m.gn(m.c1(x)))
        h = F.leaky_relu(m.c2(h), 0.1)
        h = torch.cat([h, F.pad(h, (0, 1, 1, 0))[:, :, :4, 1:]], dim=1)
        h = F.avg_pool2d(h, 2, 2)
        out = F.gelu(m.fc(h.flatten(1)))
        return out, F.mse_loss(out, torch.from_numpy(W["convnet.target"]))
    return m, fwd


# deconv: transposed convs (output padding), batch norm (training), ReLU,
# bilinear and nearest upsampling, tanh, L1.
class Deconv(nn.Module):
    def __init__(s):
        super().__init__()
        s.t1 = nn.ConvTranspose2d(4, 3, 4, stride=2, padding=1, bias=False)  # BN follows
        s.bn = nn.BatchNorm2d(3)
        s.t2 = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)


def deconv():
    m = Deconv()
    load(m, "deconv")
    m.train()

    def fwd(m, x):
        h = F.relu(m.bn(m.t1(x)))
        h = F.interpolate(h, size=(12, 10), mode="bilinear", align_corners=False)
        h = torch.tanh(m.t2(h))
        out = F.interpolate(h, scale_factor=2, mode="nearest")
        return out, F.l1_loss(out, torch.from_numpy(W["deconv.target"]))
    return m, fwd


# attn: multi-head self-attention (nn.MultiheadAttention) with residual,
# layer norm, softplus, sigmoid-free BCE with logits.
class Attn(nn.Module):
    def __init__(s):
        super().__init__()
        s.att = nn.MultiheadAttention(8, 2, batch_first=True)
        s.ln = nn.LayerNorm(8)


def attn():
    m = Attn()
    sd = {"att.in_proj_weight": W["attn.att.qkv.weight"], "att.in_proj_bias": W["attn.att.qkv.bias"],
          "att.out_proj.weight": W["attn.att.out.weight"], "att.out_proj.bias": W["attn.att.out.bias"],
          "ln.weight": W["attn.ln.weight"], "ln.bias": W["attn.ln.bias"]}
    m.load_state_dict({k: torch.from_numpy(v) for k, v in sd.items()})

    def fwd(m, x):
        N, C, H, Wd = x.shape
        t = x.reshape(N, C, H * Wd).permute(0, 2, 1)
        a, _ = m.att(t, t, t, need_weights=False)
        y = x + a.permute(0, 2, 1).reshape(N, C, H, Wd)
        tok = m.ln(y.reshape(N, C, H * Wd).permute(0, 2, 1))
        out = F.softplus(tok)
        return out, F.binary_cross_entropy_with_logits(out - 1, torch.from_numpy(W["attn.target"]))
    return m, fwd


# gan: spectral-normalised conv critic (torch.nn.utils.spectral_norm, one
# power iteration from galforge's u), hinge losses, sigmoid, Gaussian KL.
class Critic(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.utils.spectral_norm(nn.Conv2d(2, 3, 3, padding=1))
        s.fc = nn.Linear(3 * 4 * 4, 1)


def gan():
    m = Critic()
    m.c.weight_orig.data = torch.from_numpy(W["gan.c.weight"])
    m.c.bias.data = torch.from_numpy(W["gan.c.bias"])
    m.c.weight_u.data = torch.from_numpy(W["gan.c.weight.sn_u"])
    m.c.weight_v.data = torch.from_numpy(W["gan.c.weight.sn_v"])
    m.fc.weight.data = torch.from_numpy(W["gan.fc.weight"])
    m.fc.bias.data = torch.from_numpy(W["gan.fc.bias"])
    m.train()

    def fwd(m, x):
        d = m.fc(torch.sigmoid(m.c(x)).flatten(1))
        real, fake = d[:2], d[2:]
        lossD = F.relu(1 - real).mean() + F.relu(1 + fake).mean()
        lossG = -fake.mean()
        mu, lv = d[:, 0].reshape(2, 2), (d[:, 0] * 0.5).reshape(2, 2)
        kl = -0.5 * (1 + lv - mu ** 2 - lv.exp()).sum()
        return d, lossD + 0.5 * lossG + 0.1 * kl
    return m, fwd


run("convnet", convnet)
run("deconv", deconv)
run("attn", attn)
run("gan", gan)
write_st(sys.argv[2], results)
