package pix

import (
	"image"
	"image/color"
	"testing"
)

func TestMosaicLayout(t *testing.T) {
	tiles := make([]image.Image, 5)
	for i := range tiles {
		g := image.NewGray(image.Rect(0, 0, 4, 4))
		for k := range g.Pix {
			g.Pix[k] = uint8(10 * (i + 1))
		}
		tiles[i] = g
	}
	// a smaller tile is centred, a larger one cropped about its centre
	small := image.NewGray(image.Rect(0, 0, 2, 2))
	for k := range small.Pix {
		small.Pix[k] = 200
	}
	tiles[1] = small
	big := image.NewGray(image.Rect(0, 0, 6, 6))
	big.Pix[1*6+1] = 250 // cropped away
	big.Pix[1*6+2] = 240 // lands at cell (1,0)
	tiles[2] = big
	m := Mosaic(tiles, MosaicOptions{Cols: 3, Sep: 1, Cell: 4, SepCol: color.RGBA{255, 0, 0, 255}})
	if b := m.Bounds(); b.Dx() != 3*4+4 || b.Dy() != 2*4+3 {
		t.Fatalf("size %v, want 16x11", b)
	}
	red := color.RGBA{255, 0, 0, 255}
	for _, p := range [][2]int{{0, 0}, {5, 3}, {15, 10}, {7, 5}} {
		if c := m.RGBAAt(p[0], p[1]); c != red {
			t.Errorf("separator at %v = %v", p, c)
		}
	}
	if c := m.RGBAAt(1, 1); c.R != 10 {
		t.Errorf("tile 0 pixel = %v", c)
	}
	// tile 1 (2x2) centred in cell 1 at x0=6,y0=1: occupies (7..8, 2..3)
	if m.RGBAAt(7, 2).R != 200 || m.RGBAAt(6, 1).R != 0 {
		t.Errorf("small tile not centred: %v %v", m.RGBAAt(7, 2), m.RGBAAt(6, 1))
	}
	// tile 2 (6x6) cropped by 1 on each side into cell at x0=11,y0=1
	if m.RGBAAt(12, 1).R != 240 {
		t.Errorf("big tile crop wrong: %v", m.RGBAAt(12, 1))
	}
	// tile 4 is in row 1, col 1; cell 5 is empty (black)
	if m.RGBAAt(6, 6).R != 50 || m.RGBAAt(11, 6) != (color.RGBA{0, 0, 0, 255}) {
		t.Errorf("second row wrong: %v %v", m.RGBAAt(6, 6), m.RGBAAt(11, 6))
	}
}

func TestMosaicImagesDefaultGrid(t *testing.T) {
	ims := make([]*Image, 10)
	for i := range ims {
		ims[i] = New(8, 8, 0.2)
		ims[i].Set(4, 4, 1)
	}
	m := MosaicImages(ims, AsinhStretch, MosaicOptions{})
	// 10 tiles: 4 columns, 3 rows, 2-pixel separators
	if b := m.Bounds(); b.Dx() != 4*8+5*2 || b.Dy() != 3*8+4*2 {
		t.Errorf("size %v", b)
	}
	// pixel (4,4) of tile 0 is PNG row 8-1-4=3 in the cell
	if c := m.RGBAAt(2+4, 2+3); c.R != 255 {
		t.Errorf("peak = %v", c)
	}
}

func TestShrinkAndFit(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 9, 4))
	for k := range g.Pix {
		g.Pix[k] = uint8(10 * (k % 9)) // value 10*x
	}
	s := ShrinkToFit(g, 4) // factor 3 -> 3x2
	if b := s.Bounds(); b.Dx() != 3 || b.Dy() != 2 {
		t.Fatalf("shrunk size %v", b)
	}
	r, _, _, _ := s.At(1, 0).RGBA() // mean of x=3,4,5 -> 40
	if r>>8 != 40 {
		t.Errorf("box mean = %d, want 40", r>>8)
	}
	if ShrinkToFit(g, 9) != image.Image(g) {
		t.Error("fitting image was copied")
	}
	m := Mosaic([]image.Image{g}, MosaicOptions{Cell: 4, Sep: 1, Fit: true})
	if c := m.RGBAAt(1+1, 1+1); c.R != 40 {
		t.Errorf("fitted tile pixel %v", c)
	}
}
