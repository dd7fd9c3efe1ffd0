package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestProgressFirstReport: the first report starts the clock and shows no
// count (so no rate over a zero interval); a job done in one report shows
// no rate at all.
func TestProgressFirstReport(t *testing.T) {
	var buf bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetErr(&buf)
	p := progress(cmd, "rendering")
	p(16, 100)
	if out := buf.String(); !strings.Contains(out, "0/100") || strings.Contains(out, "16/100") {
		t.Errorf("first report drew %q; want 0/100", out)
	}
	buf.Reset()
	p = progress(cmd, "rendering")
	p(5, 5)
	if out := buf.String(); !strings.Contains(out, "5/5") || strings.Contains(out, "it/s") {
		t.Errorf("one-report job drew %q; want 5/5 and no rate", out)
	}
}
