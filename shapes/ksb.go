package shapes

import (
	"math"

	"github.com/galforge/galforge/pix"
)

// shapelets holds the moments m[p][q] = Σ ψ_p(x−x₀) I(x, y) ψ_q(y−y₀) of an
// image against 1-d Gauss–Hermite (harmonic-oscillator) functions of width
// σ: ψ₀ ∝ exp(−x²/2σ²) with ∫ψ₀² = 1 and the usual recursion.
type shapelets [][]float64

// hermite returns psi[j][n] = ψ_n(xmin + j) for n ≤ nmax, of width sigma.
func hermite(nx int, xmin float64, nmax int, sigma float64) [][]float64 {
	psi := make([][]float64, nx)
	beta := 1 / sigma
	norm0 := math.Pow(math.Pi, -0.25) * math.Sqrt(beta)
	for j := range psi {
		x := xmin + float64(j)
		v := make([]float64, nmax+1)
		v[0] = norm0 * math.Exp(-0.5*beta*beta*x*x)
		if nmax >= 1 {
			v[1] = math.Sqrt2 * v[0] * beta * x
		}
		for n := 1; n < nmax; n++ {
			v[n+1] = beta*math.Sqrt(2/float64(n+1))*x*v[n] - math.Sqrt(float64(n)/float64(n+1))*v[n-1]
		}
		psi[j] = v
	}
	return psi
}

// shapeletMoments computes the moments up to order nmax about (x0, y0).
func shapeletMoments(r region, nmax int, x0, y0, sigma float64) shapelets {
	px := hermite(r.nx, float64(r.x0)-x0, nmax, sigma)
	py := hermite(r.ny, float64(r.y0)-y0, nmax, sigma)
	m := make(shapelets, nmax+1)
	for i := range m {
		m[i] = make([]float64, nmax+1)
	}
	tmp := make([]float64, nmax+1) // Σ_x ψ_p(x) I(x, y) for one row
	for y := 0; y < r.ny; y++ {
		clear(tmp)
		row := r.pix[y*r.stride : y*r.stride+r.nx]
		for x, v := range row {
			if v == 0 {
				continue
			}
			for p, ps := range px[x] {
				tmp[p] += ps * v
			}
		}
		for p := range m {
			for q, qs := range py[y] {
				m[p][q] += tmp[p] * qs
			}
		}
	}
	return m
}

// circularMoments iterates a round Gaussian weight (centre and width) to
// the adaptive values, as HSM's find_mom_2 does, and returns the moments
// up to order nmax for the converged weight.
func circularMoments(r region, nmax int, x0, y0, sigma *float64, p *HSMParams) (shapelets, error) {
	s0 := *sigma
	conv := 1.0
	for it := 0; conv > p.ConvergenceThreshold; it++ {
		m := shapeletMoments(r, 2, *x0, *y0, *sigma)
		b := func(v float64) float64 { return math.Max(-p.BoundCorrectWt, math.Min(p.BoundCorrectWt, v)) }
		dx := b(math.Sqrt2 * m[1][0] / m[0][0])
		dy := b(math.Sqrt2 * m[0][1] / m[0][0])
		ds := b(math.Sqrt(0.5) * (m[2][0] + m[0][2]) / m[0][0])
		conv = max(math.Abs(dx), math.Abs(dy), math.Abs(ds))
		if *sigma < s0 {
			conv *= s0 / *sigma
		}
		*x0 += dx * *sigma
		*y0 += dy * *sigma
		*sigma += ds * *sigma
		if it+1 > p.MaxIter {
			return nil, fail(FlagMaxIter, "circular moments did not converge in %d iterations", p.MaxIter)
		}
		if math.IsNaN(conv) || !(*sigma > 0) {
			return nil, fail(FlagNaN, "circular moments: NaN or non-positive width")
		}
	}
	return shapeletMoments(r, nmax, *x0, *y0, *sigma), nil
}

// ksbTerms are the polar shapelet combinations KSB needs from moments m.
type ksbTerms struct {
	e        [2]float64    // ellipticity χ
	psm, psh [2][2]float64 // smear and shear polarisabilities
}

func ksbFrom(m shapelets) ksbTerms {
	const r2, r6, r38 = math.Sqrt2, 2.449489742783178, 0.6123724356957945 // √2, √6, √(3/8)
	i00 := m[0][0]
	i20r := 0.5 * (m[2][0] - m[0][2])
	i20i := m[1][1] / r2
	i11 := (m[2][0] + m[0][2]) / r2
	i40r := 0.25*(m[4][0]+m[0][4]) - r38*m[2][2]
	i40i := 0.5 * (m[3][1] - m[1][3])
	i31r := 0.5 * (m[4][0] - m[0][4])
	i31i := 0.5 * (m[3][1] + m[1][3])
	i22 := r38*(m[4][0]+m[0][4]) + 0.5*m[2][2]
	t := i00 + i11
	var k ksbTerms
	k.e = [2]float64{r2 * i20r / t, r2 * i20i / t}
	eg := [2]float64{(-r2*i20r - r6*i31r) / t, (-r2*i20i - r6*i31i) / t}
	dg := 2 - (i00+2*i11+i22)/t
	k.psh = [2][2]float64{
		{-k.e[0]*eg[0] - r6*i40r/t + dg, -k.e[0]*eg[1] - r6*i40i/t},
		{-k.e[1]*eg[0] - r6*i40i/t, -k.e[1]*eg[1] + r6*i40r/t + dg},
	}
	es := [2]float64{(-r2*i20r + r6*i31r) / (4 * t), (-r2*i20i + r6*i31i) / (4 * t)}
	ds := (i00 - 2*i11 + i22) / (2 * t)
	k.psm = [2][2]float64{
		{-k.e[0]*es[0] + r6*i40r/(4*t) + ds, -k.e[0]*es[1] + r6*i40i/(4*t)},
		{-k.e[1]*es[0] + r6*i40i/(4*t), -k.e[1]*es[1] - r6*i40r/(4*t) + ds},
	}
	return k
}

func inv22(a [2][2]float64) [2][2]float64 {
	d := a[0][0]*a[1][1] - a[0][1]*a[1][0]
	return [2][2]float64{{a[1][1] / d, -a[0][1] / d}, {-a[1][0] / d, a[0][0] / d}}
}

func mul22(a, b [2][2]float64) (c [2][2]float64) {
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			c[i][j] = a[i][0]*b[0][j] + a[i][1]*b[1][j]
		}
	}
	return c
}

// KSB estimates the shear of gal with the method of Kaiser, Squires &
// Broadhurst (1995) and the anisotropic-PSF correction of Luppino & Kaiser
// (1997), as GalSim's hsm.EstimateShear(shear_est='KSB') does. With χ the
// weighted ellipticity, P^sm and P^sh the smear and shear
// polarisabilities, both measured with the galaxy's adaptive round weight:
//
//	p = (P^sm_psf)⁻¹ χ_psf,  χ' = χ − P^sm p,
//	P^γ = P^sh − P^sm (P^sm_psf)⁻¹ P^sh_psf,  g = (P^γ)⁻¹ χ'.
//
// The result is a shear estimate (Type 'g').
func KSB(gal, psf *pix.Image, opt ShearOptions) (ShearResult, error) {
	res := ShearResult{Type: 'g'}
	in, err := measureInputs(gal, psf, opt, &res)
	if err != nil {
		return res, err
	}
	opt, p, gr, pr, obs, pm := in.opt, in.p, in.gr, in.pr, in.obs, in.psf

	nmax := max(p.KSBMomentsMax, 4)
	x0, y0, sg := obs.X, obs.Y, obs.Sigma
	gmom, err := circularMoments(gr, nmax, &x0, &y0, &sg, &p)
	if err != nil {
		res.Flag = FlagOf(err)
		return res, err
	}
	res.Flux = 2 * math.Sqrt(math.Pi) * sg * gmom[0][0]
	qx, qy, sp := pm.X, pm.Y, pm.Sigma
	if _, err := circularMoments(pr, 2, &qx, &qy, &sp, &p); err != nil {
		res.Flag = FlagPSF | FlagOf(err)
		return res, fail(res.Flag, "PSF circular moments: %v", err)
	}
	// PSF moments with the galaxy's weight width.
	pmom := shapeletMoments(pr, nmax, qx, qy, sg)
	res.Resolution = 1 - sp*sp/(sg*sg)
	res.Sigma = sg

	o, q := ksbFrom(gmom), ksbFrom(pmom)
	psmInv := inv22(q.psm)
	pv := [2]float64{psmInv[0][0]*q.e[0] + psmInv[0][1]*q.e[1], psmInv[1][0]*q.e[0] + psmInv[1][1]*q.e[1]}
	e1 := o.e[0] - o.psm[0][0]*pv[0] - o.psm[0][1]*pv[1]
	e2 := o.e[1] - o.psm[1][0]*pv[0] - o.psm[1][1]*pv[1]
	corr := mul22(o.psm, mul22(q.psh, psmInv))
	var pg [2][2]float64
	for i := range pg {
		for j := range pg[i] {
			pg[i][j] = o.psh[i][j] - corr[i][j]
		}
	}
	pgi := inv22(pg)
	res.G1 = pgi[0][0]*e1 + pgi[0][1]*e2
	res.G2 = pgi[1][0]*e1 + pgi[1][1]*e2
	if math.IsNaN(res.G1) || math.IsNaN(res.G2) {
		res.Flag = FlagPSFCorr
		return res, fail(FlagPSFCorr, "KSB: singular polarisability")
	}
	res.ShapeErr = math.Sqrt(4*math.Pi*opt.SkyVar) * res.Sigma / (res.Resolution * res.Flux)
	return res, nil
}
