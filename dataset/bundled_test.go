package dataset

import (
	"image"
	"path/filepath"
	"reflect"
	"testing"
)

func TestListCountsFromFiles(t *testing.T) {
	infos, err := List(filepath.Join("..", "data"))
	if err != nil {
		t.Fatal(err)
	}
	// counts as stated in the folders' READMEs
	want := map[string]struct {
		objects, bands int
		scale0         float64
		unit           string
	}{
		"cosmos-example":            {100, 1, 0.029999999329447746, "ELECTRONS"},
		"first-radio-galaxy-4class": {2158, 1, 1.8, "display"},
		"frdeep-first-nvss":         {658, 2, 1.8, "JY/BEAM"},
		"gz-decals-rings":           {470, 3, 0, "display"},
		"hsc-hst-cosmos-blends":     {4, 5, 0.168, "arbitrary"},
		"hubble-xdf-jpeg":           {464, 3, 0.14, "display"},
		"mirabest-first":            {1255, 1, 1.8, "JY/BEAM"},
		"profit-kids-sdss-gama":     {10, 1, 0.2, "arbitrary"},
		"slacs-hst-lenses":          {2, 1, 0.05, "arbitrary"},
		"vlba-3c84-43ghz":           {1, 1, 2e-5, "JY/BEAM"},
	}
	if len(infos) != len(want) {
		t.Fatalf("List gave %d sets, want %d", len(infos), len(want))
	}
	for _, in := range infos {
		w, ok := want[in.Name]
		if !ok {
			t.Errorf("unexpected set %s", in.Name)
			continue
		}
		if in.Objects != w.objects || in.Bands != w.bands || in.Unit != w.unit || in.Bytes < 100_000 ||
			len(in.Scales) == 0 || abs(in.Scales[0]-w.scale0) > 1e-3*w.scale0+1e-12 {
			t.Errorf("%s: %+v, want %+v", in.Name, in, w)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestPreviewEverySet(t *testing.T) {
	t.Setenv("GALFORGE_DATA", filepath.Join("..", "data"))
	for name, wantTiles := range map[string]int{
		"cosmos-example": 16, "hsc-hst-cosmos-blends": 7, "hubble-xdf-jpeg": 16, "profit-kids-sdss-gama": 16,
		"slacs-hst-lenses": 6, "vlba-3c84-43ghz": 2, "gz-decals-rings": 16, "mirabest-first": 16, "frdeep-first-nvss": 16,
	} {
		p, err := MakePreview(name, 16, 7)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(p.Tiles) != wantTiles {
			t.Errorf("%s: %d tiles, want %d", name, len(p.Tiles), wantTiles)
		}
		for i, tile := range p.Tiles {
			if tile.Bounds().Empty() || isBlank(tile) {
				t.Errorf("%s: tile %d is empty or blank", name, i)
			}
		}
	}
	a, _ := MakePreview("mirabest-first", 4, 1)
	b, _ := MakePreview("mirabest-first", 4, 1)
	c, _ := MakePreview("mirabest-first", 4, 2)
	if !reflect.DeepEqual(a.Tiles, b.Tiles) {
		t.Error("same seed, different preview")
	}
	if reflect.DeepEqual(a.Tiles, c.Tiles) {
		t.Error("different seeds, same preview")
	}
	if _, err := MakePreview("gz-decals-rings", 0, 1); err == nil {
		t.Error("n = 0 accepted")
	}
}

// isBlank reports whether every pixel of img has the same colour.
func isBlank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, y) != first {
				return false
			}
		}
	}
	return true
}
