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
	t.Logf("conditioning %v", r.Conditioning)
	if acc := r.Conditioning["fr_cnn_classifier_test_accuracy"]; acc < 0.6 {
		t.Errorf("FRI/FRII classifier test accuracy %g", acc)
	}
	if r.NNRealMedian <= 0 || r.NNRatio <= 0 {
		t.Errorf("memorisation distances %g %g", r.NNRealMedian, r.NNRatio)
	}
	if err := r.Write(filepath.Join(dir, "judge")); err != nil {
		t.Fatal(err)
	}
	// Development runs compare with the validation subset of train and
	// take the rest of train as the memorisation reference.
	v, err := Run(dir, Options{N: 8, Seed: 2, Split: "val"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Split != "val" || v.NReal+v.NTrain != r.NTrain || v.NReal < 100 {
		t.Errorf("val: %d real + %d reference rows, want %d train rows in all", v.NReal, v.NTrain, r.NTrain)
	}
	if _, ok := v.Conditioning["fr_cnn_classifier_test_accuracy"]; ok {
		t.Error("a validation run reports a test-split accuracy")
	}
	if r.Conditioning["fr_cnn_classifier_val_accuracy"] != v.Conditioning["fr_cnn_classifier_val_accuracy"] {
		t.Error("the classifier's validation accuracy depends on the judged split")
	}
	if _, err := Run(dir, Options{Split: "train"}); err == nil {
		t.Error("judging on the train split accepted")
	}
}
