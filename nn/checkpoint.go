package nn

import (
	"encoding/json"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"os"
	"strconv"

	"github.com/galforge/galforge/internal/version"
	"github.com/galforge/galforge/nn/safetensors"
)

// Save writes named tensors (parameters, buffers, optimiser state) and
// metadata to a safetensors file, atomically. The galforge version is added
// to the metadata as "galforge_version".
func Save(path string, tensors []*Tensor, metadata map[string]string) error {
	ts := make([]safetensors.Tensor, 0, len(tensors))
	for i, t := range tensors {
		if t.Name == "" {
			return fmt.Errorf("nn: save %s: tensor %d (shape %v) has no name", path, i, t.shape)
		}
		ts = append(ts, safetensors.F32(t.Name, t.shape, t.Data))
	}
	meta := map[string]string{"galforge_version": version.Version}
	for k, v := range metadata {
		meta[k] = v
	}
	return safetensors.WriteFile(path, ts, meta)
}

// Load fills tensors from a safetensors file by name; every tensor must be
// present with the same shape. It returns the file's metadata.
func Load(path string, tensors []*Tensor) (map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nn: load: %w", err)
	}
	for _, t := range tensors {
		st, ok := f.Get(t.Name)
		if !ok {
			return nil, fmt.Errorf("nn: load %s: tensor %q missing", path, t.Name)
		}
		if !sameShape(st.Shape, t.shape) {
			return nil, fmt.Errorf("nn: load %s: tensor %q has shape %v, model wants %v", path, t.Name, st.Shape, t.shape)
		}
		v, err := st.Float32()
		if err != nil {
			return nil, fmt.Errorf("nn: load %s: %w", path, err)
		}
		copy(t.Data, v)
	}
	return f.Metadata, nil
}

// SaveCheckpoint writes model state and optimiser state (moments and the
// step count, metadata "optimizer_steps") to one file.
func SaveCheckpoint(path string, model []*Tensor, opt Optimizer, metadata map[string]string) error {
	meta := map[string]string{}
	for k, v := range metadata {
		meta[k] = v
	}
	all := model
	if opt != nil {
		all = append(append([]*Tensor(nil), model...), opt.State()...)
		meta["optimizer_steps"] = strconv.Itoa(opt.Steps())
	}
	return Save(path, all, meta)
}

// LoadCheckpoint restores what SaveCheckpoint wrote.
func LoadCheckpoint(path string, model []*Tensor, opt Optimizer) (map[string]string, error) {
	all := model
	if opt != nil {
		all = append(append([]*Tensor(nil), model...), opt.State()...)
	}
	meta, err := Load(path, all)
	if err != nil {
		return nil, err
	}
	if opt != nil {
		n, err := strconv.Atoi(meta["optimizer_steps"])
		if err != nil {
			return nil, fmt.Errorf("nn: load %s: metadata optimizer_steps %q: %v", path, meta["optimizer_steps"], err)
		}
		opt.SetSteps(n)
	}
	return meta, nil
}

// ModelCard describes a trained model in a JSON file beside its weights.
type ModelCard struct {
	Name         string         `json:"name"`
	Architecture string         `json:"architecture"` // e.g. "conditional VAE, conv encoder 1→32→64→128, latent 32"
	Hyper        map[string]any `json:"hyperparameters,omitempty"`
	Data         string         `json:"data,omitempty"` // training data: files, selection, size
	Seed         uint64         `json:"seed"`
	Steps        int            `json:"steps,omitempty"`
	Metrics      map[string]any `json:"metrics,omitempty"`
	Weights      string         `json:"weights,omitempty"` // safetensors file name
	Version      string         `json:"galforge_version"`
	BLAS         string         `json:"blas,omitempty"`
	Notes        string         `json:"notes,omitempty"`
}

// WriteModelCard writes card as indented JSON, atomically; an empty Version
// is filled with the running galforge version.
func WriteModelCard(path string, card ModelCard) error {
	if card.Version == "" {
		card.Version = version.Version
	}
	b, err := json.MarshalIndent(card, "", "  ")
	if err != nil {
		return fmt.Errorf("nn: model card %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// ReadModelCard reads a model card.
func ReadModelCard(path string) (ModelCard, error) {
	var c ModelCard
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("nn: model card %s: %w", path, err)
	}
	return c, nil
}
