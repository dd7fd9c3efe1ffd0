package fits

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// needAstropy skips the test when astropy is missing, unless CI is set.
func needAstropy(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import astropy.io.fits").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("astropy is needed in CI (%s with python3-astropy): %v", python, err)
		}
		t.Skipf("skipping: %s cannot import astropy (install python3-astropy): %v", python, err)
	}
}

// astropyDump runs testdata/fits/astropy_dump.py on files.
func astropyDump(t *testing.T, noData bool, files ...string) map[string][]expHDU {
	t.Helper()
	args := []string{filepath.Join(fixtureDir, "astropy_dump.py")}
	if noData {
		args = append(args, "--no-data")
	}
	out, err := exec.Command(python, append(args, files...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("astropy_dump: %v\n%s", err, msg)
	}
	var res map[string][]expHDU
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func testHeader() *Header {
	h := NewHeader()
	h.Set("OBJECT", "it's M 31", "quote inside")
	h.Set("LONGSTR", strings.Repeat("a long value, ", 12)+"done", "continued over CONTINUE cards")
	h.Set("EXPTIME", 1234.5, "s")
	h.Set("TINY", 1e-300, "")
	h.Set("COUNT", int64(-9007199254740993), "")
	h.Set("FLAG", true, "")
	h.Set("OFF", false, "")
	h.AddComment("a comment")
	h.AddHistory("made by galforge tests")
	h.Set("HIERARCH GALFORGE SEED", 42, "hierarch keyword")
	return h
}

type rtImage struct {
	name   string
	bitpix int
	img    *Image
	hdr    *Header
}

func rtImages() []rtImage {
	withScale := func(kv ...any) *Header {
		h := NewHeader()
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i].(string), kv[i+1], "")
		}
		return h
	}
	nan, inf := math.NaN(), math.Inf(1)
	return []rtImage{
		{"", -64, &Image{Axes: []int{3, 2}, Data: []float64{0.1, -2.5e-310, 1e300, nan, -0.0, 3}}, testHeader()},
		{"B8", 8, &Image{Axes: []int{4}, Data: []float64{0, 1, 128, 255}}, nil},
		{"I16", 16, &Image{Axes: []int{2, 2}, Data: []float64{nan, 99.5, 100, 16483.5}}, withScale("BSCALE", 0.5, "BZERO", 100.0, "BLANK", -32768)},
		{"U16", 16, &Image{Axes: []int{3}, Data: []float64{0, 32768, 65535}}, withScale("BSCALE", 1, "BZERO", 32768)},
		{"I32", 32, &Image{Axes: []int{3}, Data: []float64{-2147483648, 0, 2147483647}}, nil},
		{"I64", 64, &Image{Axes: []int{2}, Data: []float64{-9007199254740992, 9007199254740992}}, nil},
		{"F32", -32, &Image{Axes: []int{4}, Data: []float64{1.5, nan, inf, -inf}}, nil},
		{"CUBE", -64, &Image{Axes: []int{4, 3, 2}, Data: seq(24, 0.25)}, nil},
	}
}

func seq(n int, step float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)*step - 1
	}
	return v
}

func rtColumns() []Column {
	return []Column{
		{Name: "d", Unit: "deg", Data: []float64{0.1, math.NaN(), math.Inf(-1)}},
		{Name: "e", Data: []float32{1.5, -0, 3.4e38}},
		{Name: "k", Data: []int64{math.MinInt64, 0, math.MaxInt64}},
		{Name: "j", Data: []int32{-1, 2, 3}},
		{Name: "i", Data: []int16{-32768, 0, 32767}},
		{Name: "b", Data: []uint8{0, 7, 255}},
		{Name: "sb", Data: []int8{-128, 0, 127}},
		{Name: "u16", Data: []uint16{0, 40000, 65535}},
		{Name: "u32", Data: []uint32{0, 3000000000, 4294967295}},
		{Name: "l", Data: []bool{true, false, true}},
		{Name: "s", Data: []string{"alpha", "", "it's"}},
		{Name: "c", Data: []complex64{1 + 2i, 0, -1i}},
		{Name: "m", Data: []complex128{1 + 2i, 0, -1e300i}},
		{Name: "v8", Data: [][]float64{seq(8, 1), seq(8, 2), seq(8, 3)}},
		{Name: "mat", Data: [][]float32{{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {0, 0, 0, 0, 0, 0}}, Dim: []int{3, 2}},
	}
}

// writeRoundTrip writes the round-trip files into dir.
func writeRoundTrip(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, name := range []string{"rt.fits", "rt.fits.gz", "rtsum.fits"} {
		p := filepath.Join(dir, name)
		w, err := Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Checksum = name == "rtsum.fits"
		for _, im := range rtImages() {
			hdr := im.hdr
			if im.name != "" {
				if hdr == nil {
					hdr = NewHeader()
				}
				hdr.Set("EXTNAME", im.name, "")
			}
			if err := w.WriteImage(hdr, im.img, im.bitpix); err != nil {
				t.Fatal(err)
			}
		}
		th := NewHeader()
		th.Set("EXTNAME", "CAT", "")
		th.Set("ORIGIN", "galforge", "")
		if err := w.WriteTable(th, rtColumns()); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return files
}

// TestRoundTripGo checks that what the writer writes the reader reads back.
func TestRoundTripGo(t *testing.T) {
	for _, p := range writeRoundTrip(t, t.TempDir()) {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		ims := rtImages()
		if f.Len() != len(ims)+1 {
			t.Fatalf("%s: %d HDUs", p, f.Len())
		}
		for i, im := range ims {
			h, _ := f.HDU(i)
			got, err := h.Image()
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(got.Axes, im.img.Axes) {
				t.Errorf("%s HDU %d: axes %v, wrote %v", p, i, got.Axes, im.img.Axes)
			}
			for k, v := range im.img.Data {
				if !sameFloat(got.Data[k], v) {
					t.Errorf("%s HDU %d pixel %d: %v, wrote %v", p, i, k, got.Data[k], v)
				}
			}
		}
		h0, _ := f.HDU(0)
		for _, c := range testHeader().Cards() {
			if !c.hasValue {
				continue
			}
			got, ok := h0.Header().Get(c.Key)
			if !ok || got != c.Value {
				t.Errorf("%s: keyword %s = %#v, wrote %#v", p, c.Key, got, c.Value)
			}
		}
		ht, err := f.Find("cat")
		if err != nil {
			t.Fatal(err)
		}
		tab, err := ht.Table()
		if err != nil {
			t.Fatal(err)
		}
		checkWrittenColumns(t, tab)
		f.Close()
	}
}

func checkWrittenColumns(t *testing.T, tab *Table) {
	t.Helper()
	for _, c := range rtColumns() {
		nat, err := tab.Native(c.Name)
		switch want := c.Data.(type) {
		case []string:
			got, err := tab.Strings(c.Name)
			if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("column %s: %q (%v), wrote %q", c.Name, got, err, want)
			}
			continue
		case [][]float64:
			got, err := tab.Vectors(c.Name)
			if err != nil || len(got) != len(want) {
				t.Fatalf("column %s: %v", c.Name, err)
			}
			for r := range want {
				for k := range want[r] {
					if got[r][k] != want[r][k] {
						t.Errorf("column %s row %d: %v, wrote %v", c.Name, r, got[r], want[r])
					}
				}
			}
			continue
		case [][]float32:
			info, _ := tab.Column(c.Name)
			if !equalInts(info.Dim, c.Dim) {
				t.Errorf("column %s: TDIM %v, wrote %v", c.Name, info.Dim, c.Dim)
			}
			flat := nat.([]float32)
			for r := range want {
				for k := range want[r] {
					if flat[r*len(want[r])+k] != want[r][k] {
						t.Errorf("column %s row %d: wrong", c.Name, r)
					}
				}
			}
			continue
		}
		if err != nil {
			t.Fatalf("column %s: %v", c.Name, err)
		}
		if g, w := fmt.Sprint(nat), fmt.Sprint(c.Data); g != w {
			t.Errorf("column %s: read %s, wrote %s", c.Name, g, w)
		}
	}
}

// TestAstropyReadsWhatWeWrite writes images of every BITPIX and scaling, a
// table of every column type, a gzipped copy and a checksummed copy, and has
// astropy read them: astropy's values and header cards must equal ours, and
// astropy must accept the checksums.
func TestAstropyReadsWhatWeWrite(t *testing.T) {
	needAstropy(t)
	files := writeRoundTrip(t, t.TempDir())
	dump := astropyDump(t, false, files...)
	for _, p := range files {
		hdus := dump[p]
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if f.Len() != len(hdus) {
			t.Fatalf("%s: astropy sees %d HDUs, we wrote %d", p, len(hdus), f.Len())
		}
		for _, e := range hdus {
			h, _ := f.HDU(e.Index)
			// compares astropy's header values and data with what our
			// reader returns, which TestRoundTripGo ties to what we wrote
			checkHDU(t, h, e)
			if strings.HasSuffix(p, "rtsum.fits") && (e.ChecksumOK == nil || !*e.ChecksumOK) {
				t.Errorf("%s HDU %d: astropy rejects our CHECKSUM/DATASUM (%v)", p, e.Index, e.ChecksumOK)
			}
		}
		prim := hdus[0].Header
		if prim["OBJECT"]["string"] != "it's M 31" || prim["LONGSTR"]["string"] != strings.Repeat("a long value, ", 12)+"done" ||
			prim["GALFORGE SEED"]["int"] != "42" || prim["COUNT"]["int"] != "-9007199254740993" || prim["TINY"]["float"] != "1e-300" {
			t.Errorf("%s: astropy reads the primary header as %v", p, prim)
		}
		f.Close()
	}
}
