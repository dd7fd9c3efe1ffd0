package judge

import (
	"encoding/json"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	realColor = color.RGBA{R: 30, G: 90, B: 200, A: 255}
	genColor  = color.RGBA{R: 220, G: 80, B: 20, A: 255}
)

// Write saves the JSON summary (summary.json) and the PNG plots of the
// report into dir.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("judge: %w", err)
	}
	for _, name := range StatNames {
		d := r.Stats[name]
		if err := histPlot(filepath.Join(dir, name+".png"), name, d.Real, d.Gen, "real "+r.Split, "generated"); err != nil {
			return err
		}
	}
	if err := histPlot(filepath.Join(dir, "nn_distance.png"), "distance to nearest training stamp (normalised pixels)",
		r.NNReal, r.NNGen, "real "+r.Split, "generated"); err != nil {
		return err
	}
	if err := linePlot(filepath.Join(dir, "pixel_hist.png"), "pixel value (normalised)", "fraction", false,
		mids(r.HistEdges), r.HistReal, r.HistGen); err != nil {
		return err
	}
	if err := linePlot(filepath.Join(dir, "power_spectrum.png"), "k (cycles per stamp)", "P(k)", true,
		r.PowerK[1:], r.PowerReal[1:], r.PowerGen[1:]); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("judge: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'))
}

func mids(e []float64) []float64 {
	m := make([]float64, len(e)-1)
	for i := range m {
		m[i] = (e[i] + e[i+1]) / 2
	}
	return m
}

func histPlot(path, title string, a, b []float64, la, lb string) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range append(append([]float64(nil), a...), b...) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	edges := make([]float64, 26)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/25
	}
	fa, fb := histF(a, edges), histF(b, edges)
	return linePlotLabels(path, title, "fraction", false, mids(edges), fa, fb, la, lb)
}

func histF(v []float64, edges []float64) []float64 {
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return hist(f, edges)
}

func linePlot(path, xl, yl string, logy bool, x, a, b []float64) error {
	return linePlotLabels(path, xl, yl, logy, x, a, b, "real held-out", "generated")
}

func linePlotLabels(path, xl, yl string, logy bool, x, a, b []float64, la, lb string) error {
	p := plot.New()
	p.X.Label.Text = xl
	p.Y.Label.Text = yl
	if logy {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{}
	}
	for k, ys := range [][]float64{a, b} {
		pts := make(plotter.XYs, 0, len(x))
		for i := range x {
			if logy && !(ys[i] > 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x[i], Y: ys[i]})
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("judge: plot %s: %w", path, err)
		}
		l.Color = []color.Color{realColor, genColor}[k]
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add([]string{la, lb}[k], l)
	}
	p.Legend.Top = true
	return savePlot(p, path)
}

func savePlot(p *plot.Plot, path string) error {
	tmp := path + ".tmp.png"
	if err := p.Save(5*vg.Inch, 3.5*vg.Inch, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("judge: plot %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
