package survey

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
	cliDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

// buildCLI builds cmd/galforge once into a temp folder.
func buildCLI(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the galforge binary; skipped with -short")
	}
	cliOnce.Do(func() {
		if cliDir, cliErr = os.MkdirTemp("", "galforge-survey-test"); cliErr != nil {
			return
		}
		cliBin = filepath.Join(cliDir, "galforge")
		out, err := exec.Command("go", "build", "-o", cliBin, "../cmd/galforge").CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliBin
}

func galforge(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// TestThreeShardProcesses runs three shards as three concurrent processes
// of the real binary, merges them, and compares with a one-process run.
func TestThreeShardProcesses(t *testing.T) {
	bin := buildCLI(t)
	cfg := writeConfig(t, stampsYAML)
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	if out, err := galforge(t, bin, "survey", "-q", cfg, "-o", whole); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	outs := make([]string, 3)
	shards := make([]string, 3)
	for i := range 3 {
		shards[i] = filepath.Join(dir, "s"+strconv.Itoa(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = galforge(t, bin, "survey", "-q", cfg, "-o", shards[i], "--shard", strconv.Itoa(i)+"/3", "--workers", "1")
		}()
	}
	wg.Wait()
	for i := range 3 {
		if errs[i] != nil {
			t.Fatalf("shard %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	merged := filepath.Join(dir, "merged")
	if out, err := galforge(t, bin, append([]string{"survey", "merge", merged}, shards...)...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	sameFiles(t, whole, merged, StampsFile, TruthFITS, TruthCSV, PSFFile)
}

// TestCLIBadConfigWritesNothing checks the one-line error and that no
// output folder appears.
func TestCLIBadConfigWritesNothing(t *testing.T) {
	bin := buildCLI(t)
	for _, tc := range []struct{ yaml, want string }{
		{"galaxies:\n  count: -1\n", "galaxies.count"},
		{"lensing: {type: constant, g1: 1.0}\n", "lensing.g1"},
		{"image:\n  nosie: {}\n", `unknown key "image.nosie"`},
		{"galaxies: {source: generator, generator: {model: models/none}}\n", "galaxies.generator.model"},
	} {
		cfg := writeConfig(t, tc.yaml)
		out := filepath.Join(t.TempDir(), "out")
		msg, err := galforge(t, bin, "survey", "-q", cfg, "-o", out)
		if err == nil {
			t.Fatalf("%q: no error", tc.yaml)
		}
		msg = strings.TrimSpace(msg)
		if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, tc.want) || !strings.Contains(msg, cfg) {
			t.Errorf("message %q: want one line naming %q and the file", msg, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%q: the output folder was created", tc.yaml)
		}
	}
	if msg, err := galforge(t, bin, "survey", "-q", writeConfig(t, stampsYAML), "--shard", "3/3"); err == nil ||
		!strings.Contains(msg, "--shard") {
		t.Errorf("--shard 3/3: %v %q", err, msg)
	}
}
