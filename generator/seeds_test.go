package generator

import (
	"path/filepath"
	"testing"
)

// checkSampleEach asserts that SampleEach gives, byte for byte, the stamps
// of drawing each (condition, seed) alone, and the resolved conditions.
func checkSampleEach(t *testing.T, m Model, conds []Cond, seeds []uint64) {
	t.Helper()
	if _, ok := m.(SeedSampler); !ok {
		t.Fatalf("%s does not sample per-row seeds in a batch", m.Card().Model)
	}
	all, err := SampleEach(m, conds, seeds)
	if err != nil {
		t.Fatal(err)
	}
	if all.N != len(seeds) {
		t.Fatalf("%d stamps for %d seeds", all.N, len(seeds))
	}
	for i, s := range seeds {
		one, err := m.Sample(conds[i], 1, s)
		if err != nil {
			t.Fatal(err)
		}
		if !equal32(one.Pix, all.Image(i)) {
			t.Fatalf("%s: row %d (seed %d): batched pixels differ from a single draw", m.Card().Model, i, s)
		}
		for k, v := range one.Conds[0] {
			if all.Conds[i][k] != v {
				t.Fatalf("row %d: condition %d = %g, single draw %g", i, k, all.Conds[i][k], v)
			}
		}
	}
}

// TestSampleEachMatchesSingleDraws covers the three model kinds (freshly
// initialised) with a batch longer than one sampler chunk for the flow.
func TestSampleEachMatchesSingleDraws(t *testing.T) {
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) {
			m, err := NewTrainer(tinyCard(kind), 3)
			if err != nil {
				t.Fatal(err)
			}
			if f, ok := m.(*Flow); ok {
				f.SetSteps(3)
			}
			n := 40
			conds := make([]Cond, n)
			seeds := make([]uint64, n)
			for i := range conds {
				if i%3 != 0 { // every third row takes fr from the training rows
					conds[i] = Cond{"fr": float64(i % 2)}
				}
				seeds[i] = uint64(1000 + 7*i)
			}
			seeds[5] = seeds[4] // a repeated seed gives the same stamp
			conds[5] = conds[4]
			checkSampleEach(t, m, conds, seeds)
		})
	}
	m, _ := NewTrainer(tinyCard("cvae"), 3)
	if _, err := SampleEach(m, []Cond{nil}, []uint64{1, 2}); err == nil {
		t.Error("1 condition set with 2 seeds accepted")
	}
}

// TestSampleEachBundled checks a bundled flow model (the survey's use).
func TestSampleEachBundled(t *testing.T) {
	m, err := Load(filepath.Join("..", "models", "gz-decals-rings-flow"))
	if err != nil {
		t.Skipf("no bundled model: %v", err)
	}
	m.(*Flow).SetSteps(4)
	conds := []Cond{{"ring": 1}, nil, {"ring": 0, "size": 5}, {"ring": 1}, nil}
	checkSampleEach(t, m, conds, []uint64{11, 12, 13, 14, 15})
}
