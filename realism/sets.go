package realism

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
	"github.com/galforge/galforge/train"
)

// Set is a named list of single-band stamps.
type Set struct {
	Name   string
	Images []*pix.Image
	// Bands is the number of bands the stamps stand for: the source's
	// band count when they were averaged by default, 1 after an explicit
	// LoadOptions.Band choice; 0 when unknown (not checked).
	Bands int
	// Unit is the pixel unit (BUNIT; "display" for 8-bit images without
	// one), "" when unknown.
	Unit string
}

// LoadOptions says how LoadWith prepares a set.
type LoadOptions struct {
	Limit int // keep at most Limit objects (0: all)
	// Field and Size crop the central Field source pixels of each stamp
	// and block-average them to Size pixels, the preparation train applies
	// (train.Geometry, train.Rebin); Size 0 keeps the stamps as they are,
	// Field 0 is the whole stamp.
	Field, Size int
	// Band is "" (average the bands; the set keeps its band count, so it
	// compares only with sets of as many bands), "mean" (average them and
	// count as one band) or a 1-based band number to keep only that band.
	Band string
}

// Compatible reports why sets a and b cannot be compared pixel for pixel:
// different stamp sizes, band counts or units, with the flags that fix it.
func Compatible(a, b *Set) error {
	if len(a.Images) == 0 || len(b.Images) == 0 {
		return fmt.Errorf("realism: empty set")
	}
	ia, ib := a.Images[0], b.Images[0]
	if ia.Nx != ib.Nx || ia.Ny != ib.Ny {
		return fmt.Errorf("realism: %s has %dx%d px stamps but %s has %dx%d px: crop and block-average the real set to the generated size "+
			"with --real-field F --size N (the model card's crop and size, as train --field/--size did)", a.Name, ia.Nx, ia.Ny, b.Name, ib.Nx, ib.Ny)
	}
	if a.Unit != "" && b.Unit != "" && !strings.EqualFold(a.Unit, b.Unit) {
		return fmt.Errorf("realism: %s is in %s but %s is in %s: sets in different units cannot be compared; "+
			"use a model trained on the same data as the real set", a.Name, a.Unit, b.Name, b.Unit)
	}
	if a.Bands != 0 && b.Bands != 0 && a.Bands != b.Bands {
		return fmt.Errorf("realism: %s has %d band(s) but %s has %d: average the bands of both with --band mean "+
			"or keep one with --band K (1-based)", a.Name, a.Bands, b.Name, b.Bands)
	}
	return nil
}

// LoadSet reads a set of stamps named by spec:
//
//   - a FITS file whose first data HDU is a cube: NAXIS3 = objects, or
//     NAXIS4 = objects with NAXIS3 colour channels (averaged into one band);
//   - a bundled real set "NAME:SPLIT[:K/N]" under dataDir, for example
//     "gz-decals-rings:train": the cube of dataDir/NAME whose CATALOG
//     extension has a SPLIT column, rows with SPLIT = SPLIT; the optional
//     K/N keeps every N-th of them starting at the K-th (1-based), so
//     ":1/2" and ":2/2" are two disjoint halves.
//
// limit > 0 keeps at most limit objects.
func LoadSet(spec, dataDir string, limit int) (*Set, error) {
	return LoadWith(spec, dataDir, LoadOptions{Limit: limit})
}

// LoadWith is LoadSet with the preparation of opt.
func LoadWith(spec, dataDir string, opt LoadOptions) (*Set, error) {
	if fi, err := os.Stat(spec); err == nil && !fi.IsDir() {
		return loadCube(spec, spec, nil, opt)
	}
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("realism: %q is neither a FITS file nor a bundled set NAME:SPLIT[:K/N]", spec)
	}
	name, split := parts[0], parts[1]
	k, n := 1, 1
	if len(parts) == 3 {
		kn := strings.Split(parts[2], "/")
		var e1, e2 error
		if len(kn) == 2 {
			k, e1 = strconv.Atoi(kn[0])
			n, e2 = strconv.Atoi(kn[1])
		}
		if len(kn) != 2 || e1 != nil || e2 != nil || n < 1 || k < 1 || k > n {
			return nil, fmt.Errorf("realism: %q: part %q must be K/N with 1 <= K <= N", spec, parts[2])
		}
	}
	dir := filepath.Join(dataDir, name)
	files, _ := filepath.Glob(filepath.Join(dir, "*.fits*"))
	slices.Sort(files)
	for _, p := range files {
		rows, ok := splitRows(p, split)
		if !ok {
			continue
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("realism: %s: no rows with SPLIT = %q", p, split)
		}
		var keep []int
		for i, r := range rows {
			if i%n == k-1 {
				keep = append(keep, r)
			}
		}
		return loadCube(spec, p, keep, opt)
	}
	return nil, fmt.Errorf("realism: bundled set %q: no FITS cube with a CATALOG extension and a SPLIT column in %s", name, dir)
}

// splitRows returns the catalog rows of file p whose SPLIT is split, and
// whether p has a CATALOG table with a SPLIT column at all.
func splitRows(p, split string) ([]int, bool) {
	f, err := fits.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	h, err := f.Find("CATALOG")
	if err != nil {
		return nil, false
	}
	t, err := h.Table()
	if err != nil {
		return nil, false
	}
	s, err := t.Strings("SPLIT")
	if err != nil {
		return nil, false
	}
	var rows []int
	for i, v := range s {
		if strings.EqualFold(strings.TrimSpace(v), split) {
			rows = append(rows, i)
		}
	}
	return rows, true
}

// loadCube reads the objects rows (all when nil) of the cube in path.
func loadCube(name, path string, rows []int, opt LoadOptions) (*Set, error) {
	limit := opt.Limit
	f, err := fits.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := f.DataHDU()
	if err != nil {
		return nil, fmt.Errorf("realism: %s: %w", path, err)
	}
	ax := h.Axes()
	nc := 1
	var nobj int
	switch len(ax) {
	case 3:
		nobj = ax[2]
	case 4:
		nc, nobj = ax[2], ax[3]
	default:
		return nil, fmt.Errorf("realism: %s HDU %d: NAXIS=%d, want a cube of stamps (NAXIS3 or NAXIS4 = objects)", path, h.Index(), len(ax))
	}
	s := &Set{Name: name, Bands: nc}
	hd := h.Header()
	if u, ok := hd.String("BUNIT"); ok && strings.TrimSpace(u) != "" {
		s.Unit = strings.TrimSpace(u)
	} else if bp, _ := hd.Int("BITPIX"); bp == 8 {
		s.Unit = "display"
	}
	first, last := 0, nc-1 // bands averaged
	switch opt.Band {
	case "":
	case "mean":
		s.Bands = 1
	default:
		k, err := strconv.Atoi(opt.Band)
		if err != nil || k < 1 || k > nc {
			return nil, fmt.Errorf("realism: %s: band %q: want mean or a band number 1..%d", path, opt.Band, nc)
		}
		first, last, s.Bands = k-1, k-1, 1
	}
	n := ax[0]
	crop, rebin := n, 1
	if opt.Size > 0 {
		if ax[0] != ax[1] {
			return nil, fmt.Errorf("realism: %s: %dx%d stamps are not square; cannot crop and rebin", path, ax[0], ax[1])
		}
		var err error
		if crop, rebin, err = train.Geometry(n, opt.Size, opt.Field); err != nil {
			return nil, fmt.Errorf("realism: %s: %w", path, err)
		}
	} else if opt.Field != 0 {
		return nil, fmt.Errorf("realism: %s: a field (%d px) needs a size to block-average to", path, opt.Field)
	}
	if rows == nil {
		rows = make([]int, nobj)
		for i := range rows {
			rows[i] = i
		}
	}
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	nb := last - first + 1
	for _, r := range rows {
		if r >= nobj {
			return nil, fmt.Errorf("realism: %s: catalog row %d beyond the %d objects of the cube", path, r, nobj)
		}
		img := pix.New(ax[0], ax[1], 0)
		for c := first; c <= last; c++ {
			pl, err := h.Plane(r*nc + c)
			if err != nil {
				return nil, fmt.Errorf("realism: %s object %d: %w", path, r, err)
			}
			for i, v := range pl.Data {
				img.Pix[i] += v / float64(nb)
			}
		}
		if rebin > 1 || crop < n {
			img = prepare(img, n, crop, rebin)
		}
		s.Images = append(s.Images, img)
	}
	if len(s.Images) == 0 {
		return nil, fmt.Errorf("realism: %s: no objects", path)
	}
	return s, nil
}

// prepare crops the centre of an n-pixel square stamp to crop pixels and
// block-averages it by rebin with train's own preparation.
func prepare(img *pix.Image, n, crop, rebin int) *pix.Image {
	src := make([]float32, len(img.Pix))
	for i, v := range img.Pix {
		src[i] = float32(v)
	}
	size := crop / rebin
	out := pix.New(size, size, 0)
	for i, v := range train.Rebin(src, 1, n, crop, rebin) {
		out.Pix[i] = float64(v)
	}
	return out
}
