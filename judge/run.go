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
	// Guidance, when nonzero, sets a flow model's classifier-free guidance weight
	// (else the card's default).
	Guidance float64
	// Split is the held-out real set compared with: "test" (the default; for
	// final figures only) or "val", the validation subset of train
	// (train.InValidation) on which every development choice is made.
	Split string
}

// Run judges a trained model (a run or models/ directory) against held-out
// real stamps of the set it was trained on (opt.Split: test or val): the
// realism report of Compare, and, for every two-label category condition,
// the rate at which classifiers trained on the train split less its
// validation subset ("fit") call samples drawn with each label, with their
// accuracy on the validation subset and on the judged split, and for a
// numeric "size" condition the slope of measured half-light radius against
// the condition. The memorisation reference is the whole train split when
// judging on test, its fit part when judging on val (whose rows are in
// train).
func Run(dir string, opt Options) (*Report, error) {
	split := opt.Split
	if split == "" {
		split = "test"
	}
	if split != "test" && split != "val" {
		return nil, fmt.Errorf("judge: split %q, want test or val", split)
	}
	m, err := generator.Load(dir)
	if err != nil {
		return nil, err
	}
	card := m.Card()
	if f, ok := m.(*generator.Flow); ok && opt.Guidance != 0 {
		if err := f.SetGuidance(opt.Guidance); err != nil {
			return nil, fmt.Errorf("judge: --guidance: %w", err)
		}
	}
	data := card.Data
	if opt.Data != "" {
		data = opt.Data
	}
	raw, err := train.Open(data)
	if err != nil {
		return nil, err
	}
	rec := train.RecipeFor(raw.Name)
	prep := func(split string) (*train.Prepared, *generator.Batch, error) {
		p, err := train.Prepare(raw, rec, card.Size, card.Crop, split)
		if err != nil {
			return nil, nil, err
		}
		return p, card.ToData(p.X, p.Conds), nil
	}
	test, realB, err := prep(split)
	if err != nil {
		return nil, err
	}
	ref := "train"
	if split == "val" {
		ref = "fit"
	}
	_, trainB, err := prep(ref)
	if err != nil {
		return nil, err
	}
	_, fitB, err := prep("fit")
	if err != nil {
		return nil, err
	}
	_, valB, err := prep("val")
	if err != nil {
		return nil, err
	}
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
	r.Split = split
	r.Conditioning = map[string]float64{}
	if err := conditioning(r, m, fitB, valB, realB, n, opt.Seed); err != nil {
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

// conditioning fills r.Conditioning; classifiers learn on fitB, and report
// their accuracy on valB (development) and realB (the judged split).
func conditioning(r *Report, m generator.Model, fitB, valB, realB *generator.Batch, n int, seed uint64) error {
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
			lin, err := TrainClassifier(stamps(fitB), lab(fitB), card.Bands, card.Size)
			if err != nil {
				return err
			}
			cnn, err := TrainCNN(stamps(fitB), lab(fitB), card.Norm, card.Bands, card.Size, 600, seed)
			if err != nil {
				return err
			}
			var draws [2][][]float32
			for k := 0; k < 2; k++ {
				b, err := m.Sample(generator.Cond{s.Name: float64(k)}, n, seed+uint64(10+k))
				if err != nil {
					return err
				}
				draws[k] = stamps(b)
			}
			for _, c := range []struct {
				name string
				clf  StampClassifier
			}{{"profile", lin}, {"cnn", cnn}} {
				key := s.Name + "_" + c.name + "_"
				acc := func(b *generator.Batch) float64 {
					var correct int
					for i, l := range lab(b) {
						if (c.clf.Prob(b.Image(i)) > 0.5) == (l == 1) {
							correct++
						}
					}
					return float64(correct) / float64(b.N)
				}
				r.Conditioning[key+"classifier_val_accuracy"] = acc(valB)
				if r.Split != "val" {
					r.Conditioning[key+"classifier_"+r.Split+"_accuracy"] = acc(realB)
				}
				r.Conditioning[key+"real_"+r.Split+"_rate"] = rate(c.clf, stamps(realB))
				for k := 0; k < 2; k++ {
					r.Conditioning[fmt.Sprintf("%srate_given_%s=%s", key, s.Name, s.Labels[k])] = rate(c.clf, draws[k])
				}
			}
		case s.Kind == "number" && s.Name == "size":
			var vals []float64
			for _, row := range fitB.Conds {
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
