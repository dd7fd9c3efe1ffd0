package generator

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

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
	rows, err := m.Card().Resolve(cond, n, rand.New(rand.NewPCG(seed, 0x636f6e64)))
	if err != nil {
		return nil, err
	}
	return m.SampleRows(rows, seed)
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
