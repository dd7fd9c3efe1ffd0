package fits

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseHeader checks that header parsing never panics and that a parsed
// header encodes and parses back to the same cards.
func FuzzParseHeader(f *testing.F) {
	for _, name := range []string{"images.fits", "tables.fits", "compressed.fits"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err == nil {
			f.Add(b[:min(len(b), 2*BlockSize)])
		}
	}
	f.Add([]byte(pad80("SIMPLE  =                    T") + pad80("LONG    = 'abc&'") + pad80("CONTINUE  'def'") + pad80("END")))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, n, err := ParseHeader(data)
		if err != nil {
			return
		}
		if n%BlockSize != 0 || n == 0 {
			t.Fatalf("used %d bytes", n)
		}
		enc, err := h.encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		h2, _, err := ParseHeader(enc)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if h2.Len() != h.Len() {
			t.Fatalf("re-parse: %d cards, first time %d", h2.Len(), h.Len())
		}
		for i := range h.cards {
			if a, b := h.cards[i].String(), h2.cards[i].String(); a != b {
				t.Fatalf("card %d: %q became %q", i, a, b)
			}
		}
		// Set on a fresh copy must write a header that parses again
		c := h.Copy()
		c.Set("FUZZSTR", "it's a long string value "+string(bytes.Repeat([]byte("x'"), 60)), "comment")
		c.Set("FUZZNUM", 1.5e-300, "")
		if enc, err := c.encode(); err == nil {
			h3, _, err := ParseHeader(enc)
			if err != nil {
				t.Fatalf("after Set: %v", err)
			}
			if s, _ := h3.String("FUZZSTR"); s != "it's a long string value "+string(bytes.Repeat([]byte("x'"), 60)) {
				t.Fatalf("long string came back as %q", s)
			}
		}
	})
}

// FuzzDecode checks that opening a file and decoding every HDU (images,
// planes, windows, tables and their cells, groups, compressed tiles,
// checksums) returns errors rather than panicking.
func FuzzDecode(f *testing.F) {
	// small seeds keep the fuzzer fast (it minimises every new input)
	for _, name := range []string{"groups.fits", "checksum.fits"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err == nil {
			f.Add(b)
		}
	}
	for _, name := range []string{"tables.fits", "compressed.fits"} {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err == nil {
			f.Add(firstHDUs(b, 3))
		}
	}
	p := filepath.Join(f.TempDir(), "seed.fits")
	w, _ := Create(p)
	w.WriteImage(nil, &Image{Axes: []int{3, 2, 2}, Data: make([]float64, 12)}, 16)
	w.WriteImage(nil, &Image{Axes: []int{2}, Data: []float64{1, 2}}, -32)
	w.WriteTable(nil, []Column{{Name: "a", Data: [][]float64{{1, 2}}}, {Name: "s", Data: []string{"x"}}})
	if w.Close() == nil {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := NewFile("fuzz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		defer file.Close()
		for i := 0; i < file.Len() && i < 20; i++ {
			h, err := file.HDU(i)
			if err != nil {
				return
			}
			h.VerifyChecksum()
			switch h.Kind() {
			case KindPrimary, KindImage, KindCompressed:
				if img, err := h.Image(); err == nil && len(img.Axes) >= 2 {
					h.Plane(0)
					h.Window(0, 0, 1, 1)
				}
				h.Native()
			case KindGroups:
				h.Groups()
			}
			if h.Kind() == KindBinTable || h.Kind() == KindTable || h.Kind() == KindCompressed {
				tab, err := h.Table()
				if err != nil {
					continue
				}
				for _, c := range tab.Columns() {
					tab.Cells(c.Name)
					tab.Native(c.Name)
					tab.Vectors(c.Name)
				}
			}
		}
	})
}

// firstHDUs returns the bytes of the first n HDUs of a FITS file.
func firstHDUs(b []byte, n int) []byte {
	f, err := NewFile("seed", bytes.NewReader(b), int64(len(b)))
	if err != nil || f.Len() <= n {
		return b
	}
	h, _ := f.HDU(n)
	return b[:h.hdrOff]
}
