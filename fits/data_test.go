package fits

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// dataFITS lists the FITS files under ../data, recognised by content (the
// VLBA .UVP random-groups file has no .fits suffix).
func dataFITS(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.Walk("../data", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if isFITS(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func isFITS(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return false
		}
		r = zr
	} else if strings.HasSuffix(p, ".bz2") {
		return true
	}
	head := make([]byte, 9)
	if _, err := io.ReadFull(r, head); err != nil {
		return false
	}
	return bytes.Equal(head, []byte("SIMPLE  ="))
}

// TestDataFilesOpen opens every FITS file of data/ and summarises every HDU,
// as `galforge fits info` does.
func TestDataFilesOpen(t *testing.T) {
	files := dataFITS(t)
	if len(files) < 50 {
		t.Skipf("only %d FITS files under ../data", len(files))
	}
	uvp := false
	for _, p := range files {
		f, err := Open(p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		hdus, err := f.HDUs()
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		for _, h := range hdus {
			in := h.Info()
			if in.Type == "GROUPS" {
				uvp = true
			}
			if in.Format == "" && in.Type != "BINTABLE" {
				t.Errorf("%s HDU %d: no format", p, in.Index)
			}
		}
		f.Close()
	}
	if !uvp {
		t.Errorf("no random-groups HDU found (the VLBA .UVP file)")
	}
}

// TestInfoMatchesAstropy compares `fits info`'s HDU list for three data files
// (images in a .gz, a catalog, the UVFITS random groups) with astropy's.
func TestInfoMatchesAstropy(t *testing.T) {
	needAstropy(t)
	files := []string{
		"../data/frdeep-first-nvss/frdeep_first_nvss_clipped150.fits.gz",
		"../data/cosmos-example/real_galaxy_catalog_23.5_example_fits.fits",
		"../data/vlba-3c84-43ghz/2010-11-01.UVP",
		"../data/hsc-hst-cosmos-blends/hsc_cosmos_35.fits",
	}
	for _, p := range files {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s missing", p)
		}
	}
	dump := astropyDump(t, true, files...)
	for _, p := range files {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		hdus, err := f.HDUs()
		if err != nil {
			t.Fatal(err)
		}
		exp := dump[p]
		if len(hdus) != len(exp) {
			t.Fatalf("%s: %d HDUs, astropy %d", p, len(hdus), len(exp))
		}
		for i, e := range exp {
			in := hdus[i].Info()
			if in.Name != e.Name || in.Type != e.Kind {
				t.Errorf("%s HDU %d: %s %s, astropy %s %s", p, i, in.Name, in.Type, e.Name, e.Kind)
			}
			switch e.Kind {
			case "BINTABLE", "TABLE":
				if *in.Rows != int64(e.Rows) || strings.Join(e.Tforms, ",") != in.Format {
					t.Errorf("%s HDU %d: %d rows %s, astropy %d rows %s", p, i, *in.Rows, in.Format, e.Rows, strings.Join(e.Tforms, ","))
				}
			default:
				if !equalInts(in.Axes, e.Axes) {
					t.Errorf("%s HDU %d: dims %v, astropy %v", p, i, in.Axes, e.Axes)
				}
				if bp := e.Header["BITPIX"]["int"]; bp != in.Format {
					t.Errorf("%s HDU %d: BITPIX %s, astropy %v", p, i, in.Format, bp)
				}
			}
		}
		f.Close()
	}
}
