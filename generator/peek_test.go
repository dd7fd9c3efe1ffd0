package generator

import (
	"os"
	"testing"
)

func TestPeek(t *testing.T) {
	dir := os.Getenv("PEEK")
	if dir == "" {
		t.Skip()
	}
	c, err := ReadCard(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFlow(c, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadCheckpoint(dir + "/ckpt.safetensors"); err != nil {
		t.Fatal(err)
	}
	f.net.ema = nil
	b, err := f.Sample(nil, 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	GridPNG("/tmp/peek.png", c, b)
}
