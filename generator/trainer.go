package generator

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Trainer is a model under training, driven by package train.
type Trainer interface {
	Model
	// Step does one optimiser step on n normalised stamps x (n x Bands x
	// Size x Size) with condition vectors c (n x Card().CondWidth()),
	// drawing any noise from rng, and returns the named losses.
	Step(x, c []float32, n int, rng *rand.Rand) (map[string]float64, error)
	// SaveCheckpoint writes everything a bit-identical continuation needs
	// (weights, optimiser moments and step, EMA) to one safetensors file.
	SaveCheckpoint(path string) error
	// LoadCheckpoint restores what SaveCheckpoint wrote.
	LoadCheckpoint(path string) error
	// Export writes the inference weights as dir/model.safetensors and the
	// card as dir/model.json.
	Export(dir string) error
}

// kind is one registered model type.
type kind struct {
	newTrainer func(c *Card, seed uint64) (Trainer, error)
	load       func(dir string, c *Card) (Model, error)
	defaults   map[string]float64
}

var kinds = map[string]kind{}

func register(name string, k kind) { kinds[name] = k }

// Kinds lists the model types that can be trained.
func Kinds() []string {
	var out []string
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NewTrainer makes a freshly initialised model of type c.Model for the
// data the card describes; architecture knobs missing from c.Arch get their
// defaults (and are written into it), initial weights come from seed.
func NewTrainer(c *Card, seed uint64) (Trainer, error) {
	k, ok := kinds[c.Model]
	if !ok {
		return nil, fmt.Errorf("generator: unknown model %q (want %s)", c.Model, strings.Join(Kinds(), ", "))
	}
	if c.Arch == nil {
		c.Arch = map[string]float64{}
	}
	for key := range c.Arch {
		if _, ok := k.defaults[key]; !ok {
			return nil, fmt.Errorf("generator: model %s has no architecture knob %q", c.Model, key)
		}
	}
	for key, v := range k.defaults {
		if _, ok := c.Arch[key]; !ok {
			c.Arch[key] = v
		}
	}
	c.Seed = seed
	return k.newTrainer(c, seed)
}

// Load opens a trained model directory (model.json + model.safetensors).
func Load(dir string) (Model, error) {
	c, err := ReadCard(dir)
	if err != nil {
		return nil, err
	}
	k, ok := kinds[c.Model]
	if !ok {
		return nil, fmt.Errorf("generator: %s: unknown model %q", dir, c.Model)
	}
	return k.load(dir, c)
}
