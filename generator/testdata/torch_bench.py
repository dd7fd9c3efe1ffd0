"""PyTorch twins of galforge's generator networks, for the speed comparison
in generator/bench_test.go (BenchmarkFlowTrain, BenchmarkCVAETrain, ...).

Same layers, shapes and losses as the Go models at their defaults: 32x32x3
stamps, batch 32, a 4-wide condition vector (ring one-hot, size, present flag).
Prints images/s for one training step and for sampling (flow: 24 Euler steps
with classifier-free guidance, i.e. 48 network evaluations per image).

    /usr/bin/python3 generator/testdata/torch_bench.py [threads]
"""
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

S, C, W, N = 32, 3, 4, 32


def groups_for(ch):
    for g in (8, 4, 2):
        if ch % g == 0 and ch // g >= 2:
            return g
    return 1


class Res(nn.Module):
    def __init__(self, ch, emb):
        super().__init__()
        self.n1, self.n2 = nn.GroupNorm(groups_for(ch), ch), nn.GroupNorm(groups_for(ch), ch)
        self.c1, self.c2 = nn.Conv2d(ch, ch, 3, padding=1), nn.Conv2d(ch, ch, 3, padding=1)
        self.e = nn.Linear(emb, ch)

    def forward(self, x, e):
        h = self.c1(F.silu(self.n1(x))) + self.e(e)[:, :, None, None]
        return x + self.c2(F.silu(self.n2(h)))


class UNet(nn.Module):
    def __init__(self, ch=16, emb=64):
        super().__init__()
        self.t1, self.t2 = nn.Linear(32 + W, emb), nn.Linear(emb, emb)
        self.inc = nn.Conv2d(C, ch, 3, padding=1)
        self.rb1 = Res(ch, emb)
        self.d1 = nn.Conv2d(ch, 2 * ch, 3, 2, 1)
        self.rb2 = Res(2 * ch, emb)
        self.d2 = nn.Conv2d(2 * ch, 2 * ch, 3, 2, 1)
        self.m1, self.m2 = Res(2 * ch, emb), Res(2 * ch, emb)
        self.u2 = nn.ConvTranspose2d(2 * ch, 2 * ch, 4, 2, 1)
        self.c2 = nn.Conv2d(4 * ch, 2 * ch, 3, padding=1)
        self.rb3 = Res(2 * ch, emb)
        self.u1 = nn.ConvTranspose2d(2 * ch, ch, 4, 2, 1)
        self.c1 = nn.Conv2d(2 * ch, ch, 3, padding=1)
        self.rb4 = Res(ch, emb)
        self.no = nn.GroupNorm(groups_for(ch), ch)
        self.out = nn.Conv2d(ch, C, 3, padding=1)

    def forward(self, x, t, c):
        half = 16
        w = torch.exp(-math.log(10000) * torch.arange(half) / half)
        a = 1000 * t[:, None] * w[None]
        e = torch.cat([torch.sin(a), torch.cos(a), c], 1)
        e = F.silu(self.t2(F.silu(self.t1(e))))
        h1 = self.rb1(self.inc(x), e)
        h2 = self.rb2(self.d1(h1), e)
        h = self.m2(self.m1(self.d2(h2), e), e)
        h = self.rb3(self.c2(torch.cat([self.u2(h), h2], 1)), e)
        h = self.rb4(self.c1(torch.cat([self.u1(h), h1], 1)), e)
        return self.out(F.silu(self.no(h)))


class Decoder(nn.Module):
    def __init__(self, zin, ch=16, tanh=False):
        super().__init__()
        self.ch, self.s8, self.tanh = ch, S // 8, tanh
        self.inl = nn.Linear(zin, 4 * ch * self.s8 * self.s8)
        chans = [4 * ch, 2 * ch, ch, ch]
        self.ups = nn.ModuleList(nn.ConvTranspose2d(chans[i], chans[i + 1], 4, 2, 1) for i in range(3))
        self.ns = nn.ModuleList(nn.GroupNorm(groups_for(chans[i + 1]), chans[i + 1]) for i in range(3))
        self.out = nn.Conv2d(ch, C, 3, padding=1)

    def forward(self, v):
        h = F.silu(self.inl(v)).view(-1, 4 * self.ch, self.s8, self.s8)
        for u, n in zip(self.ups, self.ns):
            h = F.silu(n(u(h)))
        h = self.out(h)
        return torch.tanh(h) if self.tanh else h


class CVAE(nn.Module):
    def __init__(self, ch=16, z=32):
        super().__init__()
        chans = [C + W, ch, 2 * ch, 4 * ch]
        self.enc = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3, 2, 1) for i in range(3))
        flat = 4 * ch * (S // 8) ** 2
        self.mu, self.lv = nn.Linear(flat + W, z), nn.Linear(flat + W, z)
        self.dec = Decoder(z + W, ch)

    def loss(self, x, c, sigma=0.1, beta=1.0):
        h = torch.cat([x, c[:, :, None, None].expand(-1, -1, S, S)], 1)
        for e in self.enc:
            h = F.leaky_relu(e(h), 0.2)
        h = torch.cat([h.flatten(1), c], 1)
        mu, lv = self.mu(h), self.lv(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        rec = self.dec(torch.cat([z, c], 1))
        kl = -0.5 * torch.sum(1 + lv - mu ** 2 - lv.exp())
        return (((rec - x) ** 2).sum() / (2 * sigma ** 2) + beta * kl) / x.numel()


class Disc(nn.Module):
    def __init__(self, ch=16):
        super().__init__()
        sn = nn.utils.spectral_norm
        chans = [C, ch, 2 * ch, 4 * ch]
        self.convs = nn.ModuleList(sn(nn.Conv2d(chans[i], chans[i + 1], 3, 2, 1)) for i in range(3))
        flat = 4 * ch * (S // 8) ** 2
        self.psi, self.proj = sn(nn.Linear(flat, 1)), sn(nn.Linear(W, flat))

    def forward(self, x, c):
        h = x
        for cv in self.convs:
            h = F.leaky_relu(cv(h), 0.2)
        h = h.flatten(1)
        return self.psi(h) + (h * self.proj(c)).sum(1, keepdim=True)


def rate(fn, n_img, reps=int(os.environ.get("REPS", "5"))):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return n_img / ts[len(ts) // 2]


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(0)
    x, c = torch.rand(N, C, S, S) * 2 - 1, torch.zeros(N, W)

    u = UNet()
    ou = torch.optim.Adam(u.parameters(), 1e-3)

    def flow_step():
        t = torch.sigmoid(torch.randn(N))
        x0 = torch.randn_like(x)
        xt = (1 - t)[:, None, None, None] * x0 + t[:, None, None, None] * x
        loss = F.mse_loss(u(xt, t, c), x - x0)
        ou.zero_grad()
        loss.backward()
        ou.step()

    @torch.no_grad()
    def flow_sample():
        xs = torch.randn(N, C, S, S)
        for k in range(24):
            t = torch.full((N,), k / 24)
            vc, vu = u(xs, t, c), u(xs, t, torch.zeros_like(c))
            xs = xs + (vu + 1.5 * (vc - vu)) / 24

    v = CVAE()
    ov = torch.optim.Adam(v.parameters(), 1e-3)

    def cvae_step():
        loss = v.loss(x, c)
        ov.zero_grad()
        loss.backward()
        ov.step()

    @torch.no_grad()
    def cvae_sample():
        v.dec(torch.cat([torch.randn(N, 32), c], 1))

    g, d = Decoder(64 + W, tanh=True), Disc()
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.0, 0.99))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.0, 0.99))

    def gan_step():
        fake = g(torch.cat([torch.randn(N, 64), c], 1)).detach()
        ld = F.relu(1 - d(x, c)).mean() + F.relu(1 + d(fake, c)).mean()
        od.zero_grad()
        ld.backward()
        od.step()
        lg = -d(g(torch.cat([torch.randn(N, 64), c], 1)), c).mean()
        og.zero_grad()
        lg.backward()
        og.step()

    @torch.no_grad()
    def gan_sample():
        g(torch.cat([torch.randn(N, 64), c], 1))

    for name, fn in [("FlowTrain", flow_step), ("FlowSample", flow_sample), ("CVAETrain", cvae_step),
                     ("CVAESample", cvae_sample), ("CGANTrain", gan_step), ("CGANSample", gan_sample)]:
        print(f"{name}\t{rate(fn, N):.1f} img/s")


if __name__ == "__main__":
    main()
