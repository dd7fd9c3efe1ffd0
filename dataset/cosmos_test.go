package dataset

import (
	"errors"
	"math"
	"testing"

	"github.com/galforge/galforge/cosmos"
)

func TestLoadCOSMOSFromAEGIS(t *testing.T) {
	cat := "../data/cosmos-example/aegis/AEGIS_F814w_catalog.fits"
	s, err := LoadCOSMOS(cat, 64)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 5 || s.Nx != 64 || s.Bands != 1 || s.PixelScale != 0.03 || s.BandNames[0] != "F814W" {
		t.Fatalf("AEGIS set: n %d nx %d scale %v bands %v", s.Len(), s.Nx, s.PixelScale, s.BandNames)
	}
	c, err := cosmos.Open(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range 5 {
		m, _ := c.Image(i)
		st := s.Stamp(i)
		ox, oy := floorHalf(m.Nx-64), floorHalf(m.Ny-64)
		// stamp centre pixel (32,32) comes from source (32+ox, 32+oy)
		if st[32*64+32] != float32(m.At(32+ox, 32+oy)) {
			t.Errorf("galaxy %d: centre %v, source %v", i, st[32*64+32], m.At(32+ox, 32+oy))
		}
		if s.Float("IDENT", i) != float64(c.Galaxies[i].Ident) || !math.IsNaN(s.Float("ZPHOT", i)) {
			t.Errorf("galaxy %d conditions", i)
		}
		if sp := s.Split(i); sp != "train" && sp != "test" {
			t.Errorf("split %q", sp)
		}
	}
	// galaxy 0 is 70x46: rows beyond its 46 are zero padding
	if m, _ := c.Image(0); m.Ny != 46 || s.Stamp(0)[0] != 0 || s.Stamp(0)[63*64+10] != 0 {
		t.Errorf("padding wrong")
	}
	if floorHalf(-18) != -9 || floorHalf(-3) != -2 || floorHalf(7) != 3 {
		t.Error("floorHalf")
	}
	if identSplit(23409) != identSplit(23409) {
		t.Error("split not deterministic")
	}
	test := 0
	for id := int64(0); id < 10000; id++ {
		if identSplit(id) == "test" {
			test++
		}
	}
	if test < 900 || test > 1100 {
		t.Errorf("test fraction %d/10000, want about 1000", test)
	}
}

func TestLoadCOSMOSWithoutImages(t *testing.T) {
	_, err := LoadCOSMOS("../data/cosmos-example/real_galaxy_catalog_23.5_example.fits", 64)
	if !errors.Is(err, cosmos.ErrNoImages) {
		t.Errorf("err = %v, want ErrNoImages", err)
	}
}
