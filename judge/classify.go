package judge

import (
	"fmt"
	"math"

	"github.com/galforge/galforge/generator"
)

// Classifier is a logistic-regression classifier on rotation-invariant
// features of a stamp (its normalised radial light profile), used to check
// that a conditional model's category condition changes what it draws.
type Classifier struct {
	Bands, Size int
	Mean, Std   []float64 // feature standardisation
	W           []float64 // weights, last entry the bias
}

// Features returns rotation-invariant features of a stamp: the luminance
// profile in elliptical rings (shape from the second moments of the light)
// of 0.25 half-light radii out to 4, normalised by its peak, its slope from
// ring to ring (a ring shows as a bump, a bulge as a steep fall), the
// colour profile (first minus last band, per ring) when there are several
// bands, and the concentration and ellipticity.
func Features(stamp []float32, bands, n int) []float64 {
	m := generator.Measure(stamp, bands, n)
	lum := generator.Luminance(stamp, bands, n)
	// Elliptical radius from the moments: r² = (a dx² + 2b dx dy + c dy²) with
	// the inverse moment matrix scaled to unit determinant.
	var qxx, qyy, qxy, w float64
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := lum[y*n+x]
			if v <= 0 {
				continue
			}
			dx, dy := float64(x)-m.X, float64(y)-m.Y
			qxx += v * dx * dx
			qyy += v * dy * dy
			qxy += v * dx * dy
			w += v
		}
	}
	det := qxx*qyy - qxy*qxy
	a, b, c := 1.0, 0.0, 1.0
	if w > 0 && det > 0 {
		s := math.Sqrt(det)
		a, b, c = qyy/s, -qxy/s, qxx/s
	}
	const nr = 16
	hlr := math.Max(m.HLR, 0.5)
	prof := make([]float64, nr)
	col := make([]float64, nr)
	cnt := make([]float64, nr)
	plane := n * n
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-m.X, float64(y)-m.Y
			r := math.Sqrt(math.Max(a*dx*dx+2*b*dx*dy+c*dy*dy, 0)) / hlr
			k := int(r / 0.25)
			if k >= nr {
				continue
			}
			prof[k] += lum[y*n+x]
			if bands > 1 {
				col[k] += float64(stamp[y*n+x]) - float64(stamp[(bands-1)*plane+y*n+x])
			}
			cnt[k]++
		}
	}
	peak := 0.0
	for k := range prof {
		if cnt[k] > 0 {
			prof[k] /= cnt[k]
			col[k] /= cnt[k]
		} else if k > 0 {
			prof[k], col[k] = prof[k-1], col[k-1]
		}
		peak = math.Max(peak, math.Abs(prof[k]))
	}
	if peak == 0 {
		peak = 1
	}
	var f []float64
	for k := range prof {
		f = append(f, prof[k]/peak)
	}
	for k := 1; k < nr; k++ {
		f = append(f, (prof[k]-prof[k-1])/peak)
	}
	if bands > 1 {
		for k := range col {
			f = append(f, col[k]/peak)
		}
	}
	return append(f, m.Conc, m.E)
}

// TrainClassifier fits the classifier to stamps (data units, bands x n x n
// each) with labels 0/1 by gradient descent on the L2-regularised
// logistic loss.
func TrainClassifier(stamps [][]float32, labels []int, bands, n int) (*Classifier, error) {
	if len(stamps) != len(labels) || len(stamps) < 4 {
		return nil, fmt.Errorf("judge: classifier needs >= 4 labelled stamps, have %d stamps and %d labels", len(stamps), len(labels))
	}
	X := make([][]float64, len(stamps))
	for i, s := range stamps {
		X[i] = Features(s, bands, n)
	}
	d := len(X[0])
	c := &Classifier{Bands: bands, Size: n, Mean: make([]float64, d), Std: make([]float64, d), W: make([]float64, d+1)}
	for j := 0; j < d; j++ {
		var s, s2 float64
		for _, x := range X {
			s += x[j]
			s2 += x[j] * x[j]
		}
		mu := s / float64(len(X))
		c.Mean[j] = mu
		c.Std[j] = math.Sqrt(math.Max(s2/float64(len(X))-mu*mu, 1e-12))
	}
	Z := make([][]float64, len(X))
	for i, x := range X {
		Z[i] = c.standardise(x)
	}
	const lr, lambda = 0.5, 1e-2
	g := make([]float64, d+1)
	for it := 0; it < 2000; it++ {
		clear(g)
		for i, z := range Z {
			e := sigmoid(c.logit(z)) - float64(labels[i])
			for j := 0; j < d; j++ {
				g[j] += e * z[j]
			}
			g[d] += e
		}
		for j := range g {
			g[j] /= float64(len(Z))
			if j < d {
				g[j] += lambda * c.W[j]
			}
			c.W[j] -= lr * g[j]
		}
	}
	return c, nil
}

func (c *Classifier) standardise(x []float64) []float64 {
	z := make([]float64, len(x))
	for j := range x {
		z[j] = (x[j] - c.Mean[j]) / c.Std[j]
	}
	return z
}

func (c *Classifier) logit(z []float64) float64 {
	d := len(z)
	s := c.W[d]
	for j := 0; j < d; j++ {
		s += c.W[j] * z[j]
	}
	return s
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Prob returns the probability that a stamp is of class 1.
func (c *Classifier) Prob(stamp []float32) float64 {
	return sigmoid(c.logit(c.standardise(Features(stamp, c.Bands, c.Size))))
}

// Rate returns the fraction of stamps classified as class 1.
func (c *Classifier) Rate(stamps [][]float32) float64 { return rate(c, stamps) }

// StampClassifier gives the probability that a stamp is of class 1.
type StampClassifier interface {
	Prob(stamp []float32) float64
}

func rate(c StampClassifier, stamps [][]float32) float64 {
	if len(stamps) == 0 {
		return math.NaN()
	}
	var k int
	for _, s := range stamps {
		if c.Prob(s) > 0.5 {
			k++
		}
	}
	return float64(k) / float64(len(stamps))
}

// Slope returns the least-squares slope and intercept of y against x.
func Slope(x, y []float64) (slope, intercept float64) {
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return math.NaN(), math.NaN()
	}
	slope = (n*sxy - sx*sy) / den
	return slope, (sy - slope*sx) / n
}
