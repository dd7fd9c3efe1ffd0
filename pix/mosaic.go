package pix

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// MosaicOptions lays out a mosaic. Zero values take the defaults.
type MosaicOptions struct {
	Cols   int         // tiles per row; default ⌈√n⌉
	Sep    int         // separator width in pixels, also around the border; default 2
	SepCol color.Color // separator colour; default mid grey
	Cell   int         // cell size in pixels; default the largest tile side
	Fit    bool        // shrink tiles larger than Cell (box average, integer factor) instead of cropping them
}

// Shrink returns img reduced by the smallest integer factor f that makes
// both sides at most maxSide, each output pixel the mean of an f x f block
// (edge blocks average what they cover); img itself when it already fits.
func ShrinkToFit(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	f := (max(b.Dx(), b.Dy()) + maxSide - 1) / max(maxSide, 1)
	if f <= 1 {
		return img
	}
	w, h := (b.Dx()+f-1)/f, (b.Dy()+f-1)/f
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var r, g, bl, a, n uint32
			for yy := b.Min.Y + y*f; yy < min(b.Min.Y+(y+1)*f, b.Max.Y); yy++ {
				for xx := b.Min.X + x*f; xx < min(b.Min.X+(x+1)*f, b.Max.X); xx++ {
					cr, cg, cb, ca := img.At(xx, yy).RGBA()
					r, g, bl, a, n = r+cr, g+cg, bl+cb, a+ca, n+1
				}
			}
			out.SetRGBA(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(bl / n >> 8), uint8(a / n >> 8)})
		}
	}
	return out
}

// Mosaic arranges tiles row by row (first tile top-left) in a grid of
// square cells separated by thin lines. Each tile is centred in its cell;
// tiles larger than the cell are cropped about their centre. The result
// is cols*cell + (cols+1)*sep pixels wide and rows*cell + (rows+1)*sep
// high; empty cells stay black.
func Mosaic(tiles []image.Image, o MosaicOptions) *image.RGBA {
	n := len(tiles)
	cols := o.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	if cols < 1 {
		cols = 1
	}
	rows := (n + cols - 1) / cols
	if rows < 1 {
		rows = 1
	}
	sep := o.Sep
	if sep == 0 {
		sep = 2
	}
	if sep < 0 {
		sep = 0
	}
	var sepCol color.Color = color.RGBA{128, 128, 128, 255}
	if o.SepCol != nil {
		sepCol = o.SepCol
	}
	cell := o.Cell
	if cell <= 0 {
		for _, t := range tiles {
			b := t.Bounds()
			cell = max(cell, b.Dx(), b.Dy())
		}
		cell = max(cell, 1)
	}
	w, h := cols*cell+(cols+1)*sep, rows*cell+(rows+1)*sep
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(sepCol), image.Point{}, draw.Src)
	for k := 0; k < rows*cols; k++ {
		x0 := sep + (k%cols)*(cell+sep)
		y0 := sep + (k/cols)*(cell+sep)
		r := image.Rect(x0, y0, x0+cell, y0+cell)
		draw.Draw(out, r, image.NewUniform(color.Black), image.Point{}, draw.Src)
		if k >= n {
			continue
		}
		tile := tiles[k]
		if o.Fit {
			tile = ShrinkToFit(tile, cell)
		}
		b := tile.Bounds()
		// Offset of the tile's origin inside the cell (negative = crop).
		dx, dy := (cell-b.Dx())/2, (cell-b.Dy())/2
		dst := image.Rect(x0+max(dx, 0), y0+max(dy, 0), x0+min(dx+b.Dx(), cell), y0+min(dy+b.Dy(), cell))
		src := image.Pt(b.Min.X+max(-dx, 0), b.Min.Y+max(-dy, 0))
		draw.Draw(out, dst, tile, src, draw.Src)
	}
	return out
}

// MosaicImages stretches each image on its own with s (grey) and arranges
// them with Mosaic.
func MosaicImages(ims []*Image, s Stretch, o MosaicOptions) *image.RGBA {
	tiles := make([]image.Image, len(ims))
	for i, m := range ims {
		tiles[i] = s.Gray(m)
	}
	return Mosaic(tiles, o)
}
