package train

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// LossPNG plots every loss of a log.jsonl against step, smoothed with a
// running mean over 1/50 of the run, on a log axis when all are positive.
func LossPNG(path, logPath string) error {
	recs, err := ReadLog(logPath)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	var names []string
	for k := range recs[0].Loss {
		names = append(names, k)
	}
	sort.Strings(names)
	p := plot.New()
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss (running mean)"
	win := max(len(recs)/50, 1)
	positive := true
	for _, r := range recs {
		for _, v := range r.Loss {
			positive = positive && v > 0
		}
	}
	if positive {
		// Losses of different sizes (a KL term beside a pixel MSE) stay readable.
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = lossTicks{}
	}
	palette := []color.RGBA{{30, 90, 200, 255}, {220, 80, 20, 255}, {40, 160, 60, 255}, {150, 50, 160, 255}, {90, 90, 90, 255}}
	for k, name := range names {
		pts := make(plotter.XYs, 0, len(recs))
		var sum float64
		for i, r := range recs {
			sum += r.Loss[name]
			if i >= win {
				sum -= recs[i-win].Loss[name]
			}
			pts = append(pts, plotter.XY{X: float64(r.Step), Y: sum / float64(min(i+1, win))})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("train: loss plot: %w", err)
		}
		l.Color = palette[k%len(palette)]
		p.Add(l)
		p.Legend.Add(name, l)
	}
	p.Legend.Top = true
	tmp := path + ".tmp.png"
	if err := p.Save(5*vg.Inch, 3.5*vg.Inch, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: loss plot %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// lossTicks marks a log axis with at least three labelled ticks: powers
// of ten over wide ranges, 1-2-5 steps within a couple of decades, every
// integer mantissa within one, and the ends of a narrower range (a loss rarely spans more than one decade,
// where plot.LogTicks labels a single tick).
type lossTicks struct{}

// Ticks returns the ticks for values in [lo, hi], lo > 0.
func (lossTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) {
		return nil
	}
	k0, k1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	for _, labelled := range [][]int{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		var ticks []plot.Tick
		n := 0
		for k := k0; k <= k1; k++ {
			for m := 1; m <= 9; m++ {
				v := float64(m) * math.Pow(10, float64(k))
				if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
					continue
				}
				t := plot.Tick{Value: v}
				for _, l := range labelled {
					if m == l {
						t.Label = strconv.FormatFloat(v, 'g', 3, 64)
						n++
					}
				}
				ticks = append(ticks, t)
			}
		}
		if n >= 3 {
			return ticks
		}
		if len(labelled) == 9 {
			// a range narrower than one mantissa step: label its ends and middle
			for _, v := range []float64{lo, math.Sqrt(lo * hi), hi} {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
			}
			return ticks
		}
	}
	return nil
}
