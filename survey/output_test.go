package survey

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// names lists a folder's entries (hidden ones included).
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestMergeTruncatedShard: a cut shard file is named in the error and the
// failed merge leaves no output folder.
func TestMergeTruncatedShard(t *testing.T) {
	c := mustLoad(t, stampsYAML)
	dir := t.TempDir()
	var shards []string
	for i := range 2 {
		d := filepath.Join(dir, "s"+string(rune('0'+i)))
		if _, err := Run(c, d, Options{Shard: i, Shards: 2}); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	bad := filepath.Join(shards[1], StampsFile)
	st, _ := os.Stat(bad)
	if err := os.Truncate(bad, st.Size()-5000); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m")
	_, err := Merge(out, shards)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("merge with a truncated shard: %v; want the file %s named", err, bad)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed merge left its output folder: %v", names(t, out))
	}
	// A truncated truth.csv is caught by its row count.
	if _, err := Run(c, shards[1], Options{Shard: 1, Shards: 2}); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(shards[1], TruthCSV)
	b, _ := os.ReadFile(csv)
	lines := strings.SplitAfter(string(b), "\n")
	os.WriteFile(csv, []byte(strings.Join(lines[:len(lines)-2], "")), 0o644)
	if _, err := Merge(out, shards); err == nil || !strings.Contains(err.Error(), csv) {
		t.Fatalf("merge with a short truth.csv: %v", err)
	}
}

// TestRunCancelled: a cancelled run returns context.Canceled and leaves
// no files (and no folder it created); stale temporary files of earlier
// runs are removed.
func TestRunCancelled(t *testing.T) {
	c := mustLoad(t, stampsYAML)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Run(c, dir, Options{Context: ctx})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cancelled run left %v", names(t, dir))
	}
	// In an existing folder: nothing but what was there before.
	dir = t.TempDir()
	stale := filepath.Join(dir, ".stamps.fits.tmp123")
	os.WriteFile(stale, nil, 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
	if _, err := Run(c, dir, Options{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("after a cancelled run the folder holds %v, want [notes.txt]", got)
	}
}

// TestReusedFolder: a stamps run into a folder holding a field run removes
// the field's image.fits; run.json lists exactly the folder's outputs.
func TestReusedFolder(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(mustLoad(t, fieldYAML), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FieldFile)); err != nil {
		t.Fatal(err)
	}
	info, err := Run(mustLoad(t, stampsYAML), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := names(t, dir)
	want := slices.Clone(info.Files)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("folder holds %v, run.json lists %v", got, want)
	}
	for _, f := range got {
		st, _ := os.Stat(filepath.Join(dir, f))
		if st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", f, st.Mode().Perm())
		}
	}
	// Zeros are written as 0, never -0.
	cols, _ := readTruth(t, dir)
	for name, vs := range cols {
		if slices.Contains(vs, "-0") {
			t.Errorf("truth.csv column %s holds -0", name)
		}
	}
	// An output path that is a file is refused by name.
	file := filepath.Join(dir, RunFile)
	if _, err := Run(mustLoad(t, stampsYAML), file, Options{}); err == nil || !strings.Contains(err.Error(), file+" exists and is not a folder") {
		t.Errorf("output folder that is a file: %v", err)
	}
	if err := CheckOutDir(filepath.Join(file, "sub")); err == nil || !strings.Contains(err.Error(), file+" is not a folder") {
		t.Errorf("output folder below a file: %v", err)
	}
}

// TestMergeRate: the merged run.json's galaxies_per_s covers every shard.
func TestMergeRate(t *testing.T) {
	_, merged := runDirs(t, mustLoad(t, stampsYAML), 2)
	info, err := ReadRunInfo(filepath.Join(merged, RunFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := info.Timings["shards_render_sum"]
	if info.Count != 10 || !(sum > 0) || info.Rate != float64(info.Count)/sum {
		t.Errorf("merged rate %v for %d galaxies in %v s of shard rendering", info.Rate, info.Count, sum)
	}
}
