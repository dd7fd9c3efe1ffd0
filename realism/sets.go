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
)

// Set is a named list of single-band stamps.
type Set struct {
	Name   string
	Images []*pix.Image
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
	if fi, err := os.Stat(spec); err == nil && !fi.IsDir() {
		return loadCube(spec, spec, nil, limit)
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
		return loadCube(spec, p, keep, limit)
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
func loadCube(name, path string, rows []int, limit int) (*Set, error) {
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
	if rows == nil {
		rows = make([]int, nobj)
		for i := range rows {
			rows[i] = i
		}
	}
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	s := &Set{Name: name}
	for _, r := range rows {
		if r >= nobj {
			return nil, fmt.Errorf("realism: %s: catalog row %d beyond the %d objects of the cube", path, r, nobj)
		}
		img := pix.New(ax[0], ax[1], 0)
		for c := 0; c < nc; c++ {
			pl, err := h.Plane(r*nc + c)
			if err != nil {
				return nil, fmt.Errorf("realism: %s object %d: %w", path, r, err)
			}
			for i, v := range pl.Data {
				img.Pix[i] += v / float64(nc)
			}
		}
		s.Images = append(s.Images, img)
	}
	if len(s.Images) == 0 {
		return nil, fmt.Errorf("realism: %s: no objects", path)
	}
	return s, nil
}
