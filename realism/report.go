package realism

import (
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"github.com/galforge/galforge/pix"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Verdict summarises a report in words: whether the classifier and the
// distances call the sets indistinguishable.
func (r *Report) Verdict() string {
	big := 0
	for _, s := range r.Stats {
		if s.W1Norm > 0.5 {
			big++
		}
	}
	switch {
	case math.Abs(r.Classifier.Accuracy-0.5) <= 0.1 && big == 0:
		return "indistinguishable: classifier near chance and all distances small"
	case r.Classifier.Accuracy >= 0.75 || big >= 3:
		return "distinguishable: the classifier separates the sets or several statistics differ"
	default:
		return "marginal: some differences"
	}
}

// WriteReport writes the report into directory dir: index.html with the
// side-by-side image grids (grid_a.png, grid_b.png), one histogram overlay
// per statistic (hist_NAME.png), the power spectra (power.png) and
// report.json. Files are written into a temporary directory beside dir
// which replaces dir only when complete; an existing dir is replaced only
// if it holds a previous report (index.html).
func WriteReport(dir string, r *Report, a, b *Set) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("realism: %s exists and is not a directory", dir)
		}
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			if ents, _ := os.ReadDir(dir); len(ents) > 0 {
				return fmt.Errorf("realism: %s is a non-empty directory without a previous report; refusing to overwrite", dir)
			}
		}
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".report-*")
	if err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	st := pix.Stretch{Func: pix.StretchAsinh}
	const cell = 96 // display size of every tile, pixels
	grid := func(s *Set, name string) error {
		ims := s.Images[:min(len(s.Images), 36)]
		tiles := make([]image.Image, len(ims))
		for i, m := range ims {
			tiles[i] = enlarge(st.Gray(m), cell)
		}
		return pix.WritePNG(filepath.Join(tmp, name), pix.Mosaic(tiles, pix.MosaicOptions{Cols: 6, Cell: cell, Fit: true}))
	}
	if err := grid(a, "grid_a.png"); err != nil {
		return err
	}
	if err := grid(b, "grid_b.png"); err != nil {
		return err
	}
	var hists []string
	for j, s := range r.Stats {
		name := "hist_" + s.Name + ".png"
		if err := histogram(filepath.Join(tmp, name), s.Name, column(r.ValuesA, j), column(r.ValuesB, j), r.A, r.B); err != nil {
			return err
		}
		hists = append(hists, name)
	}
	if err := powerPlot(filepath.Join(tmp, "power.png"), r); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "report.json"), js, 0o644); err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(tmp, "index.html"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	err = page.Execute(f, struct {
		R       *Report
		Verdict string
		Hists   []string
	}{r, r.Verdict(), hists})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("realism: index.html: %w", err)
	}
	// MkdirTemp makes 0700; a report is for everyone to read.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("realism: %w", err)
	}
	ok = true
	return nil
}

func histogram(path, title string, a, b []float64, na, nb string) error {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "fraction"
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range append(append([]float64{}, a...), b...) {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	const nb0 = 20
	add := func(v []float64, name string, c color.Color) error {
		if len(v) == 0 {
			return nil
		}
		xys := make(plotter.XYs, nb0)
		for i := range xys {
			xys[i].X = lo + (float64(i)+0.5)*(hi-lo)/nb0
		}
		for _, x := range v {
			i := min(int((x-lo)/(hi-lo)*nb0), nb0-1)
			xys[i].Y += 1 / float64(len(v))
		}
		h, err := plotter.NewHistogram(xys, nb0)
		if err != nil {
			return err
		}
		h.FillColor = nil
		h.LineStyle.Color = c
		h.LineStyle.Width = vg.Points(1.5)
		p.Add(h)
		p.Legend.Add(name, h)
		return nil
	}
	if err := add(a, na, color.RGBA{R: 30, G: 90, B: 200, A: 255}); err != nil {
		return err
	}
	if err := add(b, nb, color.RGBA{R: 220, G: 60, B: 30, A: 255}); err != nil {
		return err
	}
	p.Legend.Top = true
	return p.Save(4*vg.Inch, 3*vg.Inch, path)
}

func powerPlot(path string, r *Report) error {
	p := plot.New()
	p.Title.Text = "radial power spectrum (flux-normalised)"
	p.X.Label.Text = "k (cycles/pixel)"
	p.Y.Label.Text = "mean log10 P"
	for _, s := range []struct {
		name string
		v    []float64
		c    color.Color
	}{{r.A, r.PowerA, color.RGBA{R: 30, G: 90, B: 200, A: 255}}, {r.B, r.PowerB, color.RGBA{R: 220, G: 60, B: 30, A: 255}}} {
		var xys plotter.XYs
		for i, v := range s.v {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				xys = append(xys, plotter.XY{X: r.PowerK[i], Y: v})
			}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color = s.c
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = true
	return p.Save(5*vg.Inch, 3.5*vg.Inch, path)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f3":  func(v float64) string { return fmt.Sprintf("%.3f", v) },
	"pct": func(v float64) string { return fmt.Sprintf("%.1f %%", 100*v) },
}).Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>galforge compare: {{.R.A}} vs {{.R.B}}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:auto} table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right} .grid img{width:100%}
.row{display:flex;gap:16px} .row div{flex:1}</style></head><body>
<h1>Realism report</h1>
<p><b>A</b> (real): {{.R.A}} — {{.R.NA}} objects ({{.R.FailedA}} not measurable)<br>
<b>B</b> (generated): {{.R.B}} — {{.R.NB}} objects ({{.R.FailedB}} not measurable)</p>
<p><b>Verdict:</b> {{.Verdict}}</p>
<h2>Two-sample classifier test</h2>
<p>A small network (features → 32 ReLU → 1) trained on {{.R.Classifier.NTrain}} objects to tell A from B,
scored on {{.R.Classifier.NTest}} held-out objects: accuracy <b>{{pct .R.Classifier.Accuracy}}</b>
(± {{pct .R.Classifier.StdErr}} for a coin; training accuracy {{pct .R.Classifier.TrainAccuracy}};
{{.R.Classifier.Features}} features: morphology statistics, log power spectrum, 8×8 thumbnail).
Near 50 % means the sets cannot be told apart.</p>
<h2>Statistics</h2>
<table><tr><th>statistic</th><th>mean A</th><th>mean B</th><th>std A</th><th>std B</th><th>W1</th><th>W1 / pooled std</th></tr>
{{range .R.Stats}}<tr><td style="text-align:left">{{.Name}}</td><td>{{f3 .MeanA}}</td><td>{{f3 .MeanB}}</td><td>{{f3 .StdA}}</td><td>{{f3 .StdB}}</td><td>{{f3 .W1}}</td><td>{{f3 .W1Norm}}</td></tr>
{{end}}</table>
<p>Power spectra: rms difference {{f3 .R.PowerDist}} dex.</p>
<img src="power.png" alt="power spectra">
<h2>Images</h2>
<div class="row grid"><div><h3>A: {{.R.A}}</h3><img src="grid_a.png" alt="A"></div>
<div><h3>B: {{.R.B}}</h3><img src="grid_b.png" alt="B"></div></div>
<h2>Histograms</h2>
{{range .Hists}}<img src="{{.}}" alt="{{.}}">
{{end}}
<p>Statistics as defined by statmorph (Rodriguez-Gomez et al. 2019): Gini and M20 (Lotz et al. 2004),
concentration, asymmetry, smoothness (Conselice 2003), half-light radius r50 (pixels), ellipticity 1 − b/a
from adaptive moments, Sérsic index fitted without PSF.</p>
</body></html>
`))

// enlarge scales a tile up by the largest integer factor (pixel
// replication) that keeps it within cell pixels, so small stamps fill
// their tile in a grid as large ones do.
func enlarge(g *image.Gray, cell int) image.Image {
	b := g.Bounds()
	f := cell / max(b.Dx(), b.Dy(), 1)
	if f <= 1 {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, b.Dx()*f, b.Dy()*f))
	for y := 0; y < b.Dy()*f; y++ {
		for x := 0; x < b.Dx()*f; x++ {
			out.SetGray(x, y, g.GrayAt(b.Min.X+x/f, b.Min.Y+y/f))
		}
	}
	return out
}
