package generator

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"github.com/galforge/galforge/nn"
	"github.com/galforge/galforge/pix"
)

// Model is a trained generative model.
type Model interface {
	// Card describes the model: data, units, conditions.
	Card() *Card
	// Sample draws n images for the condition values in cond (keys as in
	// the card; omitted keys are drawn from the training distribution)
	// from the given seed. Same seed, same bytes.
	Sample(cond Cond, n int, seed uint64) (*Batch, error)
	// SampleRows draws one image per row of condition values (order of the
	// card's conditions) from the given seed.
	SampleRows(rows [][]float64, seed uint64) (*Batch, error)
}

// sample resolves the conditions of n samples (a stream of seed apart from
// the model's noise) and draws them with m.SampleRows.
func sample(m Model, cond Cond, n int, seed uint64) (*Batch, error) {
	if n < 1 {
		return nil, fmt.Errorf("generator: %s: n = %d samples", m.Card().Model, n)
	}
	rows, err := m.Card().Resolve(cond, n, rand.New(rand.NewPCG(seed, condStream)))
	if err != nil {
		return nil, err
	}
	return m.SampleRows(rows, seed)
}

// Noise streams of the models' samplers (PCG stream numbers).
const (
	cvaeStream = 0x63766165
	cganStream = 0x6367616e
	flowStream = 0x666c6f77
	condStream = 0x636f6e64
)

// oneRNG gives every row the same generator, seeded once: the rows of a
// SampleRows batch draw their noise one after the other.
func oneRNG(seed, stream uint64) func(int) *rand.Rand {
	r := rand.New(rand.NewPCG(seed, stream))
	return func(int) *rand.Rand { return r }
}

// rowRNG gives row i its own generator seeded with seeds[i].
func rowRNG(seeds []uint64, stream uint64) func(int) *rand.Rand {
	return func(i int) *rand.Rand { return rand.New(rand.NewPCG(seeds[i], stream)) }
}

// seedRows draws row i alone with one(rows[i:i+1], seeds[i]) under the EMA
// weights, rows spread over nn.Threads() goroutines, and stacks the stamps.
// Each row is computed exactly as a single draw: nn's kernels round
// differently for different batch shapes (several images share one wide
// matrix product), so rows of one network batch would not be bit-identical
// to single draws; running whole rows in parallel keeps them so and still
// uses every core, which a single draw does not.
func seedRows(s *netState, rows [][]float64, seeds []uint64, one func(row [][]float64, seed uint64) (*Batch, error)) (*Batch, error) {
	n := len(rows)
	if n < 1 || n != len(seeds) {
		return nil, fmt.Errorf("generator: %d condition rows and %d seeds, want as many (at least one)", n, len(seeds))
	}
	c := s.card
	m := c.Bands * c.Size * c.Size
	out := &Batch{N: n, Bands: c.Bands, Size: c.Size, Pix: make([]float32, n*m), Conds: make([][]float64, n),
		Unit: c.Unit, PixelScale: c.PixelScale}
	err := s.withEMA(func() error {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var first error
		next := make(chan int, n)
		for i := range n {
			next <- i
		}
		close(next)
		for range min(nn.Threads(), n) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					b, err := one(rows[i:i+1], seeds[i])
					if err != nil {
						mu.Lock()
						first = cmp.Or(first, err)
						mu.Unlock()
						continue
					}
					copy(out.Pix[i*m:], b.Pix)
					out.Conds[i] = b.Conds[0]
				}
			}()
		}
		wg.Wait()
		return first
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inferenceTape returns a tape that records nothing.
func inferenceTape() *nn.Tape {
	tp := nn.NewTape()
	tp.NoGrad, tp.Training = true, false
	return tp
}

// SeedSampler is a model that draws a batch whose rows each have their own
// seed, with the same pixels as drawing the rows one at a time.
type SeedSampler interface {
	SampleSeeds(rows [][]float64, seeds []uint64) (*Batch, error)
}

// SampleEach draws one image per (conds[i], seeds[i]): image i has the same
// pixels as m.Sample(conds[i], 1, seeds[i]), but models that implement
// SeedSampler draw them as one batch, which is much faster than a loop.
func SampleEach(m Model, conds []Cond, seeds []uint64) (*Batch, error) {
	if len(conds) < 1 || len(conds) != len(seeds) {
		return nil, fmt.Errorf("generator: %s: %d condition sets and %d seeds, want as many (at least one)", m.Card().Model, len(conds), len(seeds))
	}
	rows := make([][]float64, len(conds))
	for i, cond := range conds {
		r, err := m.Card().Resolve(cond, 1, rand.New(rand.NewPCG(seeds[i], condStream)))
		if err != nil {
			return nil, err
		}
		rows[i] = r[0]
	}
	if s, ok := m.(SeedSampler); ok {
		return s.SampleSeeds(rows, seeds)
	}
	out := &Batch{}
	for i, row := range rows {
		b, err := m.SampleRows([][]float64{row}, seeds[i])
		if err != nil {
			return nil, err
		}
		if i == 0 {
			*out = *b
			out.Pix = append([]float32(nil), b.Pix...)
			continue
		}
		out.N++
		out.Pix = append(out.Pix, b.Pix...)
		out.Conds = append(out.Conds, b.Conds...)
	}
	return out, nil
}

// Encoder is a model that maps images to latent vectors (the CVAE's
// posterior mean).
type Encoder interface {
	Encode(b *Batch) ([][]float32, error)
}

// Batch is a stack of N images of Bands x Size x Size pixels, in data units
// (Unit) with PixelScale arcsec per pixel, and the conditions each was drawn
// with (one row per image, in the order of the card's conditions).
type Batch struct {
	N, Bands, Size int
	Pix            []float32 // N*Bands*Size*Size, x fastest, then y, band, image
	Conds          [][]float64
	Unit           string
	PixelScale     float64
}

// Image returns the pixels of image i (Bands*Size*Size values).
func (b *Batch) Image(i int) []float32 {
	m := b.Bands * b.Size * b.Size
	return b.Pix[i*m : (i+1)*m]
}

// Resolve fills in the condition rows for n samples: given values from cond,
// the rest from a training row drawn with rng, so that omitted conditions
// keep their joint distribution with each other.
func (c *Card) Resolve(cond Cond, n int, rng *rand.Rand) ([][]float64, error) {
	for k := range cond {
		if _, ok := c.spec(k); !ok {
			return nil, fmt.Errorf("generator: model has no condition %q (it has %s)", k, c.condNames())
		}
	}
	rows := make([][]float64, n)
	for i := range rows {
		row := make([]float64, len(c.Conds))
		var train []float64
		if len(c.TrainConds) > 0 {
			train = c.TrainConds[rng.IntN(len(c.TrainConds))]
		}
		for j, s := range c.Conds {
			if v, ok := condLookup(cond, s.Name); ok {
				row[j] = v
			} else if train != nil {
				row[j] = train[j]
			}
		}
		rows[i] = row
	}
	return rows, nil
}

func condLookup(cond Cond, name string) (float64, bool) {
	if v, ok := cond[name]; ok {
		return v, true
	}
	keys := make([]string, 0, len(cond))
	for k := range cond {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.EqualFold(k, name) {
			return cond[k], true
		}
	}
	return 0, false
}

// ToData converts network values (NCHW, normalised) into a Batch in data
// units, applying the card's inverse norm and clamp.
func (c *Card) ToData(y []float32, conds [][]float64) *Batch {
	b := &Batch{N: len(conds), Bands: c.Bands, Size: c.Size, Pix: make([]float32, len(y)),
		Conds: conds, Unit: c.Unit, PixelScale: c.PixelScale}
	for i, v := range y {
		b.Pix[i] = float32(c.Norm.Clamp(c.Norm.Inverse(float64(v))))
	}
	return b
}

// FromData converts a Batch in data units into normalised network values.
func (c *Card) FromData(b *Batch) []float32 {
	y := make([]float32, len(b.Pix))
	for i, v := range b.Pix {
		y[i] = float32(c.Norm.Forward(float64(v)))
	}
	return y
}

// Dihedral applies flip/rotation k (0..7) of a square n x n plane: bit 0
// flips x, bit 1 flips y, bit 2 swaps x and y.
func Dihedral(dst, src []float32, n, k int) {
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			sx, sy := x, y
			if k&4 != 0 {
				sx, sy = sy, sx
			}
			if k&1 != 0 {
				sx = n - 1 - sx
			}
			if k&2 != 0 {
				sy = n - 1 - sy
			}
			dst[y*n+x] = src[sy*n+sx]
		}
	}
}

// PixImage returns band of image i as a pix.Image (float64 copy) with the
// batch's pixel scale, for code that draws galaxies into fields.
func (b *Batch) PixImage(i, band int) *pix.Image {
	m := pix.New(b.Size, b.Size, b.PixelScale)
	plane := b.Size * b.Size
	src := b.Image(i)[band*plane : (band+1)*plane]
	for k, v := range src {
		m.Pix[k] = float64(v)
	}
	return m
}
