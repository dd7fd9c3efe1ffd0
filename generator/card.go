package generator

import (
	"encoding/json"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CardFormat names the version of the model.json layout.
const CardFormat = "galforge-generator/1"

// Card is the model card stored as model.json beside the weights: what the
// model is, what it was trained on, and how to turn network values back into
// data units.
type Card struct {
	Format     string     `json:"format"`
	Model      string     `json:"model"` // "cvae", "cgan" or "flow"
	Data       string     `json:"data"`  // bundled set name or directory trained on
	Size       int        `json:"size"`  // stamp side in pixels
	Bands      int        `json:"bands"`
	BandNames  []string   `json:"band_names,omitempty"`
	Unit       string     `json:"unit"`        // pixel unit of the samples, e.g. "Jy/beam"
	PixelScale float64    `json:"pixel_scale"` // arcsec per pixel of the samples; 0 when not fixed
	Rebin      int        `json:"rebin"`       // source pixels per model pixel along each axis
	Crop       int        `json:"crop"`        // central crop of the source stamp, source pixels
	Norm       Norm       `json:"norm"`
	Conds      []CondSpec `json:"conditions"`
	// TrainConds holds the conditions of every training row, in the order of
	// Conds (category index or value in the stated unit); omitted conditions
	// are drawn from these rows so that they keep their joint distribution.
	TrainConds [][]float64        `json:"train_conditions"`
	Arch       map[string]float64 `json:"architecture"`
	Steps      int                `json:"trained_steps"`
	Seed       uint64             `json:"seed"`
	Command    string             `json:"command,omitempty"`
	Notes      string             `json:"notes,omitempty"`
}

// Norm is the invertible map between data values v and network values y.
//
//	linear: y = (v - A) / B,            v = A + B y
//	asinh:  y = asinh(v / A) / B - 1,   v = A sinh(B (y + 1))
//
// Samples are clamped to [Lo, Hi] in data units after the inverse map (Hi
// <= Lo means no upper bound), the range the data can take (0-255 for 8-bit
// images, >= 0 for clipped radio maps), and values below Floor (when > 0)
// are set to Lo, as the data were clipped (mirabest-first: 3 sigma of FIRST).
type Norm struct {
	Kind  string  `json:"kind"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Floor float64 `json:"floor,omitempty"`
}

// Forward maps a data value to the network's range.
func (n Norm) Forward(v float64) float64 {
	if n.Kind == "asinh" {
		return math.Asinh(v/n.A)/n.B - 1
	}
	return (v - n.A) / n.B
}

// Inverse maps a network value back to data units, without clamping.
func (n Norm) Inverse(y float64) float64 {
	if n.Kind == "asinh" {
		return n.A * math.Sinh(n.B*(y+1))
	}
	return n.A + n.B*y
}

// Clamp limits a data value to the range the data can take.
func (n Norm) Clamp(v float64) float64 {
	if v < n.Lo || (n.Floor > 0 && v < n.Floor) {
		return n.Lo
	}
	if n.Hi > n.Lo && v > n.Hi {
		return n.Hi
	}
	return v
}

// Validate reports a norm that cannot be inverted.
func (n Norm) Validate() error {
	switch n.Kind {
	case "linear":
		if n.B == 0 {
			return fmt.Errorf("norm: linear scale b is 0")
		}
	case "asinh":
		if n.A <= 0 || n.B <= 0 {
			return fmt.Errorf("norm: asinh needs a > 0 and b > 0, have a=%g b=%g", n.A, n.B)
		}
	default:
		return fmt.Errorf("norm: unknown kind %q (want linear or asinh)", n.Kind)
	}
	return nil
}

// CondSpec describes one condition: a category (Labels, value = label index)
// or a number in Unit. Numbers are standardised for the network after an
// optional log10: z = (t - Mean) / Std with t = log10(v) when Log is set.
type CondSpec struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"` // "category" or "number"
	Labels []string `json:"labels,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	Log    bool     `json:"log10,omitempty"`
	Mean   float64  `json:"mean,omitempty"`
	Std    float64  `json:"std,omitempty"`
	Doc    string   `json:"doc,omitempty"`
}

// Width is the number of network inputs the condition takes.
func (s CondSpec) Width() int {
	if s.Kind == "category" {
		return len(s.Labels)
	}
	return 1
}

// Parse reads a condition value given on the command line: a label or index
// for a category, a number in Unit otherwise.
func (s CondSpec) Parse(text string) (float64, error) {
	if s.Kind == "category" {
		for i, l := range s.Labels {
			if strings.EqualFold(l, text) {
				return float64(i), nil
			}
		}
		if i, err := strconv.Atoi(text); err == nil && i >= 0 && i < len(s.Labels) {
			return float64(i), nil
		}
		return 0, fmt.Errorf("condition %s: %q is not one of %v", s.Name, text, s.Labels)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("condition %s: %q is not a finite number (%s)", s.Name, text, s.Unit)
	}
	if s.Log && v <= 0 {
		return 0, fmt.Errorf("condition %s: %g must be > 0 (%s)", s.Name, v, s.Unit)
	}
	return v, nil
}

// Format writes a condition value for people: the label of a category.
func (s CondSpec) Format(v float64) string {
	if s.Kind == "category" {
		i := int(v)
		if i >= 0 && i < len(s.Labels) {
			return s.Labels[i]
		}
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// CondWidth is the length of the network's condition vector for the card:
// the widths of all conditions plus one "present" flag. The all-zero vector
// is the unconditional (dropped) condition used for classifier-free guidance.
func (c *Card) CondWidth() int {
	w := 1
	for _, s := range c.Conds {
		w += s.Width()
	}
	return w
}

// Encode writes the network condition vector for one row of condition
// values (in the order of Conds) into dst, which must have CondWidth entries.
func (c *Card) Encode(dst []float32, row []float64) {
	k := 0
	for i, s := range c.Conds {
		if s.Kind == "category" {
			for j := range s.Labels {
				dst[k+j] = 0
			}
			if j := int(row[i]); j >= 0 && j < len(s.Labels) {
				dst[k+j] = 1
			}
			k += len(s.Labels)
			continue
		}
		t := row[i]
		if s.Log {
			t = math.Log10(math.Max(t, 1e-30))
		}
		std := s.Std
		if std == 0 {
			std = 1
		}
		dst[k] = float32((t - s.Mean) / std)
		k++
	}
	dst[k] = 1
}

// Cond is a set of named condition values: category index or number.
type Cond map[string]float64

// ParseConds reads KEY=VALUE pairs against the card's conditions.
func (c *Card) ParseConds(pairs []string) (Cond, error) {
	out := Cond{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("condition %q: want KEY=VALUE", p)
		}
		spec, ok := c.spec(k)
		if !ok {
			return nil, fmt.Errorf("condition %q: model has no condition %q (it has %s)", p, k, c.condNames())
		}
		if _, dup := out[spec.Name]; dup {
			return nil, fmt.Errorf("condition %q given twice", spec.Name)
		}
		x, err := spec.Parse(v)
		if err != nil {
			return nil, err
		}
		out[spec.Name] = x
	}
	return out, nil
}

// RangeWarnings lists, one line each, the numeric conditions in cond that lie
// outside the range seen in training (the card's train_conditions), where
// the model extrapolates and its samples are not to be trusted.
func (c *Card) RangeWarnings(cond Cond) []string {
	var out []string
	for j, s := range c.Conds {
		v, ok := cond[s.Name]
		if !ok || s.Kind != "number" || len(c.TrainConds) == 0 {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range c.TrainConds {
			lo, hi = math.Min(lo, r[j]), math.Max(hi, r[j])
		}
		if v < lo || v > hi {
			out = append(out, fmt.Sprintf("condition %s=%g is outside the training range [%g, %g] %s; the model extrapolates",
				s.Name, v, lo, hi, s.Unit))
		}
	}
	return out
}

func (c *Card) spec(name string) (CondSpec, bool) {
	for _, s := range c.Conds {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return CondSpec{}, false
}

func (c *Card) condNames() string {
	var names []string
	for _, s := range c.Conds {
		d := s.Name
		if s.Kind == "category" {
			d += "=" + strings.Join(s.Labels, "|")
		} else if s.Unit != "" {
			d += " [" + s.Unit + "]"
		}
		names = append(names, d)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Validate checks a card read from disk.
func (c *Card) Validate() error {
	if c.Format != CardFormat {
		return fmt.Errorf("format %q, want %q", c.Format, CardFormat)
	}
	if c.Size < 4 || c.Bands < 1 {
		return fmt.Errorf("size %d and bands %d must be >= 4 and >= 1", c.Size, c.Bands)
	}
	if err := c.Norm.Validate(); err != nil {
		return err
	}
	for _, s := range c.Conds {
		if s.Kind != "category" && s.Kind != "number" {
			return fmt.Errorf("condition %s: kind %q", s.Name, s.Kind)
		}
	}
	for i, r := range c.TrainConds {
		if len(r) != len(c.Conds) {
			return fmt.Errorf("train_conditions row %d has %d values, want %d", i, len(r), len(c.Conds))
		}
	}
	return nil
}

// ReadCard reads and checks dir/model.json.
func ReadCard(dir string) (*Card, error) {
	path := filepath.Join(dir, "model.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	var c Card
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("generator: %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("generator: %s: %w", path, err)
	}
	return &c, nil
}

// WriteCard writes dir/model.json through a temporary file and a rename.
func WriteCard(dir string, c *Card) error {
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return fmt.Errorf("generator: card: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, "model.json"), append(b, '\n'))
}
