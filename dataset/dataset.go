package dataset

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
)

// Set is a labelled stamp set held in memory: N stamps of Bands x Ny x Nx
// pixels with a catalog row each. Stamps are kept in their stored type
// (8-bit or float32) and converted to float32 on the way out.
type Set struct {
	Name       string    // folder name, e.g. "mirabest-first"
	Path       string    // the FITS file the stamps came from
	Nx, Ny     int       // stamp size in pixels
	Bands      int       // planes per stamp
	BandNames  []string  // one per band: "R,G,B" channels, "FIRST"/"NVSS", ...
	Unit       string    // pixel unit (BUNIT): "JY/BEAM", or "display" for 8-bit 0..255 pictures
	PixelScale float64   // arcsec per pixel of band 0; 0 when it differs from stamp to stamp
	BandScales []float64 // arcsec per pixel of each band (0 = varies/unknown)
	Classes    []string  // class names; Label(i) indexes this
	LabelCol   string    // catalog column the labels come from

	n      int
	cubes  []cube
	cols   []column
	colIdx map[string]int
	split  []string
	labels []int
}

// cube is one image HDU holding planes bands of every stamp back to back.
type cube struct {
	u8     []uint8
	f32    []float32
	planes int // planes per stamp in this HDU
}

// column is one catalog column: numeric (f) or text (s).
type column struct {
	name string
	f    []float64
	s    []string
}

// knownScales gives pixel scales (arcsec) that the bundled files do not
// state in their headers; the numbers are from the folders' READMEs.
var knownScales = map[string][]float64{
	"first-radio-galaxy-4class": {1.8},     // FIRST cutouts, 1.8" pixels
	"frdeep-first-nvss":         {1.8, 15}, // FIRST 1.8", NVSS 15" pixels
	"gz-decals-rings":           {0, 0, 0}, // scaled per galaxy: varies
}

// labelRules names, per bundled set, the column that holds the class
// label and the class names; mirabest's CLASS_CODE hundreds digit gives
// FRI/FRII/hybrid.
var labelRules = map[string]struct {
	col     string
	classes []string
	fn      func(float64) int
}{
	"gz-decals-rings":           {"RING", []string{"not ring", "ring"}, nil},
	"mirabest-first":            {"CLASS_CODE", []string{"FRI", "FRII", "hybrid"}, func(v float64) int { return int(v)/100 - 1 }},
	"first-radio-galaxy-4class": {"LABEL", []string{"FRI", "FRII", "Compact", "Bent"}, nil},
	"frdeep-first-nvss":         {"LABEL", []string{"FRI", "FRII"}, nil},
}

// DataDir returns the directory of the bundled data sets: $GALFORGE_DATA
// when set, else the data/ folder of the repository found by walking up
// from the working directory to go.mod.
func DataDir() (string, error) {
	if d := os.Getenv("GALFORGE_DATA"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("dataset: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if st, err := os.Stat(filepath.Join(d, "data")); err == nil && st.IsDir() {
				return filepath.Join(d, "data"), nil
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("dataset: no data directory: set GALFORGE_DATA or run inside the galforge repository (no go.mod with data/ above %s)", wd)
		}
	}
}

// Resolve turns a set name into its directory: a name with a path
// separator, or an existing directory, is taken as a path; anything else
// is looked up in DataDir.
func Resolve(name string) (string, error) {
	if name == "" {
		return "", errors.New("dataset: empty set name")
	}
	if strings.ContainsRune(name, os.PathSeparator) || name == "." || name == ".." {
		return name, nil
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return name, nil
	}
	root, err := DataDir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(root, name)
	if _, err := os.Stat(d); err != nil {
		return "", fmt.Errorf("dataset: no set %q in %s", name, root)
	}
	return d, nil
}

// Load reads a stamp set: a bundled set by name (gz-decals-rings,
// mirabest-first, first-radio-galaxy-4class, frdeep-first-nvss) or a
// directory holding one FITS file with image cube(s) and a CATALOG table
// whose rows match the cubes' last axis. Loading decompresses the whole
// set into memory once (about 1 s for the largest bundled set); Stamp is
// then a copy.
func Load(name string) (*Set, error) {
	dir, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	return load(dir, true)
}

// load reads the set in dir; with pixels false only headers and the
// catalog are read (Stamp must not be called).
func load(dir string, pixels bool) (*Set, error) {
	path, err := findCubeFile(dir)
	if err != nil {
		return nil, err
	}
	f, err := fits.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	s := &Set{Name: filepath.Base(filepath.Clean(dir)), Path: path}
	if err := s.readCatalog(f); err != nil {
		return nil, err
	}
	if err := s.readCubes(f, pixels); err != nil {
		return nil, err
	}
	s.setLabels()
	return s, nil
}

// findCubeFile returns the FITS file in dir that has a CATALOG extension.
func findCubeFile(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("dataset: %w", err)
	}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".fits") || strings.HasSuffix(n, ".fits.gz") || strings.HasSuffix(n, ".fits.bz2")) {
			continue
		}
		p := filepath.Join(dir, n)
		f, err := fits.Open(p)
		if err != nil {
			continue
		}
		_, ferr := f.Find("CATALOG")
		f.Close()
		if ferr == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("dataset: %s: no FITS file with a CATALOG extension (a stamp set is image cube(s) plus a CATALOG table)", dir)
}

func (s *Set) readCatalog(f *fits.File) error {
	h, err := f.Find("CATALOG")
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	t, err := h.Table()
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	s.n = t.Rows()
	s.colIdx = map[string]int{}
	for _, c := range t.Columns() {
		col := column{name: strings.ToUpper(strings.TrimSpace(c.Name))}
		if c.Type == 'A' {
			if col.s, err = t.Strings(c.Name); err != nil {
				return fmt.Errorf("dataset: %w", err)
			}
			for i := range col.s {
				col.s[i] = strings.TrimSpace(col.s[i])
			}
		} else if c.Repeat == 1 && c.Var == 0 && c.Type != 'C' && c.Type != 'M' {
			if col.f, err = t.Float64(c.Name); err != nil {
				return fmt.Errorf("dataset: %w", err)
			}
		} else {
			continue // vector columns are not conditions
		}
		s.colIdx[col.name] = len(s.cols)
		s.cols = append(s.cols, col)
	}
	for _, name := range []string{"SPLIT", "FRDEEP_SPLIT"} {
		if k, ok := s.colIdx[name]; ok && s.cols[k].s != nil {
			s.split = s.cols[k].s
			break
		}
	}
	if s.split == nil {
		return fmt.Errorf("dataset: %s: CATALOG has no SPLIT column", s.Path)
	}
	return nil
}

func (s *Set) readCubes(f *fits.File, pixels bool) error {
	for i := 0; i < f.Len(); i++ {
		h, err := f.HDU(i)
		if err != nil {
			return fmt.Errorf("dataset: %w", err)
		}
		ax := h.Axes()
		if h.Kind() == fits.KindTable || len(ax) < 3 || ax[len(ax)-1] != s.n {
			continue
		}
		if s.cubes == nil {
			s.Nx, s.Ny = ax[0], ax[1]
		} else if ax[0] != s.Nx || ax[1] != s.Ny {
			return fmt.Errorf("dataset: %s: HDU %d is %dx%d, HDU 0 %dx%d", s.Path, i, ax[0], ax[1], s.Nx, s.Ny)
		}
		planes := 1
		for _, a := range ax[2 : len(ax)-1] {
			planes *= a
		}
		if b := h.Bitpix(); b != 8 && b != -32 {
			return fmt.Errorf("dataset: %s: HDU %d: BITPIX %d not supported (want 8 or -32)", s.Path, i, b)
		}
		c := cube{planes: planes}
		if pixels {
			v, err := h.Native()
			if err != nil {
				return fmt.Errorf("dataset: %w", err)
			}
			switch v := v.(type) {
			case []uint8:
				c.u8 = v
			case []float32:
				c.f32 = v
			default:
				return fmt.Errorf("dataset: %s: HDU %d: scaled 8-bit data (BZERO) not supported", s.Path, i)
			}
		}
		s.cubes = append(s.cubes, c)
		s.Bands += planes
		hdr := h.Header()
		if s.Unit == "" {
			s.Unit, _ = hdr.String("BUNIT")
			s.Unit = strings.TrimSpace(s.Unit)
		}
		names := []string{}
		if ch, ok := hdr.String("CHANNELS"); ok {
			names = strings.Split(strings.TrimSpace(ch), ",")
		}
		for k := range planes {
			switch {
			case len(names) == planes:
				s.BandNames = append(s.BandNames, strings.TrimSpace(names[k]))
			case planes == 1 && h.Name() != "" && h.Name() != "PRIMARY":
				s.BandNames = append(s.BandNames, h.Name())
			default:
				s.BandNames = append(s.BandNames, "band "+strconv.Itoa(len(s.BandNames)))
			}
			scale := 0.0
			if d, ok := hdr.Float("CDELT2"); ok {
				scale = math.Abs(d) * 3600
			} else if d, ok := hdr.Float("PIXSCALE"); ok {
				scale = d
			}
			s.BandScales = append(s.BandScales, scale)
		}
	}
	if s.cubes == nil {
		return fmt.Errorf("dataset: %s: no image cube with %d planes (the CATALOG's row count) on its last axis", s.Path, s.n)
	}
	if known, ok := knownScales[s.Name]; ok && len(known) == s.Bands {
		for k, v := range known {
			if s.BandScales[k] == 0 {
				s.BandScales[k] = v
			}
		}
	}
	s.PixelScale = s.BandScales[0]
	if s.Unit == "" {
		s.Unit = "unknown"
	}
	return nil
}

func (s *Set) setLabels() {
	r, ok := labelRules[s.Name]
	if !ok {
		return
	}
	k, ok := s.colIdx[r.col]
	if !ok || s.cols[k].f == nil {
		return
	}
	s.LabelCol, s.Classes = r.col, r.classes
	s.labels = make([]int, s.n)
	for i, v := range s.cols[k].f {
		if r.fn != nil {
			s.labels[i] = r.fn(v)
		} else {
			s.labels[i] = int(v)
		}
	}
}

// Len returns the number of stamps.
func (s *Set) Len() int { return s.n }

// StampSize returns the number of values in one stamp, Bands*Ny*Nx.
func (s *Set) StampSize() int { return s.Bands * s.Ny * s.Nx }

// Stamp returns stamp i as float32 values, band-major (Bands x Ny x Nx, x
// fastest, row 0 at the bottom), in the set's Unit.
func (s *Set) Stamp(i int) []float32 {
	return s.StampInto(make([]float32, s.StampSize()), i)
}

// StampInto writes stamp i into dst (length at least StampSize) and
// returns dst[:StampSize]; it allocates nothing, for training loops.
func (s *Set) StampInto(dst []float32, i int) []float32 {
	plane := s.Nx * s.Ny
	dst = dst[:s.StampSize()]
	o := 0
	for _, c := range s.cubes {
		n := c.planes * plane
		if c.f32 != nil {
			copy(dst[o:o+n], c.f32[i*n:(i+1)*n])
		} else {
			src := c.u8[i*n : (i+1)*n]
			for k, v := range src {
				dst[o+k] = float32(v)
			}
		}
		o += n
	}
	return dst
}

// Split returns the split of stamp i: "train", "test" or "valid". Test
// stamps are for evaluation only: never train, tune or pick a checkpoint
// on them.
func (s *Set) Split(i int) string { return s.split[i] }

// Indices returns the stamp indices of one split, in catalog order.
func (s *Set) Indices(split string) []int {
	var idx []int
	for i, v := range s.split {
		if v == split {
			idx = append(idx, i)
		}
	}
	return idx
}

// Label returns the class of stamp i as an index into Classes, or -1 when
// the set has no label rule.
func (s *Set) Label(i int) int {
	if s.labels == nil {
		return -1
	}
	return s.labels[i]
}

// Columns returns the catalog column names (upper case) usable with Float
// and String.
func (s *Set) Columns() []string {
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.name
	}
	return names
}

// Float returns numeric catalog column col (case-insensitive) of row i;
// NaN when the column is missing or holds text.
func (s *Set) Float(col string, i int) float64 {
	k, ok := s.colIdx[strings.ToUpper(col)]
	if !ok || s.cols[k].f == nil {
		return math.NaN()
	}
	return s.cols[k].f[i]
}

// String returns catalog column col (case-insensitive) of row i as text
// (numbers formatted with %g); "" when the column is missing.
func (s *Set) String(col string, i int) string {
	k, ok := s.colIdx[strings.ToUpper(col)]
	if !ok {
		return ""
	}
	if c := s.cols[k]; c.s != nil {
		return c.s[i]
	}
	return strconv.FormatFloat(s.cols[k].f[i], 'g', -1, 64)
}

// HasColumn reports whether the catalog has column col (case-insensitive).
func (s *Set) HasColumn(col string) bool {
	_, ok := s.colIdx[strings.ToUpper(col)]
	return ok
}

// Splits returns the distinct split names in first-seen order.
func (s *Set) Splits() []string {
	var out []string
	for _, v := range s.split {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
