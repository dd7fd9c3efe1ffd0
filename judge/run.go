package judge

import (
	"fmt"
	"math"
	"sort"

	"github.com/galforge/galforge/generator"
	"github.com/galforge/galforge/train"
)

// Options sets a realism check.
type Options struct {
	// N is the number of generated stamps (0: as many as test stamps,
	// at least 64).
	N    int
	Seed uint64
	// Data overrides the data set named in the model card.
	Data string
}

// Run judges a trained model (a run or models/ directory) against the test
// split of the set it was trained on: the realism report of Compare, and,
// for every two-label category condition, the rate at which a classifier
// trained on the real train split calls samples drawn with each label, and
// for a numeric "size" condition the slope of measured half-light radius
// against the condition.
func Run(dir string, opt Options) (*Report, error) {
	m, err := generator.Load(dir)
	if err != nil {
		return nil, err
	}
	card := m.Card()
	data := card.Data
	if opt.Data != "" {
		data = opt.Data
	}
	raw, err := train.Open(data)
	if err != nil {
		return nil, err
	}
	rec := train.RecipeFor(raw.Name)
	test, err := train.Prepare(raw, rec, card.Size, card.Crop, "test")
	if err != nil {
		return nil, err
	}
	trn, err := train.Prepare(raw, rec, card.Size, card.Crop, "train")
	if err != nil {
		return nil, err
	}
	realB := card.ToData(test.X, test.Conds)
	trainB := card.ToData(trn.X, trn.Conds)
	n := opt.N
	if n <= 0 {
		n = max(test.N, 64)
	}
	// Generated stamps take the conditions of the test stamps in turn, so
	// both sides share one distribution of conditions.
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = test.Conds[i%test.N]
	}
	gen, err := m.SampleRows(rows, opt.Seed)
	if err != nil {
		return nil, err
	}
	r, err := Compare(card, realB, gen, trainB)
	if err != nil {
		return nil, err
	}
	r.Conditioning = map[string]float64{}
	if err := conditioning(r, m, trainB, realB, n, opt.Seed); err != nil {
		return nil, err
	}
	return r, nil
}

func stamps(b *generator.Batch) [][]float32 {
	out := make([][]float32, b.N)
	for i := range out {
		out[i] = b.Image(i)
	}
	return out
}

func conditioning(r *Report, m generator.Model, trainB, realB *generator.Batch, n int, seed uint64) error {
	card := m.Card()
	for j, s := range card.Conds {
		switch {
		case s.Kind == "category" && len(s.Labels) == 2:
			lab := func(b *generator.Batch) []int {
				l := make([]int, b.N)
				for i := range l {
					l[i] = int(b.Conds[i][j])
				}
				return l
			}
			clf, err := TrainClassifier(stamps(trainB), lab(trainB), card.Bands, card.Size)
			if err != nil {
				return err
			}
			var correct int
			for i, l := range lab(realB) {
				if (clf.Prob(realB.Image(i)) > 0.5) == (l == 1) {
					correct++
				}
			}
			r.Conditioning[s.Name+"_classifier_test_accuracy"] = float64(correct) / float64(realB.N)
			r.Conditioning[s.Name+"_real_test_rate"] = clf.Rate(stamps(realB))
			for k := 0; k < 2; k++ {
				b, err := m.Sample(generator.Cond{s.Name: float64(k)}, n, seed+uint64(10+k))
				if err != nil {
					return err
				}
				r.Conditioning[fmt.Sprintf("%s_rate_given_%s=%s", s.Name, s.Name, s.Labels[k])] = clf.Rate(stamps(b))
			}
		case s.Kind == "number" && s.Name == "size":
			var vals []float64
			for _, row := range trainB.Conds {
				vals = append(vals, row[j])
			}
			sort.Float64s(vals)
			var x, y []float64
			for _, q := range []float64{0.1, 0.5, 0.9} {
				v := vals[int(q*float64(len(vals)-1))]
				b, err := m.Sample(generator.Cond{s.Name: v}, max(n/3, 16), seed+uint64(100*q))
				if err != nil {
					return err
				}
				for i := 0; i < b.N; i++ {
					mm := generator.Measure(b.Image(i), b.Bands, b.Size)
					x = append(x, v)
					y = append(y, mm.HLR)
				}
				r.Conditioning[fmt.Sprintf("size_median_hlr_given_size=%.2f", v)] = median(y[len(y)-b.N:])
			}
			slope, _ := Slope(x, y)
			r.Conditioning["size_slope_measured_hlr_per_condition"] = slope
			if math.IsNaN(slope) {
				delete(r.Conditioning, "size_slope_measured_hlr_per_condition")
			}
		}
	}
	return nil
}
