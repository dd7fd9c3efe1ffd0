package cosmos

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bundledTarball builds a small .tar.gz from real bundled catalog files,
// laid out like GalSim's training-sample tarball.
func bundledTarball(t *testing.T) (data []byte, files map[string][]byte) {
	t.Helper()
	files = map[string][]byte{}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "COSMOS_23.5_training_sample/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, n := range []string{"real_galaxy_catalog_23.5_example.fits", "real_galaxy_catalog_23.5_example_fits.fits",
		"real_galaxy_catalog_23.5_example_selection.fits", "acs_I_unrot_sci_20_cf.fits"} {
		b, err := os.ReadFile(filepath.Join(exampleDir(t), n))
		if err != nil {
			t.Fatal(err)
		}
		name := "COSMOS_23.5_training_sample/" + n
		files[name] = b
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes(), files
}

func exampleDir(t *testing.T) string {
	d := filepath.Join("..", "data", "cosmos-example")
	if _, err := os.Stat(d); err != nil {
		t.Fatalf("bundled data missing: %v", err)
	}
	return d
}

// rangeServer serves body with Range support; while cut is set, the first
// response is aborted after half the body.
type rangeServer struct {
	body   []byte
	mu     sync.Mutex
	cut    bool
	ranges []string
}

func (s *rangeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	cut := s.cut
	s.cut = false
	s.mu.Unlock()
	if cut {
		w.Header().Set("Content-Length", itoa(len(s.body)))
		w.WriteHeader(http.StatusOK)
		w.Write(s.body[:len(s.body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	http.ServeContent(w, r, "x.tar.gz", time.Unix(0, 0), bytes.NewReader(s.body))
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestFetchResumeAndVerify(t *testing.T) {
	body, files := bundledTarball(t)
	sum := sha256.Sum256(body)
	srv := &rangeServer{body: body, cut: true}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if !strings.HasPrefix(ts.URL, "http://127.0.0.1:") {
		t.Fatalf("test server not on 127.0.0.1: %s", ts.URL)
	}
	dest := t.TempDir()
	o := FetchOptions{URL: ts.URL + "/COSMOS_23.5_training_sample.tar.gz", Dest: dest, SHA256: hex.EncodeToString(sum[:])}

	_, err := Fetch(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "resume") {
		t.Fatalf("cut-off transfer: err = %v, want an interruption error", err)
	}
	part := filepath.Join(dest, "COSMOS_23.5_training_sample.tar.gz.part")
	st, err := os.Stat(part)
	if err != nil || st.Size() != int64(len(body)/2) {
		t.Fatalf("partial file: %v, %v (want %d bytes)", st, err, len(body)/2)
	}

	var bar bytes.Buffer
	o.Progress = &bar
	res, err := Fetch(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != int64(len(body)/2) || srv.ranges[1] != "bytes="+itoa(len(body)/2)+"-" {
		t.Errorf("resume: resumed %d bytes with Range %q", res.Resumed, srv.ranges[1])
	}
	if res.Files != len(files) {
		t.Errorf("unpacked %d files, want %d", res.Files, len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dest, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: unpacked file differs (%v)", name, err)
		}
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Error("partial file left after success")
	}
	if !strings.Contains(bar.String(), "B/s") {
		t.Errorf("progress bar shows no rate: %q", bar.String())
	}
}

func TestFetchWrongChecksum(t *testing.T) {
	body, _ := bundledTarball(t)
	ts := httptest.NewServer(&rangeServer{body: body})
	defer ts.Close()
	dest := t.TempDir()
	_, err := Fetch(context.Background(), FetchOptions{URL: ts.URL + "/s.tar.gz", Dest: dest, SHA256: strings.Repeat("ab", 32)})
	if err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("wrong checksum: err = %v", err)
	}
	if ents, _ := os.ReadDir(dest); len(ents) != 0 {
		t.Errorf("files left after checksum failure: %v", ents)
	}
}

func TestFetchServerIgnoresRange(t *testing.T) {
	body, _ := bundledTarball(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer ts.Close()
	dest := t.TempDir()
	os.WriteFile(filepath.Join(dest, "s.tar.gz.part"), []byte("garbage from an old run"), 0o644)
	res, err := Fetch(context.Background(), FetchOptions{URL: ts.URL + "/s.tar.gz", Dest: dest})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.Resumed != 0 {
		t.Errorf("fresh download after ignored range: sha %s resumed %d", res.SHA256, res.Resumed)
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	for _, h := range []tar.Header{
		{Name: "../evil", Typeflag: tar.TypeReg, Size: 1},
		{Name: "/tmp/evil", Typeflag: tar.TypeReg, Size: 1},
		{Name: "a/../../evil", Typeflag: tar.TypeReg, Size: 1},
		{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "../.."},
		{Name: "hard", Typeflag: tar.TypeLink, Linkname: "x"},
	} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&h)
		if h.Size > 0 {
			tw.Write([]byte("x"))
		}
		tw.Close()
		dir := t.TempDir()
		arch := filepath.Join(dir, "a.tar")
		os.WriteFile(arch, buf.Bytes(), 0o644)
		dest := filepath.Join(dir, "out")
		if _, err := Extract(arch, dest); err == nil || !strings.Contains(err.Error(), h.Name) {
			t.Errorf("%s: err = %v, want a refusal naming the entry", h.Name, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
			t.Errorf("%s: file written outside dest", h.Name)
		}
	}
}

func TestSampleURL(t *testing.T) {
	u, err := SampleURL("25.2")
	if err != nil || u != "https://zenodo.org/record/3242143/files/COSMOS_25.2_training_sample.tar.gz" {
		t.Errorf("SampleURL(25.2) = %q, %v", u, err)
	}
	if _, err := SampleURL("24"); err == nil {
		t.Error("SampleURL(24) accepted")
	}
}

func TestFetchBadInput(t *testing.T) {
	for _, o := range []FetchOptions{
		{URL: "ftp://x/y.tar.gz", Dest: t.TempDir()},
		{URL: "http://127.0.0.1:1/", Dest: t.TempDir()},
		{URL: "http://127.0.0.1:1/a.tar.gz"},
		{URL: "http://127.0.0.1:1/a.tar.gz", Dest: t.TempDir(), SHA256: "00"},
	} {
		if _, err := Fetch(context.Background(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
