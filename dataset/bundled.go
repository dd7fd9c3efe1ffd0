package dataset

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/galforge/galforge/cosmos"
	"github.com/galforge/galforge/fits"
	"github.com/galforge/galforge/pix"
)

// Info describes one folder of data, with counts read from its files.
type Info struct {
	Name    string
	Objects int       // number of objects (catalog rows, cube planes, images)
	Kind    string    // what Objects counts
	Bands   int       // bands (planes) per object
	Scales  []float64 // arcsec per pixel; several for multi-resolution sets, 0 = varies
	Unit    string    // pixel unit
	Bytes   int64     // size on disk
	Note    string    // caveat, e.g. where a number comes from the README
}

// List describes every folder under root (DataDir when root is "").
func List(root string) ([]Info, error) {
	if root == "" {
		var err error
		if root, err = DataDir(); err != nil {
			return nil, err
		}
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var out []Info
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		in, err := Describe(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// Describe reads the counts of one data folder: for stamp sets the
// CATALOG rows and cube planes; for the other bundled folders the files
// they hold (see Info).
func Describe(dir string) (Info, error) {
	in := Info{Name: filepath.Base(filepath.Clean(dir)), Bands: 1}
	var err error
	if in.Bytes, err = dirSize(dir); err != nil {
		return in, err
	}
	wrap := func(err error) (Info, error) { return in, fmt.Errorf("dataset: %s: %w", in.Name, err) }
	switch in.Name {
	case "cosmos-example":
		c, err := cosmos.Open(filepath.Join(dir, "real_galaxy_catalog_23.5_example.fits"))
		if err != nil {
			return wrap(err)
		}
		a, err := cosmos.Open(filepath.Join(dir, "aegis", "AEGIS_F814w_catalog.fits"))
		if err != nil {
			return wrap(err)
		}
		h, err := header(filepath.Join(dir, "147246.0_150.416558_1.998697_masknoise.fits"), 0)
		if err != nil {
			return wrap(err)
		}
		in.Objects, in.Kind = c.Len(), fmt.Sprintf("COSMOS catalog rows + 1 large galaxy + %d AEGIS", a.Len())
		in.Scales = []float64{c.Galaxies[0].PixelScale}
		in.Unit, _ = h.String("BUNIT")
		in.Note = "the 100 catalog stamps are not bundled (PSFs are)"
	case "hsc-hst-cosmos-blends":
		blends, _ := filepath.Glob(filepath.Join(dir, "hsc_cosmos*.fits"))
		cuts, _ := filepath.Glob(filepath.Join(dir, "Cut_HST*.fits"))
		in.Objects, in.Kind = len(blends)+len(cuts), "scenes"
		h, err := header(filepath.Join(dir, "hsc_cosmos_35.fits"), 0)
		if err != nil {
			return wrap(err)
		}
		in.Bands = int(intKey(h, "NAXIS3"))
		for _, f := range []string{"Cut_HSC.fits", "Cut_HST.fits"} {
			h, err := header(filepath.Join(dir, f), 0)
			if err != nil {
				return wrap(err)
			}
			in.Scales = append(in.Scales, wcsScale(h))
		}
		in.Unit, in.Note = "arbitrary", "HSC grizy + HST F814W of the same sky"
	case "hubble-xdf-jpeg":
		rows, err := readCSV(filepath.Join(dir, "sources.csv"))
		if err != nil {
			return wrap(err)
		}
		f, err := os.Open(filepath.Join(dir, "hubble_deep_field.jpg"))
		if err != nil {
			return wrap(err)
		}
		cfg, err := jpeg.DecodeConfig(f)
		f.Close()
		if err != nil {
			return wrap(err)
		}
		in.Objects, in.Kind, in.Bands = len(rows)-1, "detected sources", 3
		in.Scales, in.Unit = []float64{0.14}, "display"
		in.Note = fmt.Sprintf("one %dx%d colour JPEG; scale approximate (README)", cfg.Width, cfg.Height)
	case "profit-kids-sdss-gama":
		ims, _ := filepath.Glob(filepath.Join(dir, "KiDS", "*fitim.fits*"))
		in.Objects, in.Kind = len(ims), "galaxies (KiDS r and SDSS r)"
		in.Scales, in.Unit, in.Note = []float64{0.2, 0.339}, "arbitrary", "scales from the README"
	case "slacs-hst-lenses":
		ims, _ := filepath.Glob(filepath.Join(dir, "*", "image.fits*"))
		in.Objects, in.Kind = len(ims), "lenses (image, noise, PSF)"
		in.Scales, in.Unit, in.Note = []float64{0.05}, "arbitrary", "scale not stated (0.05\" native ACS; workspace uses 0.03\")"
	case "vlba-3c84-43ghz":
		h, err := header(filepath.Join(dir, "clean.fits"), 0)
		if err != nil {
			return wrap(err)
		}
		cc, err := header(filepath.Join(dir, "clean.fits"), 1)
		if err != nil {
			return wrap(err)
		}
		uv, err := header(filepath.Join(dir, "2010-11-01.UVP"), 0)
		if err != nil {
			return wrap(err)
		}
		in.Objects, in.Kind = 1, fmt.Sprintf("CLEAN image (%d components, %d visibilities)", intKey(cc, "NAXIS2"), intKey(uv, "GCOUNT"))
		in.Scales = []float64{wcsScale(h)}
		in.Unit, _ = h.String("BUNIT")
	default:
		s, err := load(dir, false)
		if err != nil {
			return in, err
		}
		in.Objects, in.Kind, in.Bands = s.Len(), "stamps", s.Bands
		in.Scales, in.Unit = s.BandScales, s.Unit
		in.Note = fmt.Sprintf("%dx%d; splits %s", s.Nx, s.Ny, strings.Join(s.Splits(), "/"))
	}
	in.Unit = strings.TrimSpace(in.Unit)
	return in, nil
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	return n, nil
}

func header(path string, hdu int) (*fits.Header, error) {
	f, err := fits.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := f.HDU(hdu)
	if err != nil {
		return nil, err
	}
	return h.Header(), nil
}

func intKey(h *fits.Header, key string) int64 {
	v, _ := h.Int(key)
	return v
}

// wcsScale returns the pixel scale in arcsec along axis 2 from CDELT2,
// PC2_2 x CDELT2 or CD2_2/CD2_1 (degrees).
func wcsScale(h *fits.Header) float64 {
	cdelt, ok := h.Float("CDELT2")
	if !ok {
		cdelt = 1
	}
	if pc, ok := h.Float("PC2_2"); ok {
		return math.Abs(pc*cdelt) * 3600
	}
	if cd22, ok := h.Float("CD2_2"); ok {
		cd21, _ := h.Float("CD2_1")
		return math.Hypot(cd21, cd22) * 3600
	}
	return math.Abs(cdelt) * 3600
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// Preview is what `galforge data show` draws: display tiles and the
// number of mosaic columns that suits them (0 = square grid).
type Preview struct {
	Tiles []image.Image
	Cols  int
	Cell  int // mosaic cell size; larger tiles are shrunk
}

// MakePreview returns display tiles for a set: n stamps drawn at random
// with seed for stamp cubes — optical colour cubes shown as RGB, radio
// Jy/beam maps with pix.RadioStretch, each band of a multi-band stamp as
// its own tile — and the images a folder has for the others (COSMOS
// example, AEGIS, HSC/HST scenes, SLACS lenses, ProFit galaxies, the VLBA
// CLEAN image, and n stamps cut from the Hubble XDF JPEG around sources
// from sources.csv).
func MakePreview(name string, n int, seed uint64) (*Preview, error) {
	if n < 1 {
		return nil, fmt.Errorf("dataset: preview of %d stamps: want n >= 1", n)
	}
	dir, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x67616c666f726765))
	p := &Preview{}
	add := func(m *pix.Image, s pix.Stretch) { p.Tiles = append(p.Tiles, s.Gray(m)) }
	psfStretch := pix.Stretch{Func: pix.StretchLog, Low: 0.01, High: 100, Soft: 0.001}
	switch filepath.Base(filepath.Clean(dir)) {
	case "cosmos-example":
		p.Cell = 128
		st, err := cosmos.LoadStamp(filepath.Join(dir, "147246.0_150.416558_1.998697"))
		if err != nil {
			return nil, err
		}
		add(st.Image, pix.AsinhStretch)
		add(st.PSF, psfStretch)
		add(st.SHERA, pix.AsinhStretch)
		add(st.SDSSPSF, psfStretch)
		for _, band := range []string{"F606w", "F814w"} {
			c, err := cosmos.Open(filepath.Join(dir, "aegis", "AEGIS_"+band+"_catalog.fits"))
			if err != nil {
				return nil, err
			}
			for i := range c.Len() {
				m, err := c.Image(i)
				if err != nil {
					return nil, err
				}
				add(m, pix.AsinhStretch)
			}
			c.Close()
		}
		c, err := cosmos.Open(filepath.Join(dir, "real_galaxy_catalog_23.5_example.fits"))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		cf, err := c.NoiseCorrelation(0)
		if err != nil {
			return nil, err
		}
		add(cf, pix.Stretch{Func: pix.StretchAsinh, Low: 0.01, High: 100, Soft: 0.01})
		for i := 0; len(p.Tiles) < n && i < c.Len(); i++ {
			m, err := c.PSF(i)
			if err != nil {
				return nil, err
			}
			add(m, psfStretch)
		}
	case "hsc-hst-cosmos-blends":
		p.Cell = 128
		for _, f := range []string{"hsc_cosmos_35.fits", "hsc_cosmos.fits", "Cut_HSC.fits", "Cut_HSC1.fits"} {
			bands, err := planes(filepath.Join(dir, f), 0)
			if err != nil {
				return nil, err
			}
			// bands g,r,i,z,y: i as red, r as green, g as blue
			rgb, err := pix.AsinhStretch.RGB(bands[2], bands[1], bands[0])
			if err != nil {
				return nil, err
			}
			p.Tiles = append(p.Tiles, rgb)
		}
		for _, f := range []string{"Cut_HST.fits", "Cut_HST1.fits", "PSF_HST.fits"} {
			m, err := planes(filepath.Join(dir, f), 0)
			if err != nil {
				return nil, err
			}
			s := pix.AsinhStretch
			if strings.HasPrefix(f, "PSF") {
				s = psfStretch
			}
			add(m[0], s)
		}
	case "slacs-hst-lenses":
		lenses, _ := filepath.Glob(filepath.Join(dir, "slacs*"))
		p.Cols = 3
		for _, l := range lenses {
			for _, f := range []string{"image", "noise_map", "psf"} {
				m, err := planes(filepath.Join(l, f+".fits.gz"), 0)
				if err != nil {
					return nil, err
				}
				s := pix.AsinhStretch
				if f == "noise_map" {
					s = pix.Stretch{Low: 1, High: 99}
				} else if f == "psf" {
					s = psfStretch
				}
				add(m[0], s)
			}
		}
	case "profit-kids-sdss-gama":
		p.Cell = 160
		for _, survey := range []string{"KiDS", "SDSS"} {
			ims, _ := filepath.Glob(filepath.Join(dir, survey, "*fitim.fits.gz"))
			sort.Strings(ims)
			for _, f := range ims {
				m, err := planes(f, 0)
				if err != nil {
					return nil, err
				}
				add(m[0], pix.AsinhStretch)
			}
		}
		p.Cols = len(p.Tiles) / 2
	case "vlba-3c84-43ghz":
		m, err := planes(filepath.Join(dir, "clean.fits"), 0)
		if err != nil {
			return nil, err
		}
		h, err := header(filepath.Join(dir, "clean.fits"), 0)
		if err != nil {
			return nil, err
		}
		// the same map twice: pix.RadioStretch's square root and a harder
		// log stretch, both black below 3 sigma of the NOISE keyword
		rms, _ := h.Float("NOISE")
		add(m[0], pix.Stretch{Func: pix.StretchSqrt, High: 100, NoiseClip: 3, RMS: rms})
		add(m[0], pix.Stretch{Func: pix.StretchLog, High: 100, NoiseClip: 3, RMS: rms, Soft: 0.01})
	case "hubble-xdf-jpeg":
		tiles, err := xdfStamps(dir, n, rng)
		if err != nil {
			return nil, err
		}
		p.Tiles = tiles
	default:
		s, err := load(dir, true)
		if err != nil {
			return nil, err
		}
		if s.Nx > 150 {
			p.Cell = 150
		}
		perm := rng.Perm(s.Len())
		for _, i := range perm[:min(n, s.Len())] {
			st := s.Stamp(i)
			ims := make([]*pix.Image, s.Bands)
			for b := range ims {
				ims[b] = &pix.Image{Nx: s.Nx, Ny: s.Ny, Stride: s.Nx, Pix: make([]float64, s.Nx*s.Ny), Scale: s.BandScales[b]}
				for k, v := range st[b*s.Nx*s.Ny : (b+1)*s.Nx*s.Ny] {
					ims[b].Pix[k] = float64(v)
				}
			}
			switch {
			case s.Bands == 3 && s.Unit == "display":
				rgb, err := pix.Stretch{Min: 0, Max: 255}.RGB(ims[0], ims[1], ims[2])
				if err != nil {
					return nil, err
				}
				p.Tiles = append(p.Tiles, rgb)
			default:
				st := pix.AsinhStretch
				if strings.EqualFold(s.Unit, "JY/BEAM") {
					st = pix.RadioStretch
				} else if s.Unit == "display" {
					st = pix.Stretch{Func: pix.StretchSqrt, Min: 0, Max: 255}
				}
				for _, m := range ims {
					add(m, st)
				}
			}
		}
		if s.Bands > 1 && s.Bands != 3 {
			// keep the bands of one object on one row
			p.Cols = s.Bands * max(1, int(math.Round(math.Sqrt(float64(min(n, s.Len()))/float64(s.Bands)))))
		}
	}
	if len(p.Tiles) > n {
		p.Tiles = p.Tiles[:n]
	}
	return p, nil
}

// planes reads every 2-D plane of HDU hdu of path (one for a 2-D image).
func planes(path string, hdu int) ([]*pix.Image, error) {
	f, err := fits.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	h, err := f.HDU(hdu)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	im, err := h.Image()
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if len(im.Axes) < 2 {
		return nil, fmt.Errorf("dataset: %s HDU %d: not an image", path, hdu)
	}
	nx, ny := im.Axes[0], im.Axes[1]
	var out []*pix.Image
	for k := 0; (k+1)*nx*ny <= len(im.Data); k++ {
		out = append(out, &pix.Image{Nx: nx, Ny: ny, Stride: nx, Pix: im.Data[k*nx*ny : (k+1)*nx*ny]})
	}
	return out, nil
}

// xdfStamps cuts n 48x48 colour stamps from the XDF JPEG around sources
// drawn at random from sources.csv (x, y counted from the top-left).
func xdfStamps(dir string, n int, rng *rand.Rand) ([]image.Image, error) {
	rows, err := readCSV(filepath.Join(dir, "sources.csv"))
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if len(rows) < 2 || len(rows[0]) < 2 || rows[0][0] != "x" || rows[0][1] != "y" {
		return nil, fmt.Errorf("dataset: %s/sources.csv: want columns x, y first", dir)
	}
	f, err := os.Open(filepath.Join(dir, "hubble_deep_field.jpg"))
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", f.Name(), err)
	}
	const size = 48
	b := img.Bounds()
	var tiles []image.Image
	for _, i := range rng.Perm(len(rows) - 1)[:min(n, len(rows)-1)] {
		r := rows[i+1]
		x, err1 := strconv.ParseFloat(r[0], 64)
		y, err2 := strconv.ParseFloat(r[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("dataset: %s/sources.csv row %d: bad x, y", dir, i+2)
		}
		x0 := min(max(int(math.Round(x))-size/2, b.Min.X), b.Max.X-size)
		y0 := min(max(int(math.Round(y))-size/2, b.Min.Y), b.Max.Y-size)
		t := image.NewRGBA(image.Rect(0, 0, size, size))
		draw.Draw(t, t.Bounds(), img, image.Pt(x0, y0), draw.Src)
		tiles = append(tiles, t)
	}
	return tiles, nil
}
