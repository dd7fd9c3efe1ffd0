package judge

import (
	"fmt"
	"github.com/galforge/galforge/internal/fft"
	"math"
	"math/cmplx"
	"sort"

	"github.com/galforge/galforge/generator"
)

// StatNames lists the morphology statistics compared, in report order.
var StatNames = []string{"flux", "hlr", "ellipticity", "concentration"}

func statValue(m generator.Morph, name string) float64 {
	switch name {
	case "flux":
		return m.Flux
	case "hlr":
		return m.HLR
	case "ellipticity":
		return m.E
	}
	return m.Conc
}

// Dist summarises how one statistic is distributed in real and generated
// stamps: medians and the two-sample Kolmogorov-Smirnov distance.
type Dist struct {
	RealMedian float64   `json:"real_median"`
	GenMedian  float64   `json:"gen_median"`
	KS         float64   `json:"ks"`
	Real       []float64 `json:"-"`
	Gen        []float64 `json:"-"`
}

// Report is the result of a realism check; it marshals to the JSON summary.
type Report struct {
	Model string `json:"model"`
	Data  string `json:"data"`
	// Split is the real set compared with: "test" or "val".
	Split  string           `json:"split"`
	NReal  int              `json:"n_real"`
	NGen   int              `json:"n_generated"`
	NTrain int              `json:"n_train"`
	Stats  map[string]*Dist `json:"statistics"`
	// PixelTV is the total-variation distance (0 same, 1 disjoint) between
	// the histograms of normalised pixel values.
	PixelTV   float64   `json:"pixel_hist_tv"`
	HistEdges []float64 `json:"pixel_hist_edges"`
	HistReal  []float64 `json:"pixel_hist_real"`
	HistGen   []float64 `json:"pixel_hist_gen"`
	PowerK    []float64 `json:"power_k"` // cycles per stamp
	PowerReal []float64 `json:"power_real"`
	PowerGen  []float64 `json:"power_gen"`
	// PowerLogRMS is the rms over k of log10(P_gen/P_real).
	PowerLogRMS float64 `json:"power_log10_rms"`
	// Memorisation: L2 distance (normalised pixels, minimum over the 8
	// flips/rotations) from each stamp to its nearest training stamp.
	NNGenMedian  float64   `json:"nn_dist_gen_median"`
	NNRealMedian float64   `json:"nn_dist_real_median"`
	NNRatio      float64   `json:"nn_ratio_gen_over_real"` // < 1: samples sit closer to training images than real unseen ones do
	NNGen        []float64 `json:"-"`
	NNReal       []float64 `json:"-"`
	// Filled by the conditioning checks when the model has such conditions.
	Conditioning map[string]float64 `json:"conditioning,omitempty"`
}

// Compare runs the realism check of generated stamps against held-out real
// ones (both in data units), with the training stamps for memorisation.
func Compare(card *generator.Card, real, gen, trainSet *generator.Batch) (*Report, error) {
	for _, b := range []*generator.Batch{real, gen, trainSet} {
		if b.N == 0 || b.Size != card.Size || b.Bands != card.Bands {
			return nil, fmt.Errorf("judge: batch of %d %dx%dx%d stamps, want %d x %d px bands", b.N, b.Bands, b.Size, b.Size, card.Size, card.Bands)
		}
	}
	r := &Report{Model: card.Model, Data: card.Data, NReal: real.N, NGen: gen.N, NTrain: trainSet.N, Stats: map[string]*Dist{}}
	mr, mg := measureAll(real), measureAll(gen)
	for _, name := range StatNames {
		d := &Dist{}
		for _, m := range mr {
			d.Real = append(d.Real, statValue(m, name))
		}
		for _, m := range mg {
			d.Gen = append(d.Gen, statValue(m, name))
		}
		d.RealMedian, d.GenMedian = median(d.Real), median(d.Gen)
		d.KS = KS(d.Real, d.Gen)
		r.Stats[name] = d
	}
	yr, yg, yt := card.FromData(real), card.FromData(gen), card.FromData(trainSet)
	r.HistEdges = linspace(-1.1, 1.1, 45)
	r.HistReal, r.HistGen = hist(yr, r.HistEdges), hist(yg, r.HistEdges)
	for i := range r.HistReal {
		r.PixelTV += math.Abs(r.HistReal[i]-r.HistGen[i]) / 2
	}
	r.PowerK, r.PowerReal = PowerSpectrum(real)
	_, r.PowerGen = PowerSpectrum(gen)
	var s float64
	var nk int
	for i := 1; i < len(r.PowerK); i++ {
		if r.PowerReal[i] > 0 && r.PowerGen[i] > 0 {
			l := math.Log10(r.PowerGen[i] / r.PowerReal[i])
			s += l * l
			nk++
		}
	}
	if nk > 0 {
		r.PowerLogRMS = math.Sqrt(s / float64(nk))
	}
	m := card.Bands * card.Size * card.Size
	r.NNGen = NearestDistances(yg, yt, m, card.Bands, card.Size)
	r.NNReal = NearestDistances(yr, yt, m, card.Bands, card.Size)
	r.NNGenMedian, r.NNRealMedian = median(r.NNGen), median(r.NNReal)
	if r.NNRealMedian > 0 {
		r.NNRatio = r.NNGenMedian / r.NNRealMedian
	}
	return r, nil
}

func measureAll(b *generator.Batch) []generator.Morph {
	out := make([]generator.Morph, b.N)
	for i := range out {
		out[i] = generator.Measure(b.Image(i), b.Bands, b.Size)
	}
	return out
}

// KS returns the two-sample Kolmogorov-Smirnov distance sup |F_a - F_b|.
func KS(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 1
	}
	x := append([]float64(nil), a...)
	y := append([]float64(nil), b...)
	sort.Float64s(x)
	sort.Float64s(y)
	var i, j int
	var d float64
	for i < len(x) && j < len(y) {
		v := math.Min(x[i], y[j])
		for i < len(x) && x[i] <= v {
			i++
		}
		for j < len(y) && y[j] <= v {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(x))-float64(j)/float64(len(y))))
	}
	return d
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func linspace(a, b float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return out
}

// hist returns the fraction of values in each bin [e_i, e_i+1); values
// outside go to the end bins.
func hist(v []float32, edges []float64) []float64 {
	nb := len(edges) - 1
	h := make([]float64, nb)
	w := (edges[nb] - edges[0]) / float64(nb)
	for _, x := range v {
		k := int((float64(x) - edges[0]) / w)
		k = min(max(k, 0), nb-1)
		h[k]++
	}
	for i := range h {
		h[i] /= float64(len(v))
	}
	return h
}

// PowerSpectrum returns the radial power spectrum of the luminance of a
// batch: P(k) is the mean of |F(kx,ky)|^2 / Size^4 over the images and over
// the ring round(|k|) = k, with k in cycles per stamp, k = 0..Size/2.
func PowerSpectrum(b *generator.Batch) (k, p []float64) {
	n := b.Size
	nk := n/2 + 1
	p = make([]float64, nk)
	cnt := make([]float64, nk)
	plan := fft.NewPlan2(n, n)
	row := make([]complex128, n*n)
	for im := 0; im < b.N; im++ {
		lum := generator.Luminance(b.Image(im), b.Bands, n)
		var mean float64
		for _, v := range lum {
			mean += v
		}
		mean /= float64(n * n)
		for i, v := range lum {
			row[i] = complex(v-mean, 0)
		}
		plan.Forward(row)
		for v := 0; v < n; v++ {
			for u := 0; u < n; u++ {
				r := int(math.Round(math.Hypot(float64(fft.Freq(u, n)), float64(fft.Freq(v, n)))))
				if r >= nk {
					continue
				}
				a := cmplx.Abs(row[v*n+u])
				p[r] += a * a / float64(n*n*n*n)
				cnt[r]++
			}
		}
	}
	k = make([]float64, nk)
	for i := range p {
		k[i] = float64(i)
		if cnt[i] > 0 {
			p[i] /= cnt[i]
		}
	}
	return k, p
}

// NearestDistances returns, for each stamp of a (m values each), the
// smallest L2 distance to any stamp of ref under any of the 8 flips and
// rotations (applied to every band alike).
func NearestDistances(a, ref []float32, m, bands, n int) []float64 {
	na, nr := len(a)/m, len(ref)/m
	out := make([]float64, na)
	var views [8][]float32
	plane := n * n
	for i := 0; i < na; i++ {
		s := a[i*m : (i+1)*m]
		for t := 0; t < 8; t++ {
			if views[t] == nil {
				views[t] = make([]float32, m)
			}
			for b := 0; b < bands; b++ {
				generator.Dihedral(views[t][b*plane:(b+1)*plane], s[b*plane:(b+1)*plane], n, t)
			}
		}
		best := math.Inf(1)
		for j := 0; j < nr; j++ {
			r := ref[j*m : (j+1)*m]
			for t := 0; t < 8; t++ {
				var d float64
				v := views[t]
				for q := range r {
					e := float64(v[q] - r[q])
					d += e * e
					if d >= best {
						break
					}
				}
				best = math.Min(best, d)
			}
		}
		out[i] = math.Sqrt(best)
	}
	return out
}
