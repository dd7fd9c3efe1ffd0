package judge

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/galforge/galforge/train"
)

// TestSmokeTrainJudge trains a flow model for a few steps on the bundled
// mirabest-first set at 16 pixels and runs the whole realism check on it:
// the report is filled, the files are written, and the classifier trained
// on real FRI/FRII stamps does better than chance on the real test split.
func TestSmokeTrainJudge(t *testing.T) {
	raw, err := train.Open("mirabest-first")
	if err != nil {
		t.Skipf("bundled data not found: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	cfg := train.Config{Model: "flow", Size: 16, Field: 96, Steps: 4, Batch: 4, Out: dir, Seed: 1, Every: 4,
		Arch: map[string]float64{"channels": 4, "embed": 8, "sample_steps": 2}}
	res, err := train.Run(context.Background(), cfg, raw)
	if err != nil {
		t.Fatal(err)
	}
	if res.Step != 4 {
		t.Fatalf("trained %d steps", res.Step)
	}
	r, err := Run(dir, Options{N: 8, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.NReal < 90 || r.NGen != 8 || r.NTrain < 1000 {
		t.Fatalf("real %d gen %d train %d", r.NReal, r.NGen, r.NTrain)
	}
	if acc := r.Conditioning["fr_classifier_test_accuracy"]; acc < 0.6 {
		t.Errorf("FRI/FRII classifier test accuracy %g", acc)
	}
	if r.NNRealMedian <= 0 || r.NNRatio <= 0 {
		t.Errorf("memorisation distances %g %g", r.NNRealMedian, r.NNRatio)
	}
	if err := r.Write(filepath.Join(dir, "judge")); err != nil {
		t.Fatal(err)
	}
}
