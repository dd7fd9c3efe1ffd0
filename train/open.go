package train

import (
	"fmt"
	"path/filepath"

	"github.com/galforge/galforge/dataset"
)

// Open loads a bundled set by name or a directory in the dataset layout
// (through package dataset), or a folder in GalSim's COSMOS layout.
func Open(nameOrDir string) (*Raw, error) {
	if r, ok, err := openAny(nameOrDir); ok {
		return r, err
	}
	s, err := dataset.Load(nameOrDir)
	if err != nil {
		return nil, fmt.Errorf("train: --data %s: %w", nameOrDir, err)
	}
	name := s.Name
	if name == "" {
		name = filepath.Base(nameOrDir)
	}
	return &Raw{
		Name: name, N: s.Len(), Bands: s.Bands, Nx: s.Nx, Ny: s.Ny, Unit: s.Unit, PixelScale: s.PixelScale,
		BandNames: s.BandNames,
		Stamp:     s.Stamp,
		Split:     s.Split,
		Str:       s.String,
		Num:       s.Float,
	}, nil
}
