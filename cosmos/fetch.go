package cosmos

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
)

// SampleURL returns the public download address of GalSim's COSMOS
// training sample with the given F814W limiting magnitude, "23.5" or
// "25.2" (Zenodo record 3242143, the address GalSim's
// galsim_download_cosmos uses; about 4 GB and 5 GB unpacked).
func SampleURL(sample string) (string, error) {
	switch sample {
	case "23.5", "25.2":
		return "https://zenodo.org/record/3242143/files/COSMOS_" + sample + "_training_sample.tar.gz", nil
	}
	return "", fmt.Errorf("cosmos: unknown sample %q (want 23.5 or 25.2)", sample)
}

// FetchOptions says what Fetch downloads and where.
type FetchOptions struct {
	URL      string       // address of a .tar.gz (or plain .tar) archive
	Dest     string       // directory the archive is saved in and unpacked into
	SHA256   string       // expected hex SHA-256 of the archive; empty = not checked
	Progress io.Writer    // where a progress bar (bytes, rate, ETA) is drawn; nil = none
	Client   *http.Client // nil = a client without overall timeout
}

// FetchResult reports what Fetch did.
type FetchResult struct {
	Archive string // path of the downloaded archive
	SHA256  string // its hex SHA-256
	Resumed int64  // bytes already present from an earlier, interrupted download
	Files   int    // regular files unpacked
}

// Fetch downloads the archive at o.URL into o.Dest and unpacks it there.
//
// The download goes to NAME.part first. When that file exists from an
// interrupted run, Fetch asks the server for the rest only (an HTTP Range
// request) and appends; a server that ignores the range gets a fresh
// download. The finished file is renamed to NAME, its SHA-256 compared
// with o.SHA256 (a mismatch deletes it, so a rerun starts clean), and the
// tar archive is unpacked with every path confined to o.Dest: absolute
// paths, paths with "..", links leading outside and hard links are refused.
func Fetch(ctx context.Context, o FetchOptions) (*FetchResult, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("cosmos: fetch: bad URL %q (want http or https)", o.URL)
	}
	name := path.Base(u.Path)
	if name == "" || name == "/" || name == "." {
		return nil, fmt.Errorf("cosmos: fetch: URL %q names no file", o.URL)
	}
	if o.Dest == "" {
		return nil, errors.New("cosmos: fetch: no destination directory")
	}
	if o.SHA256 != "" {
		if b, err := hex.DecodeString(o.SHA256); err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("cosmos: fetch: SHA-256 %q is not 64 hex digits", o.SHA256)
		}
	}
	if err := os.MkdirAll(o.Dest, 0o755); err != nil {
		return nil, fmt.Errorf("cosmos: fetch: %w", err)
	}
	res := &FetchResult{Archive: filepath.Join(o.Dest, name)}
	if _, err := os.Stat(res.Archive); err != nil {
		if res.Resumed, err = download(ctx, o, res.Archive+".part"); err != nil {
			return res, err
		}
		if err := os.Rename(res.Archive+".part", res.Archive); err != nil {
			return res, fmt.Errorf("cosmos: fetch: %w", err)
		}
	}
	if res.SHA256, err = fileSHA256(res.Archive); err != nil {
		return res, err
	}
	if o.SHA256 != "" && !strings.EqualFold(o.SHA256, res.SHA256) {
		os.Remove(res.Archive)
		return res, fmt.Errorf("cosmos: fetch: %s: SHA-256 %s does not match the expected %s; the file was deleted",
			res.Archive, res.SHA256, o.SHA256)
	}
	res.Files, err = Extract(res.Archive, o.Dest)
	return res, err
}

// download fetches o.URL into part, resuming from part's current size.
// It returns the number of bytes that were already there.
func download(ctx context.Context, o FetchOptions, part string) (int64, error) {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, fmt.Errorf("cosmos: fetch: %w", err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("cosmos: fetch: %s: %w", part, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("cosmos: fetch: %w", err)
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	client := o.Client
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("cosmos: fetch %s: %w", o.URL, err)
	}
	defer resp.Body.Close()
	total := int64(-1)
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		start, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return 0, fmt.Errorf("cosmos: fetch %s: server answered the range request from byte %d with Content-Range %q",
				o.URL, have, resp.Header.Get("Content-Range"))
		}
		total = size
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		// The part file is already complete if the server's size equals it.
		if _, size, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && size == have {
			return have, nil
		}
		return 0, fmt.Errorf("cosmos: fetch %s: range from byte %d refused (%s); delete %s to start again",
			o.URL, have, resp.Status, part)
	case resp.StatusCode == http.StatusOK:
		if have > 0 { // server ignored the range: start over
			have = 0
			if err := f.Truncate(0); err != nil {
				return 0, fmt.Errorf("cosmos: fetch: %s: %w", part, err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return 0, fmt.Errorf("cosmos: fetch: %s: %w", part, err)
			}
		}
		if resp.ContentLength >= 0 {
			total = resp.ContentLength
		}
	default:
		return 0, fmt.Errorf("cosmos: fetch %s: %s", o.URL, resp.Status)
	}
	var w io.Writer = f
	if o.Progress != nil {
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(o.Progress),
			progressbar.OptionSetDescription(strings.TrimSuffix(filepath.Base(part), ".part")),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(o.Progress) }),
		)
		bar.Set64(have)
		w = io.MultiWriter(f, bar)
		defer bar.Finish()
	}
	n, err := io.Copy(w, resp.Body)
	got := have + n
	if err == nil && total >= 0 && got != total {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return have, fmt.Errorf("cosmos: fetch %s: interrupted after %d of %d bytes (%w); run again to resume from %s",
			o.URL, got, total, err, part)
	}
	if err := f.Close(); err != nil {
		return have, fmt.Errorf("cosmos: fetch: %s: %w", part, err)
	}
	return have, nil
}

// parseContentRange reads "bytes START-END/SIZE" or "bytes */SIZE".
func parseContentRange(s string) (start, size int64, ok bool) {
	s, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, sz, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	size, err := strconv.ParseInt(sz, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if rng == "*" {
		return -1, size, true
	}
	a, _, found := strings.Cut(rng, "-")
	start, err = strconv.ParseInt(a, 10, 64)
	return start, size, found && err == nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("cosmos: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("cosmos: %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Extract unpacks the tar archive (gzip-compressed or not) at archive into
// dest and returns the number of regular files written. Every entry must
// stay inside dest: absolute names, names with "..", symbolic links whose
// target leaves dest and hard links are refused with an error naming the
// entry. Each file is written to a temporary name and renamed when
// complete.
func Extract(archive, dest string) (int, error) {
	f, err := os.Open(archive)
	if err != nil {
		return 0, fmt.Errorf("cosmos: extract: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("cosmos: extract %s: %w", archive, err)
		}
		defer zr.Close()
		r = zr
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return 0, fmt.Errorf("cosmos: extract: %w", err)
	}
	root, err := os.OpenRoot(dest)
	if err != nil {
		return 0, fmt.Errorf("cosmos: extract: %w", err)
	}
	defer root.Close()
	tr := tar.NewReader(r)
	files := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return files, fmt.Errorf("cosmos: extract %s: %w", archive, err)
		}
		name := strings.TrimSuffix(h.Name, "/")
		if !filepath.IsLocal(name) {
			return files, fmt.Errorf("cosmos: extract %s: entry %q leaves %s; refusing it", archive, h.Name, dest)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = root.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = extractFile(root, name, tr)
			files++
		case tar.TypeSymlink:
			target := filepath.Join(filepath.Dir(name), h.Linkname)
			if filepath.IsAbs(h.Linkname) || !filepath.IsLocal(target) {
				return files, fmt.Errorf("cosmos: extract %s: link %q -> %q leaves %s; refusing it", archive, h.Name, h.Linkname, dest)
			}
			if err = root.MkdirAll(filepath.Dir(name), 0o755); err == nil {
				root.Remove(name)
				err = root.Symlink(h.Linkname, name)
			}
		case tar.TypeXGlobalHeader:
		default:
			return files, fmt.Errorf("cosmos: extract %s: entry %q has unsupported type %q", archive, h.Name, h.Typeflag)
		}
		if err != nil {
			return files, fmt.Errorf("cosmos: extract %s: %s: %w", archive, h.Name, err)
		}
	}
}

func extractFile(root *os.Root, name string, r io.Reader) error {
	if err := root.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := name + ".galforge-tmp"
	f, err := root.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		root.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		root.Remove(tmp)
		return err
	}
	return root.Rename(tmp, name)
}
