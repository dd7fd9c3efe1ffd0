package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/galforge/galforge/generator"
)

// Raw is a stamp set as train needs it: Len stamps of Bands x Ny x Nx
// pixels in Unit, with catalogue columns. Package dataset's sets are
// wrapped into one by Open; tests build their own.
type Raw struct {
	Name             string
	N, Bands, Nx, Ny int
	Unit             string
	PixelScale       float64 // arcsec per pixel, 0 when it differs per stamp
	BandNames        []string
	Stamp            func(i int) []float32
	Split            func(i int) string
	Str              func(col string, i int) string
	Num              func(col string, i int) float64
}

// Prepared is a set of stamps at the model size, normalised for the
// network, with one condition row per stamp.
type Prepared struct {
	Card  *generator.Card // filled except for model-specific fields
	N     int
	X     []float32   // N x Bands x Size x Size, normalised
	Conds [][]float64 // N rows, order of Card.Conds
	Rows  []int       // row of each stamp in the raw set
}

// Recipe knows the conditions and normalisation of one kind of data set.
type Recipe struct {
	// Conds lists the conditions; Measure fills a row for raw row i from the
	// block-averaged stamp in data units (nil row: skip the stamp).
	Conds   []generator.CondSpec
	Norm    func(r *Raw) generator.Norm
	Measure func(r *Raw, i int, stamp []float32, size int) []float64
	Notes   string
}

// RecipeFor picks the recipe of a bundled set by name; any other set gets
// an unconditional one.
func RecipeFor(name string) Recipe {
	switch name {
	case "gz-decals-rings":
		return decalsRecipe
	case "mirabest-first":
		return mirabestRecipe
	}
	if strings.HasPrefix(name, "cosmos:") {
		return cosmosRecipe
	}
	return Recipe{
		Norm: func(r *Raw) generator.Norm {
			return asinhNorm(r)
		},
		Measure: func(*Raw, int, []float32, int) []float64 { return []float64{} },
		Notes:   "unconditional model; asinh norm with softening at the 99th percentile / 10",
	}
}

var decalsRecipe = Recipe{
	Conds: []generator.CondSpec{
		{Name: "ring", Kind: "category", Labels: []string{"0", "1"},
			Doc: "Galaxy Zoo DECaLS ring label: 1 ring galaxy, 0 not"},
		{Name: "size", Kind: "number", Unit: "pixel", Log: true,
			Doc: "half-light radius of the luminance (mean of the 3 colour channels, border-median background removed) in model pixels"},
		{Name: "flux", Kind: "number", Unit: "8-bit units x pixels", Log: true,
			Doc: "summed positive background-subtracted luminance of the display-stretched stamp at model size"},
	},
	Norm: func(*Raw) generator.Norm {
		return generator.Norm{Kind: "linear", A: 127.5, B: 127.5, Lo: 0, Hi: 255}
	},
	Measure: func(r *Raw, i int, stamp []float32, size int) []float64 {
		m := generator.Measure(stamp, r.Bands, size)
		if m.Flux <= 0 || m.HLR <= 0 {
			return nil
		}
		return []float64{r.Num("RING", i), m.HLR, m.Flux}
	},
	Notes: "8-bit display-stretched colour images (R,G,B ~ z,r,g); pixel scale differs per galaxy (Galaxy Zoo cutouts are scaled to the galaxy); samples are morphology templates with DECaLS seeing, not calibrated flux",
}

var mirabestRecipe = Recipe{
	Conds: []generator.CondSpec{
		{Name: "fr", Kind: "category", Labels: []string{"FRI", "FRII"},
			Doc: "Fanaroff-Riley class from the MiraBest class code (first digit 1 FRI, 2 FRII); confident and uncertain labels both used; hybrids (3xx) left out of training"},
	},
	Norm: func(*Raw) generator.Norm {
		// Softening 1 mJy/beam (about 6.5 sigma of FIRST); b puts 1 Jy/beam at
		// y=1; samples below 3 sigma (0.45 mJy/beam) are zeroed, as the data were.
		return generator.Norm{Kind: "asinh", A: 1e-3, B: math.Asinh(1.0/1e-3) / 2, Lo: 0, Floor: 4.5e-4}
	},
	Measure: func(r *Raw, i int, _ []float32, _ int) []float64 {
		switch code := int(r.Num("CLASS_CODE", i)); code / 100 {
		case 1:
			return []float64{0}
		case 2:
			return []float64{1}
		}
		return nil
	},
	Notes: "VLA FIRST 1.4 GHz, Jy/beam, pixels below 3 sigma set to 0 in the data; model pixels are block averages (surface brightness kept); hybrids left out",
}

func asinhNorm(r *Raw) generator.Norm {
	var vals []float64
	for i := 0; i < r.N && i < 200; i++ {
		for _, v := range r.Stamp(i) {
			vals = append(vals, math.Abs(float64(v)))
		}
	}
	p := quantile(vals, 0.99)
	if p <= 0 {
		p = 1
	}
	hi := quantile(vals, 1)
	a := p / 10
	return generator.Norm{Kind: "asinh", A: a, B: math.Asinh(hi/a) / 2, Lo: math.Inf(-1)}
}

// Geometry returns the central crop (source pixels) and block size that
// take an n-pixel source stamp to size pixels: rebin = floor(field/size),
// crop = rebin*size, with field = n when field is 0, else the requested
// field, which must not exceed n.
func Geometry(n, size, field int) (crop, rebin int, err error) {
	if size < 4 {
		return 0, 0, fmt.Errorf("train: --size %d must be >= 4", size)
	}
	if field < 0 || field > n {
		return 0, 0, fmt.Errorf("train: --field %d must be between 1 and the stamp size %d px (0: whole stamp)", field, n)
	}
	if field == 0 {
		field = n
	}
	if field < size {
		return 0, 0, fmt.Errorf("train: --size %d is larger than the %d-pixel field", size, field)
	}
	rebin = field / size
	return rebin * size, rebin, nil
}

// Rebin crops the centre of a bands x n x n stamp to crop pixels and block
// averages it by rebin, giving bands x size x size (mean keeps surface
// brightness units such as Jy/beam or 8-bit levels).
func Rebin(src []float32, bands, n, crop, rebin int) []float32 {
	size := crop / rebin
	off := (n - crop) / 2
	out := make([]float32, bands*size*size)
	inv := 1 / float64(rebin*rebin)
	for b := 0; b < bands; b++ {
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				var s float64
				for dy := 0; dy < rebin; dy++ {
					row := src[b*n*n+(off+y*rebin+dy)*n+off+x*rebin:]
					for dx := 0; dx < rebin; dx++ {
						s += float64(row[dx])
					}
				}
				out[b*size*size+y*size+x] = float32(s * inv)
			}
		}
	}
	return out
}

// ValFraction is the share of a set's train split held out as its
// validation subset (see InValidation).
const ValFraction = 0.15

// InValidation reports whether raw row i of a train split belongs to the
// validation subset: the 64-bit splitmix hash of the row index, as a
// fraction of 2^64, is below ValFraction. The subset is fixed by the row
// index alone, so it is the same on every machine and for every model.
// Development choices (classifier design, crop, guidance, checkpoints) are
// made on it; the test split is kept for the final figures.
func InValidation(i int) bool {
	z := uint64(i) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11)/(1<<53) < ValFraction
}

// inSplit reports whether raw row i is in split: "train" and "test" as the
// data set says, "val" the validation subset of train, "fit" the rest of
// train.
func inSplit(r *Raw, i int, split string) bool {
	switch split {
	case "val":
		return r.Split(i) == "train" && InValidation(i)
	case "fit":
		return r.Split(i) == "train" && !InValidation(i)
	}
	return r.Split(i) == split
}

// Prepare builds the model-size, normalised stamps of the given split
// ("train", "test", or the "val" and "fit" parts of train, see inSplit)
// from the central field source pixels of each stamp (0: the whole stamp).
func Prepare(r *Raw, rec Recipe, size, field int, split string) (*Prepared, error) {
	if r.Nx != r.Ny {
		return nil, fmt.Errorf("train: %s: stamps are %dx%d, want square", r.Name, r.Nx, r.Ny)
	}
	crop, rebin, err := Geometry(r.Nx, size, field)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, r.Name)
	}
	norm := rec.Norm(r)
	scale := r.PixelScale * float64(rebin)
	card := &generator.Card{
		Format: generator.CardFormat, Data: r.Name, Size: size, Bands: r.Bands, Unit: r.Unit,
		BandNames: r.BandNames, PixelScale: scale, Rebin: rebin, Crop: crop, Norm: norm, Conds: append([]generator.CondSpec(nil), rec.Conds...),
		Notes: rec.Notes,
	}
	p := &Prepared{Card: card}
	for i := 0; i < r.N; i++ {
		if !inSplit(r, i, split) {
			continue
		}
		st := Rebin(r.Stamp(i), r.Bands, r.Nx, crop, rebin)
		row := rec.Measure(r, i, st, size)
		if row == nil {
			continue
		}
		for _, v := range st {
			p.X = append(p.X, float32(norm.Forward(float64(v))))
		}
		p.Conds = append(p.Conds, row)
		p.Rows = append(p.Rows, i)
	}
	p.N = len(p.Rows)
	if p.N == 0 {
		return nil, fmt.Errorf("train: %s: no usable stamps in split %q", r.Name, split)
	}
	// Standardise the numeric conditions on this split.
	for j, s := range card.Conds {
		if s.Kind != "number" {
			continue
		}
		var sum, sum2 float64
		for _, row := range p.Conds {
			t := row[j]
			if s.Log {
				t = math.Log10(t)
			}
			sum += t
			sum2 += t * t
		}
		mean := sum / float64(p.N)
		card.Conds[j].Mean = mean
		card.Conds[j].Std = math.Sqrt(math.Max(sum2/float64(p.N)-mean*mean, 1e-12))
	}
	card.TrainConds = p.Conds
	return p, nil
}

// Sampler draws batches in a shuffled order, epoch after epoch. Its whole
// state (RNG, order, position) is saved with every checkpoint.
type Sampler struct {
	N     int
	Order []int
	Pos   int
	pcg   *rand.PCG
	rng   *rand.Rand
}

// NewSampler returns a sampler over n items seeded with seed.
func NewSampler(n int, seed uint64) *Sampler {
	pcg := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	s := &Sampler{N: n, pcg: pcg, rng: rand.New(pcg)}
	s.reshuffle()
	return s
}

func (s *Sampler) reshuffle() {
	s.Order = s.rng.Perm(s.N)
	s.Pos = 0
}

// Rand is the sampler's random source, also used for augmentation and the
// model's noise draws so that one state covers every draw of a step.
func (s *Sampler) Rand() *rand.Rand { return s.rng }

// Next returns the indices of the next batch of b items.
func (s *Sampler) Next(b int) []int {
	idx := make([]int, b)
	for i := range idx {
		if s.Pos == len(s.Order) {
			s.reshuffle()
		}
		idx[i] = s.Order[s.Pos]
		s.Pos++
	}
	return idx
}

// Batch fills x (b x Bands x Size x Size) and c (b x condition width) with
// the next batch, each stamp under a random flip/rotation.
func (p *Prepared) Batch(s *Sampler, b int, x []float32, c []float32) {
	size, bands := p.Card.Size, p.Card.Bands
	plane := size * size
	w := p.Card.CondWidth()
	for i, k := range s.Next(b) {
		t := s.rng.IntN(8)
		for band := 0; band < bands; band++ {
			src := p.X[(k*bands+band)*plane : (k*bands+band+1)*plane]
			generator.Dihedral(x[(i*bands+band)*plane:(i*bands+band+1)*plane], src, size, t)
		}
		p.Card.Encode(c[i*w:(i+1)*w], p.Conds[k])
	}
}

// samplerState is the JSON form of a Sampler.
type samplerState struct {
	Order []int  `json:"order"`
	Pos   int    `json:"pos"`
	PCG   []byte `json:"pcg"`
}

func (s *Sampler) state() (samplerState, error) {
	b, err := s.pcg.MarshalBinary()
	return samplerState{Order: s.Order, Pos: s.Pos, PCG: b}, err
}

func (s *Sampler) restore(st samplerState) error {
	if len(st.Order) != s.N || st.Pos < 0 || st.Pos > s.N {
		return fmt.Errorf("sampler state: order of %d items at %d, want %d items", len(st.Order), st.Pos, s.N)
	}
	if err := s.pcg.UnmarshalBinary(st.PCG); err != nil {
		return fmt.Errorf("sampler state: %w", err)
	}
	s.Order, s.Pos = st.Order, st.Pos
	return nil
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(q * float64(len(s)-1))
	return s[i]
}
