package fits

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corrupt writes a changed copy of a fixture and returns its path.
func corrupt(t *testing.T, name string, change func([]byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "bad.fits")
	if err := os.WriteFile(p, change(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func replaceCard(key, card string) func([]byte) []byte {
	return func(b []byte) []byte {
		i := bytes.Index(b, []byte(key))
		if i < 0 || i%CardSize != 0 {
			panic("no card " + key)
		}
		copy(b[i:i+CardSize], pad80(card))
		return b
	}
}

func mustContain(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Run("truncated data", func(t *testing.T) {
		p := corrupt(t, "images.fits", func(b []byte) []byte { return b[:len(b)-2800] })
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h, err := f.HDU(f.Len() - 1)
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.Image()
		mustContain(t, err, p, "HDU 10", "shorter than NAXIS")
		if probs := Verify(p); len(probs) == 0 {
			t.Error("Verify finds nothing wrong with a truncated file")
		}
	})
	t.Run("missing END", func(t *testing.T) {
		p := corrupt(t, "groups.fits", func(b []byte) []byte {
			i := bytes.Index(b, []byte("END     "))
			copy(b[i:], "COMMENT ")
			return b[:BlockSize]
		})
		_, err := Open(p)
		mustContain(t, err, p, "HDU 0", "END")
	})
	t.Run("bad BITPIX", func(t *testing.T) {
		p := corrupt(t, "groups.fits", replaceCard("BITPIX", "BITPIX  =                  -16"))
		_, err := Open(p)
		mustContain(t, err, p, "HDU 0", "BITPIX", "-16")
	})
	t.Run("unknown TFORM", func(t *testing.T) {
		p := corrupt(t, "checksum.fits", replaceCard("TFORM1", "TFORM1  = 'W       '"))
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h, _ := f.HDU(1)
		_, err = h.Table()
		mustContain(t, err, p, "HDU 1", "TFORM1", "W")
		probs := Verify(p)
		if len(probs) < 2 { // the TFORM and the checksum no longer match
			t.Errorf("Verify: %q", probs)
		}
	})
	t.Run("not FITS", func(t *testing.T) {
		_, err := Open(filepath.Join(fixtureDir, "make_fixtures.py"))
		mustContain(t, err, "make_fixtures.py", "not a FITS file")
	})
	t.Run("truncated gzip", func(t *testing.T) {
		p := corrupt(t, "twomembers.fits.gz", func(b []byte) []byte { return b[:len(b)-300] })
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var last error
		for i := 0; i < 2; i++ {
			if h, err := f.HDU(i); err != nil {
				last = err
			} else if _, err := h.Image(); err != nil {
				last = err
			}
		}
		mustContain(t, last, p)
	})
	t.Run("no such HDU", func(t *testing.T) {
		f, _ := Open(filepath.Join(fixtureDir, "tables.fits"))
		defer f.Close()
		_, err := f.Find("nothere")
		mustContain(t, err, "tables.fits", "nothere")
		_, err = f.HDU(9)
		mustContain(t, err, "HDU 9")
		h, _ := f.HDU(1)
		tab, _ := h.Table()
		_, err = tab.Float64("vec8")
		mustContain(t, err, "vec8", "Vectors")
	})
}

// TestAtomicWrite checks that a failed write leaves nothing behind.
func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.fits")
	w, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteImage(nil, &Image{Axes: []int{2}, Data: []float64{1, 2}}, -32); err != nil {
		t.Fatal(err)
	}
	err = w.WriteImage(nil, &Image{Axes: []int{2}, Data: []float64{1, math.NaN()}}, 16) // NaN without BLANK
	mustContain(t, err, p, "HDU 1", "BLANK")
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
	ok := filepath.Join(dir, "ok.fits")
	if err := WriteImageFile(ok, nil, &Image{Axes: []int{1}, Data: []float64{1}}, -32); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(ok); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o644 {
		t.Errorf("FITS mode %v, want 0644", fi.Mode().Perm())
	}
	os.Remove(ok)
	_, err = Create(filepath.Join(dir, "nodir", "x.fits"))
	mustContain(t, err, "output directory "+filepath.Join(dir, "nodir")+" does not exist")
	_, err = Create(dir)
	mustContain(t, err, dir, "is an existing directory")
	err = WriteImageFile(p, nil, &Image{Axes: []int{2}, Data: []float64{1, 300}}, 8)
	mustContain(t, err, "out of range")
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("a failed WriteImageFile left a file")
	}
	err = WriteImageFile(p, nil, &Image{Axes: []int{2}, Data: []float64{1}}, -32)
	mustContain(t, err, "need 2 values")
	err = WriteImageFile(p, nil, &Image{Axes: []int{1}, Data: []float64{1}}, 24)
	mustContain(t, err, "BITPIX", "24")
}

func TestHeaderCards(t *testing.T) {
	cards := []string{
		"SIMPLE  =                    T / standard",
		"DEXP    =            -1.25D-03 / Fortran exponent",
		"QUOTE   = 'it''s'              / doubled quote",
		"LONG    = 'first part &'",
		"CONTINUE  'second part&'       / c1",
		"CONTINUE  ' end'               / c2",
		"HIERARCH ESO TEL ALT = 45.5 / altitude",
		"COMMENT   spaced comment",
		"HISTORY history",
		"        blank keyword text",
		"NOVAL   =                      / nothing",
		"CPLX    = (1.0, -2.5D0)",
		"END",
	}
	var b []byte
	for _, c := range cards {
		b = append(b, pad80(c)...)
	}
	h, n, err := ParseHeader(b)
	if err != nil || n != BlockSize {
		t.Fatalf("%v, %d bytes", err, n)
	}
	if v, _ := h.Float("DEXP"); v != -1.25e-3 {
		t.Errorf("DEXP = %v", v)
	}
	if s, _ := h.String("QUOTE"); s != "it's" {
		t.Errorf("QUOTE = %q", s)
	}
	if s, _ := h.String("long"); s != "first part second part end" {
		t.Errorf("LONG = %q", s)
	}
	if c, _ := h.Card("LONG"); c.Comment != "c1 c2" || len(c.Raw()) != 3 {
		t.Errorf("LONG comment %q, %d raw cards", c.Comment, len(c.Raw()))
	}
	if v, _ := h.Float("HIERARCH ESO TEL ALT"); v != 45.5 {
		t.Errorf("HIERARCH = %v", v)
	}
	if v, ok := h.Get("NOVAL"); !ok || v != nil {
		t.Errorf("NOVAL = %v %v", v, ok)
	}
	if v, _ := h.Get("CPLX"); v != complex(1, -2.5) {
		t.Errorf("CPLX = %v", v)
	}
	if h.Len() != 10 || h.cards[5].Key != "COMMENT" || h.cards[5].Comment != "  spaced comment" || h.cards[7].Key != "" {
		t.Errorf("commentary cards: %d cards, %+v", h.Len(), h.cards[5])
	}
	// Set updates in place, keeps order and other cards' text
	h.Set("QUOTE", "new 'one'", "")
	h.Set("NEWKEY", 3, "appended")
	if h.cards[2].Key != "QUOTE" || h.cards[len(h.cards)-1].Key != "NEWKEY" {
		t.Error("Set moved cards")
	}
	enc, err := h.encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(enc, []byte(pad80("DEXP    =            -1.25D-03 / Fortran exponent"))) {
		t.Error("unchanged card not kept verbatim")
	}
	h2, _, err := ParseHeader(enc)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := h2.String("QUOTE"); s != "new 'one'" {
		t.Errorf("QUOTE after rewrite = %q", s)
	}
	// a long string with quotes round-trips through CONTINUE cards
	long := strings.Repeat("O'Neil's value ", 20)
	h2.Set("LONGQ", long, strings.Repeat("comment ", 8))
	enc, _ = h2.encode()
	h3, _, err := ParseHeader(enc)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := h3.String("LONGQ"); s != strings.TrimRight(long, " ") {
		t.Errorf("LONGQ = %q", s)
	}
	if c, _ := h3.Card("LONGQ"); c.Comment != strings.TrimSpace(strings.Repeat("comment ", 8)) {
		t.Errorf("LONGQ comment = %q", c.Comment)
	}
	// END and padding
	if len(enc)%BlockSize != 0 || !bytes.Contains(enc, []byte(pad80("END"))) {
		t.Error("no END or padding")
	}
}

func TestPlaneAndWindow(t *testing.T) {
	for _, name := range []string{"images.fits", "twomembers.fits.gz"} {
		f, err := Open(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		spec := "CUBE"
		if strings.HasSuffix(name, ".gz") {
			spec = "0"
		}
		h, err := f.Find(strings.ToLower(spec))
		if err != nil {
			t.Fatal(err)
		}
		full, err := h.Image()
		if err != nil {
			t.Fatal(err)
		}
		nx, ny := full.Axes[0], full.Axes[1]
		nplanes := len(full.Data) / (nx * ny)
		for k := nplanes - 1; k >= 0; k-- { // backwards: the gzip stream restarts
			pl, err := h.Plane(k)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range pl.Data {
				if v != full.Data[k*nx*ny+i] {
					t.Fatalf("%s plane %d pixel %d: %v, want %v", name, k, i, v, full.Data[k*nx*ny+i])
				}
			}
			w, err := h.PlaneWindow(k, 1, 2, nx-1, ny)
			if err != nil {
				t.Fatal(err)
			}
			for y := 2; y < ny; y++ {
				for x := 1; x < nx-1; x++ {
					if got := w.At(x-1, y-2); got != full.Data[k*nx*ny+y*nx+x] {
						t.Fatalf("%s window (%d,%d): %v", name, x, y, got)
					}
				}
			}
		}
		if _, err := h.Window(0, 0, nx+1, 1); err == nil {
			t.Error("window outside the image accepted")
		}
		f.Close()
	}
}

func TestChecksumEncoding(t *testing.T) {
	// the encoded complement of a sum, put in place of sixteen '0's where the
	// CHECKSUM value sits (byte 11 of a card, so 3 modulo 4), makes the
	// ones'-complement sum all ones
	place := func(v string) []byte { return []byte("\x00\x00\x00" + v + "\x00") }
	for _, rest := range []uint32{0, 1, 0x12345678, 0xfffffffe, 0x80000000, 0x7fffffff} {
		sum := onesSum(rest, place("0000000000000000"))
		enc := encodeChecksum(^sum)
		for _, c := range enc {
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				t.Fatalf("checksum %q has %q", enc, c)
			}
		}
		if got := onesSum(rest, place(enc)); got != 0xffffffff {
			t.Errorf("rest %08x: sum with %q is %08x", rest, enc, got)
		}
	}
}

// TestLargeNative reads an image large enough for the pipelined reader.
func TestLargeNative(t *testing.T) {
	n := 1500 // 1500² float32 = 9 MB
	img := NewImage(n, n)
	for i := range img.Data {
		img.Data[i] = float64(float32(i%1000) * 0.5)
	}
	p := filepath.Join(t.TempDir(), "big.fits")
	if err := WriteImageFile(p, nil, img, -32); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, _ := f.HDU(0)
	v, err := h.Float32()
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range v {
		if float64(x) != img.Data[i] {
			t.Fatalf("pixel %d: %v, want %v", i, x, img.Data[i])
		}
	}
}

// TestLargeTable reads a table large enough for the mapped, parallel reader.
func TestLargeTable(t *testing.T) {
	n := 800000 // 12 bytes a row: 9.6 MB
	d := make([]float64, n)
	j := make([]int32, n)
	for i := range d {
		d[i], j[i] = float64(i)*0.5, int32(-i)
	}
	p := filepath.Join(t.TempDir(), "big.fits")
	w, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteTable(nil, []Column{{Name: "d", Data: d}, {Name: "j", Data: j}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, _ := f.HDU(1)
	cols, err := h.ReadColumns("j", "d")
	if err != nil {
		t.Fatal(err)
	}
	gj, gd := cols[0].([]int32), cols[1].([]float64)
	for i := range d {
		if gd[i] != d[i] || gj[i] != j[i] {
			t.Fatalf("row %d: %v %v", i, gd[i], gj[i])
		}
	}
}

func TestNativeInto(t *testing.T) {
	f, err := Open(filepath.Join(fixtureDir, "images.fits"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, _ := f.Find("CUBE")
	dst := make([]float32, 60)
	if err := h.NativeInto(dst); err != nil {
		t.Fatal(err)
	}
	want, _ := h.Image()
	for i, v := range dst {
		if float64(v) != want.Data[i] {
			t.Fatalf("pixel %d: %v, want %v", i, v, want.Data[i])
		}
	}
	if err := h.NativeInto(make([]float64, 60)); err == nil {
		t.Error("float64 destination for BITPIX -32 accepted")
	}
	if err := h.NativeInto(make([]float32, 59)); err == nil {
		t.Error("short destination accepted")
	}
}
