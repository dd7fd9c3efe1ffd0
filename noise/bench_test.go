package noise

import (
	"testing"

	"github.com/galforge/galforge/pix"
)

func BenchmarkCCD256(b *testing.B) {
	img := pix.New(256, 256, 0.2)
	rng := NewRand(1)
	ccd := CCD{SkyLevel: 100, Gain: 2, ReadNoise: 5}
	for b.Loop() {
		clear(img.Pix)
		if err := ccd.Apply(img, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(256*256*b.N)/b.Elapsed().Seconds(), "pixels/s")
}

func benchCorrelated(b *testing.B, whiten bool) {
	cf := pix.New(9, 9, 0.03)
	for j := 0; j < 9; j++ {
		for i := 0; i < 9; i++ {
			d2 := float64((i-4)*(i-4) + (j-4)*(j-4))
			cf.Set(i, j, 1/(1+d2))
		}
	}
	c, err := NewCorrelated(cf)
	if err != nil {
		b.Fatal(err)
	}
	img := pix.New(256, 256, 0.03)
	rng := NewRand(1)
	for b.Loop() {
		if whiten {
			_, err = c.Whiten(img, rng)
		} else {
			err = c.Apply(img, rng)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(256*256*b.N)/b.Elapsed().Seconds(), "pixels/s")
}

func BenchmarkCorrelated256(b *testing.B) { benchCorrelated(b, false) }
func BenchmarkWhiten256(b *testing.B)     { benchCorrelated(b, true) }
