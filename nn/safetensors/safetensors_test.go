package safetensors

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	in := []Tensor{
		F32("b", []int{2, 3}, []float32{1, 2, 3, 4, 5, -6.5}),
		F32("a", []int{}, []float32{42}),
		I64("step", []int{1}, []int64{1 << 40}),
		F32("empty", []int{0, 4}, nil),
	}
	meta := map[string]string{"seed": "7", "arch": "test"}
	if err := WriteFile(path, in, meta); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o644 {
		t.Errorf("safetensors mode %v, want 0644", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(raw)
	if (8+n)%8 != 0 {
		t.Errorf("header length %d not padded to 8 bytes", n)
	}
	if !bytes.Contains(raw[8:8+n], []byte(`"__metadata__":{"arch":"test","seed":"7"}`)) {
		t.Errorf("metadata not found in header %s", raw[8:8+n])
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["seed"] != "7" || f.Metadata["arch"] != "test" {
		t.Errorf("metadata %v", f.Metadata)
	}
	if len(f.Tensors) != 4 || f.Tensors[0].Name != "b" {
		t.Fatalf("tensors %v (want 4, in data order)", f.Tensors)
	}
	b, _ := f.Get("b")
	v, err := b.Float32()
	if err != nil || v[5] != -6.5 || len(b.Shape) != 2 || b.Shape[1] != 3 {
		t.Errorf("b = %v %v %v", v, b.Shape, err)
	}
	s, _ := f.Get("step")
	if binary.LittleEndian.Uint64(s.Data) != 1<<40 {
		t.Errorf("step bytes %v", s.Data)
	}
	// Same input, same bytes.
	var b1, b2 bytes.Buffer
	Write(&b1, in, meta)
	Write(&b2, in, meta)
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) || !bytes.Equal(b1.Bytes(), raw) {
		t.Error("encoding is not deterministic")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestBadInput(t *testing.T) {
	good := new(bytes.Buffer)
	Write(good, []Tensor{F32("x", []int{2}, []float32{1, 2})}, nil)
	g := good.Bytes()
	hdr := func(h string) []byte {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(len(h)))
		return append(append(b, h...), make([]byte, 8)...)
	}
	cases := map[string][]byte{
		"short":      g[:5],
		"truncated":  g[:len(g)-1],
		"huge":       append([]byte{255, 255, 255, 255, 255, 255, 255, 0}, g[8:]...),
		"json":       hdr("{not json"),
		"dtype":      hdr(`{"x":{"dtype":"Q8","shape":[2],"data_offsets":[0,2]}}`),
		"size":       hdr(`{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`),
		"outside":    hdr(`{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`),
		"overlap":    hdr(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`),
		"negative":   hdr(`{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`),
		"meta-types": hdr(`{"__metadata__":{"a":1}}`),
	}
	for name, b := range cases {
		if _, err := Decode(b); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "safetensors:") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
	if err := Write(new(bytes.Buffer), []Tensor{{Name: "x", DType: "F32", Shape: []int{3}, Data: make([]byte, 8)}}, nil); err == nil {
		t.Error("Write accepted a wrong byte count")
	}
	if err := Write(new(bytes.Buffer), []Tensor{F32("x", []int{1}, []float32{1}), F32("x", []int{1}, []float32{1})}, nil); err == nil {
		t.Error("Write accepted duplicate names")
	}
	if err := WriteFile("/nonexistent-dir/x.safetensors", nil, nil); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func TestHalf(t *testing.T) {
	for _, c := range []struct {
		h uint16
		f float32
	}{{0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x0001, 5.960464477539063e-08}, {0x7bff, 65504}} {
		if got := half(c.h); got != c.f {
			t.Errorf("half(%#x) = %g, want %g", c.h, got, c.f)
		}
	}
}
