// Package calibrate measures multiplicative and additive shear bias: survey
// stamps are simulated at known input shears, measured by metacalibration
// (package shapes), and the recovered shears are fitted as
//
//	g_obs,i = (1 + m_i) g_true,i + c_i    (i = 1, 2)
//
// with bootstrap errors. It also runs the end-to-end demo (Demo).
package calibrate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/shapes"
	"github.com/galforge/galforge/survey"
)

// Options control a calibration run.
type Options struct {
	Workers  int                                // goroutines; 0 means GOMAXPROCS
	Progress func(what string, done, total int) // called as stamps are measured
}

// ShearRun is one simulation at a known input shear.
type ShearRun struct {
	True    [2]float64             // input reduced shear
	Results []shapes.MetacalResult // per object, in object order
	Est     shapes.MetacalSummary  // ⟨R⟩⁻¹⟨e⟩ over all objects
}

// Bias is a fitted m, c pair per component with 1-sigma bootstrap errors.
type Bias struct {
	M, C       [2]float64
	MErr, CErr [2]float64
}

// SourceResult is the calibration of one galaxy source.
type SourceResult struct {
	Source string
	N      int // objects per shear run
	Runs   []ShearRun
	Bias   Bias
	Failed int // objects flagged by metacalibration (left out)
}

// Measure simulates the stamps of c (which must describe stamps) and
// measures every one by metacalibration with the config's known PSF.
func Measure(c *survey.Config, step float64, opt Options, what string) ([]shapes.MetacalResult, error) {
	sim, err := survey.NewSim(c)
	if err != nil {
		return nil, err
	}
	psf, err := sim.PSF()
	if err != nil {
		return nil, err
	}
	n := sim.N()
	out := make([]shapes.MetacalResult, n)
	var mu sync.Mutex
	var firstErr error
	parallel(n, opt, what, func(i int) {
		res, err := measureOne(sim, psf, i, step)
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}
		out[i] = res
	})
	return out, firstErr
}

func measureOne(sim *survey.Sim, psf *pix.Image, i int, step float64) (shapes.MetacalResult, error) {
	o, img, err := sim.Stamp(i)
	if err != nil {
		return shapes.MetacalResult{}, err
	}
	// With pixel noise, metacalibration's shearing of the deconvolved noise
	// biases the response; a 90°-rotated noise image of the same rms cancels
	// that (Sheldon & Huff 2017). Its seed is fixed per object, so the four
	// shear runs share it and the noise cancels in the m, c fit too.
	opt := shapes.MetacalOptions{Step: step, NoiseSigma: sim.NoiseSigma(), NoiseSeed: o.Seed ^ 0x9e3779b97f4a7c15}
	res, err := shapes.Metacal(img, psf, opt)
	if err != nil {
		// A failed measurement is flagged and left out of the averages.
		if res.Flag == 0 {
			res.Flag = shapes.FlagOf(err)
			if res.Flag == 0 {
				res.Flag = 1
			}
		}
	}
	return res, nil
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// inputShears are the four input shears of a calibration.
func inputShears(g float64) [][2]float64 {
	return [][2]float64{{g, 0}, {-g, 0}, {0, g}, {0, -g}}
}

// Source runs the four shear simulations of c and fits m and c.
func Source(c *survey.Config, opt Options) (*SourceResult, error) {
	cal := c.Calibrate
	res := &SourceResult{Source: c.Galaxies.Source}
	for _, g := range inputShears(cal.Shear) {
		cg, err := c.WithShear(g[0], g[1])
		if err != nil {
			return nil, err
		}
		what := fmt.Sprintf("%s g=(%+.3f,%+.3f)", c.Galaxies.Source, g[0], g[1])
		rs, err := Measure(cg, cal.Step, opt, what)
		if err != nil {
			return nil, err
		}
		res.N = len(rs)
		run := ShearRun{True: g, Results: rs, Est: shapes.Average(rs, nil, cal.Step)}
		for _, r := range rs {
			if r.Flag != 0 {
				res.Failed++
			}
		}
		res.Runs = append(res.Runs, run)
	}
	unit := 1
	if c.Galaxies.Orientation == "ring" {
		unit = 2
	}
	res.Bias = Fit(res.Runs, cal.Step, unit, cal.Bootstrap, c.Seed)
	return res, nil
}

// fitLine fits y = (1+m) x + c by least squares over the runs for component k.
func fitLine(runs []ShearRun, est [][2]float64, k int) (m, c float64) {
	var sx, sy, sxx, sxy float64
	n := float64(len(runs))
	for i, r := range runs {
		x, y := r.True[k], est[i][k]
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return slope - 1, (sy - slope*sx) / n
}

// Fit returns m and c per component with bootstrap errors: objects are
// resampled in units of unit consecutive objects (2 keeps ring pairs
// together), with the same draw in every run since the runs share their
// galaxies; the error is the standard deviation over nboot resamples.
func Fit(runs []ShearRun, step float64, unit, nboot int, seed uint64) Bias {
	var b Bias
	est := make([][2]float64, len(runs))
	for i, r := range runs {
		est[i] = r.Est.Shear
	}
	for k := range 2 {
		b.M[k], b.C[k] = fitLine(runs, est, k)
	}
	if len(runs) == 0 || nboot < 2 {
		return b
	}
	n := len(runs[0].Results)
	units := n / unit
	if units < 2 {
		return b
	}
	rng := rand.New(rand.NewPCG(seed, 0xB007))
	var sm, sc, smm, scc [2]float64
	sample := make([]shapes.MetacalResult, 0, units*unit)
	idx := make([]int, units)
	for range nboot {
		for j := range idx {
			idx[j] = rng.IntN(units)
		}
		for i, r := range runs {
			sample = sample[:0]
			for _, u := range idx {
				sample = append(sample, r.Results[u*unit:(u+1)*unit]...)
			}
			est[i] = shapes.Average(sample, nil, step).Shear
		}
		for k := range 2 {
			m, c := fitLine(runs, est, k)
			sm[k] += m
			smm[k] += m * m
			sc[k] += c
			scc[k] += c * c
		}
	}
	nb := float64(nboot)
	for k := range 2 {
		b.MErr[k] = math.Sqrt(math.Max(smm[k]/nb-sm[k]*sm[k]/(nb*nb), 0) * nb / (nb - 1))
		b.CErr[k] = math.Sqrt(math.Max(scc[k]/nb-sc[k]*sc[k]/(nb*nb), 0) * nb / (nb - 1))
	}
	return b
}

// Line is the summary line `m1=<v>+/-<err> m2=... c1=... c2=...` (%.3e).
func (b Bias) Line() string {
	return fmt.Sprintf("m1=%.3e+/-%.3e m2=%.3e+/-%.3e c1=%.3e+/-%.3e c2=%.3e+/-%.3e",
		b.M[0], b.MErr[0], b.M[1], b.MErr[1], b.C[0], b.CErr[0], b.C[1], b.CErr[1])
}

// Run calibrates the config's galaxy source and each source listed in
// calibrate.compare.
func Run(c *survey.Config, opt Options) ([]*SourceResult, error) {
	cfgs := []*survey.Config{c}
	for _, s := range c.Calibrate.Compare {
		d, err := c.WithSource(s)
		if err != nil {
			return nil, err
		}
		cfgs = append(cfgs, d)
	}
	var out []*SourceResult
	for _, cc := range cfgs {
		r, err := Source(cc, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
