package calibrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Report file names inside the report folder.
const (
	ReportMarkdown = "report.md"
	ReportJSON     = "report.json"
	ReportPlot     = "gobs_vs_gtrue.png"
	ResidualPlot   = "residual_vs_gtrue.png"
)

// WriteReport writes the calibration report into dir: a Markdown table of
// m and c per source with the per-run shears, a JSON copy, a PNG plot of
// g_obs against g_true for both components, and one of g_obs − g_true
// against g_true (the bias is too small to see on g_obs itself; the slope
// of the residual is m).
func WriteReport(dir, configPath string, rs []*SourceResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# Shear calibration\n\nConfig: `%s`. Model g_obs = (1+m) g_true + c per component, "+
		"metacalibration (⟨R⟩⁻¹⟨e⟩), 1-sigma bootstrap errors over %s.\n\n",
		configPath, "objects (ring pairs kept together)")
	md.WriteString("| source | objects/run | failed | m1 | m2 | c1 | c2 |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		b := r.Bias
		fmt.Fprintf(&md, "| %s | %d | %d | %.3e ± %.1e | %.3e ± %.1e | %.3e ± %.1e | %.3e ± %.1e |\n",
			r.Source, r.N, r.Failed, b.M[0], b.MErr[0], b.M[1], b.MErr[1], b.C[0], b.CErr[0], b.C[1], b.CErr[1])
	}
	md.WriteString("\n| source | g_true | g_obs | ⟨R⟩ |\n|---|---|---|---|\n")
	for _, r := range rs {
		for _, run := range r.Runs {
			R := run.Est.R
			fmt.Fprintf(&md, "| %s | (%+.4f, %+.4f) | (%+.6f, %+.6f) | [[%.4f, %.4f], [%.4f, %.4f]] |\n", r.Source,
				run.True[0], run.True[1], run.Est.Shear[0], run.Est.Shear[1], R[0][0], R[0][1], R[1][0], R[1][1])
		}
	}
	fmt.Fprintf(&md, "\n![g_obs against g_true](%s)\n\n![g_obs - g_true against g_true](%s)\n", ReportPlot, ResidualPlot)
	if err := atomicfile.WriteFile(filepath.Join(dir, ReportMarkdown), []byte(md.String())); err != nil {
		return err
	}
	type runJSON struct {
		True [2]float64    `json:"g_true"`
		Obs  [2]float64    `json:"g_obs"`
		R    [2][2]float64 `json:"R"`
	}
	type srcJSON struct {
		Source string    `json:"source"`
		N      int       `json:"objects_per_run"`
		Failed int       `json:"failed"`
		Bias   Bias      `json:"bias"`
		Runs   []runJSON `json:"runs"`
	}
	var js []srcJSON
	for _, r := range rs {
		s := srcJSON{Source: r.Source, N: r.N, Failed: r.Failed, Bias: r.Bias}
		for _, run := range r.Runs {
			s.Runs = append(s.Runs, runJSON{run.True, run.Est.Shear, run.Est.R})
		}
		js = append(js, s)
	}
	b, err := json.MarshalIndent(js, "", "  ")
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ReportJSON), append(b, '\n')); err != nil {
		return err
	}
	if err := writePlot(filepath.Join(dir, ReportPlot), rs, false); err != nil {
		return err
	}
	return writePlot(filepath.Join(dir, ResidualPlot), rs, true)
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{214, 39, 40, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{148, 103, 189, 255}, color.RGBA{255, 127, 14, 255},
}

func writePlot(path string, rs []*SourceResult, residual bool) error {
	p := plot.New()
	p.Title.Text = "Shear recovery"
	p.X.Label.Text = "g_true"
	p.Y.Label.Text = "g_obs"
	sub := 0.0 // 1 for residuals
	if residual {
		p.Y.Label.Text = "g_obs - g_true"
		sub = 1
	}
	p.Add(plotter.NewGrid())
	k := 0
	for _, r := range rs {
		for comp := range 2 {
			var xy plotter.XYs
			for _, run := range r.Runs {
				if run.True[comp] == 0 {
					continue
				}
				xy = append(xy, plotter.XY{X: run.True[comp], Y: run.Est.Shear[comp] - sub*run.True[comp]})
			}
			s, err := plotter.NewScatter(xy)
			if err != nil {
				return fmt.Errorf("calibrate: plot: %w", err)
			}
			s.GlyphStyle.Color = palette[k%len(palette)]
			s.GlyphStyle.Radius = vg.Points(4)
			if comp == 1 {
				s.GlyphStyle.Shape = draw.TriangleGlyph{}
			} else {
				s.GlyphStyle.Shape = draw.CircleGlyph{}
			}
			// The fitted line m g + c.
			m, c := r.Bias.M[comp], r.Bias.C[comp]
			f := plotter.NewFunction(func(x float64) float64 { return (1+m-sub)*x + c })
			f.Color = palette[k%len(palette)]
			p.Add(s, f)
			p.Legend.Add(fmt.Sprintf("%s g%d: m=%.2e c=%.1e", r.Source, comp+1, m, c), s)
			k++
		}
	}
	padAxes(p, k)
	w, err := p.WriterTo(7*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("calibrate: plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return fmt.Errorf("calibrate: plot: %w", err)
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// padAxes widens the data ranges so that the edge points and tick labels
// are not cut at the frame, and leaves room above the data for the legend
// (entries lines, top left) so that it covers no point.
func padAxes(p *plot.Plot, entries int) {
	dx := p.X.Max - p.X.Min
	if !(dx > 0) {
		dx = 0.01
	}
	p.X.Min -= 0.1 * dx
	p.X.Max += 0.1 * dx
	dy := p.Y.Max - p.Y.Min
	if !(dy > 0) {
		dy = 0.01
	}
	p.Y.Min -= 0.1 * dy
	p.Y.Max += dy * (0.15 + 0.1*float64(entries))
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	p.Legend.YOffs = -vg.Points(4)
}
