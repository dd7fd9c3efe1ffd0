package calibrate

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/galforge/galforge/shapes"
	"github.com/galforge/galforge/survey"
	"gonum.org/v1/plot"
)

// TestFitRecoversKnownBias feeds Fit synthetic per-object results whose
// ensemble shear is (1+m) g + c exactly, with shape noise cancelling in
// pairs, and checks m and c come back.
func TestFitRecoversKnownBias(t *testing.T) {
	m, c := [2]float64{0.01, -0.02}, [2]float64{3e-4, -1e-4}
	var runs []ShearRun
	for _, g := range inputShears(0.02) {
		var rs []shapes.MetacalResult
		for i := range 50 {
			e := 0.1 * math.Sin(float64(i)) // ring partner gets -e
			for _, s := range []float64{1, -1} {
				var r shapes.MetacalResult
				r.R = [2][2]float64{{0.5, 0}, {0, 0.5}}
				for k := range 2 {
					r.E[k] = 0.5*((1+m[k])*g[k]+c[k]) + s*e
				}
				rs = append(rs, r)
			}
		}
		runs = append(runs, ShearRun{True: g, Results: rs, Est: shapes.Average(rs, nil, 0.01)})
	}
	b := Fit(runs, 0.01, 2, 50, 1)
	for k := range 2 {
		if math.Abs(b.M[k]-m[k]) > 1e-12 || math.Abs(b.C[k]-c[k]) > 1e-14 {
			t.Errorf("component %d: m=%g c=%g, want %g %g", k+1, b.M[k], b.C[k], m[k], c[k])
		}
		if b.MErr[k] > 1e-8 || b.CErr[k] > 1e-8 {
			t.Errorf("ring pairs cancel exactly, bootstrap errors should vanish: %g %g", b.MErr[k], b.CErr[k])
		}
	}
	if !regexp.MustCompile(`^m1=\S+\+/-\S+ m2=\S+\+/-\S+ c1=\S+\+/-\S+ c2=\S+\+/-\S+$`).MatchString(b.Line()) {
		t.Errorf("line %q", b.Line())
	}
}

// TestCalibrateExample runs the shipped metacalibration example with 20
// galaxies per shear (the full example has 200) and checks |m| < 1e-3,
// |c| < 1e-4.
func TestCalibrateExample(t *testing.T) {
	c, err := survey.Load("../examples/calibrate-parametric-metacal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Run(c.WithCount(20), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := rs[0].Bias
	t.Logf("%s (failed %d)", b.Line(), rs[0].Failed)
	for k := range 2 {
		if math.Abs(b.M[k]) >= 1e-3 || math.Abs(b.C[k]) >= 1e-4 {
			t.Errorf("component %d: m=%g c=%g outside |m|<1e-3, |c|<1e-4", k+1, b.M[k], b.C[k])
		}
	}
	dir := filepath.Join(t.TempDir(), "report")
	if err := WriteReport(dir, "x.yaml", rs); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ReportMarkdown, ReportJSON, ReportPlot, ResidualPlot} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestDemo runs the demo and checks the recovered shear is within 3
// standard errors of the truth, with errors below 0.005.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo takes several seconds")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	var log strings.Builder
	r, err := Demo(dir, "../models", &log, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s%s", log.String(), r.Line())
	for k := range 2 {
		if !(r.Err[k] > 0 && r.Err[k] < 0.005) || math.Abs(r.Measured[k]-r.True[k]) > 3*r.Err[k] {
			t.Errorf("component %d: measured %.5f ± %.5f, true %.5f", k+1, r.Measured[k], r.Err[k], r.True[k])
		}
	}
	if !regexp.MustCompile(`^g_true=\(-?\d+\.\d{5},-?\d+\.\d{5}\) g_measured=\(-?\d+\.\d{5}\+/-\d+\.\d{5},-?\d+\.\d{5}\+/-\d+\.\d{5}\)$`).MatchString(r.Line()) {
		t.Errorf("line %q", r.Line())
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(html), "survey/preview.png") || !strings.Contains(string(html), r.Line()) {
		t.Errorf("index.html: %v", err)
	}
}

// TestPadAxes: the plot keeps a margin around the data and room above it
// for the legend lines.
func TestPadAxes(t *testing.T) {
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.02, 0.02, -0.02, 0.02
	padAxes(p, 2)
	if p.X.Min >= -0.02 || p.X.Max <= 0.02 || p.Y.Min >= -0.02 {
		t.Errorf("no margin: x [%v, %v], y min %v", p.X.Min, p.X.Max, p.Y.Min)
	}
	if want := 0.02 + 0.04*0.35; math.Abs(p.Y.Max-want) > 1e-12 || !p.Legend.Left || !p.Legend.Top {
		t.Errorf("y max %v, want %v with the legend top left", p.Y.Max, want)
	}
}
