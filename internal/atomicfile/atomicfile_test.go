package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileModeAndContent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := WriteFile(path, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read back %q, %v", b, err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "b.txt")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("boom")
	})
	if err == nil || !strings.Contains(err.Error(), "b.txt") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error %v should name the file and the cause", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ path, want string }{
		{"", "empty output path"},
		{dir, "is an existing directory"},
		{filepath.Join(dir, "nodir", "x.fits"), "does not exist"},
	}
	for _, c := range cases {
		if err := CheckOutput(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckOutput(%q) = %v, want %q", c.path, err, c.want)
		}
	}
	if err := CheckOutput(filepath.Join(dir, "ok.fits")); err != nil {
		t.Errorf("writable path refused: %v", err)
	}
}
