package train

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/galforge/galforge/cosmos"
	"github.com/galforge/galforge/generator"
)

// COSMOSStamp is the side, in catalog pixels, to which COSMOS stamps are
// centre-cropped or zero-padded so that they share one size (64 pixels of
// 0.03 arcsec: 1.9 arcsec, several half-light radii of most galaxies).
const COSMOSStamp = 64

// isCOSMOS reports whether dir holds a GalSim real-galaxy catalog and
// returns its main catalog file.
func isCOSMOS(dir string) (string, bool) {
	m, _ := filepath.Glob(filepath.Join(dir, "real_galaxy_catalog_*.fits"))
	sort.Strings(m)
	for _, p := range m {
		b := filepath.Base(p)
		if !strings.HasSuffix(b, "_fits.fits") && !strings.HasSuffix(b, "_selection.fits") {
			return p, true
		}
	}
	return "", false
}

// OpenCOSMOS reads a folder in GalSim's COSMOS layout as a Raw set: every
// galaxy whose stamp is on disk, centre-cropped or zero-padded to
// COSMOSStamp pixels, in the catalog's image units; columns MAG (AB),
// HLR (arcsec: the Sérsic fit's when present, else SExtractor's FLUX_RADIUS)
// and ZPHOT. The split is fixed by IDENT: IDENT mod 10 == 0 is "test".
func OpenCOSMOS(path string) (*Raw, error) {
	cat, err := cosmos.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer cat.Close()
	const n = COSMOSStamp
	var stamps [][]float32
	var rows []cosmos.Galaxy
	var scale float64
	for i, g := range cat.Galaxies {
		img, err := cat.Image(i)
		if errors.Is(err, cosmos.ErrNoImages) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("train: %s row %d: %w", path, i, err)
		}
		st := make([]float32, n*n)
		ox, oy := (img.Nx-n)/2, (img.Ny-n)/2
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				sx, sy := x+ox, y+oy
				if sx >= 0 && sy >= 0 && sx < img.Nx && sy < img.Ny {
					st[y*n+x] = float32(img.At(sx, sy))
				}
			}
		}
		stamps = append(stamps, st)
		rows = append(rows, g)
		scale = img.Scale
	}
	if len(stamps) == 0 {
		return nil, fmt.Errorf("train: %s: no galaxy stamps on disk (%w)", path, cosmos.ErrNoImages)
	}
	hlr := func(g cosmos.Galaxy) float64 {
		if g.HasFits && g.HLR[0] > 0 {
			return g.HLR[0]
		}
		return g.FluxRadius * g.PixelScale
	}
	return &Raw{
		Name: "cosmos:" + path, N: len(stamps), Bands: 1, Nx: n, Ny: n, Unit: "counts", PixelScale: scale,
		BandNames: []string{rows[0].Band},
		Stamp:     func(i int) []float32 { return stamps[i] },
		Split: func(i int) string {
			if rows[i].Ident%10 == 0 {
				return "test"
			}
			return "train"
		},
		Str: func(string, int) string { return "" },
		Num: func(col string, i int) float64 {
			g := rows[i]
			switch col {
			case "MAG":
				return g.Mag
			case "HLR":
				return hlr(g)
			case "ZPHOT":
				if g.HasFits {
					return g.ZPhot
				}
			case "NOISE_VARIANCE":
				return g.NoiseVariance
			}
			return math.NaN()
		},
	}, nil
}

var cosmosRecipe = Recipe{
	Conds: []generator.CondSpec{
		{Name: "mag", Kind: "number", Unit: "AB mag", Doc: "catalog magnitude (F814W for COSMOS)"},
		{Name: "hlr", Kind: "number", Unit: "arcsec", Log: true, Doc: "half-light radius: Sérsic fit, else SExtractor FLUX_RADIUS"},
		{Name: "zphot", Kind: "number", Doc: "photometric redshift"},
	},
	Norm: func(r *Raw) generator.Norm {
		// Softening at 3 times the median pixel noise; b puts the brightest
		// pixel of the first 200 stamps at y = 1.
		var nv []float64
		for i := 0; i < r.N; i++ {
			nv = append(nv, r.Num("NOISE_VARIANCE", i))
		}
		a := 3 * math.Sqrt(math.Max(quantile(nv, 0.5), 1e-12))
		var hi float64
		for i := 0; i < r.N && i < 200; i++ {
			for _, v := range r.Stamp(i) {
				hi = math.Max(hi, float64(v))
			}
		}
		return generator.Norm{Kind: "asinh", A: a, B: math.Asinh(math.Max(hi, a)/a) / 2, Lo: math.Inf(-1)}
	},
	Measure: func(r *Raw, i int, _ []float32, _ int) []float64 {
		row := []float64{r.Num("MAG", i), r.Num("HLR", i), r.Num("ZPHOT", i)}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil
			}
		}
		if row[1] <= 0 {
			return nil
		}
		return row
	},
	Notes: "HST/ACS F814W real galaxies in GalSim's COSMOS layout, image units (counts/s as stored), with the ACS PSF and noise left in; stamps centre-cropped or padded to 64 catalog pixels",
}

// openAny opens a COSMOS-layout folder (or catalog file, or the
// "cosmos:PATH" name a model card records) with OpenCOSMOS.
func openAny(nameOrDir string) (*Raw, bool, error) {
	if p, ok := strings.CutPrefix(nameOrDir, "cosmos:"); ok {
		r, err := OpenCOSMOS(p)
		return r, true, err
	}
	if st, err := os.Stat(nameOrDir); err == nil {
		if st.IsDir() {
			if p, ok := isCOSMOS(nameOrDir); ok {
				r, err := OpenCOSMOS(p)
				return r, true, err
			}
		} else if strings.HasPrefix(filepath.Base(nameOrDir), "real_galaxy_catalog") {
			r, err := OpenCOSMOS(nameOrDir)
			return r, true, err
		}
	}
	return nil, false, nil
}
