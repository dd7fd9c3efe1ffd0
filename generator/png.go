package generator

import (
	"bytes"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"image"
	"image/color"
	"image/png"
	"math"
)

// GridPNG writes the images of b as a square-ish mosaic PNG (1 px gaps),
// shown through the card's normalisation: y in [-1, 1] maps to 0-255, which
// is the 8-bit display image itself for gz-decals-rings and an arcsinh
// stretch for radio maps. Three or more bands show as RGB (bands 0, 1, 2).
func GridPNG(path string, c *Card, b *Batch) error {
	if b.N == 0 {
		return fmt.Errorf("generator: grid %s: no images", path)
	}
	cols := int(math.Ceil(math.Sqrt(float64(b.N))))
	rows := (b.N + cols - 1) / cols
	n := b.Size
	img := image.NewRGBA(image.Rect(0, 0, cols*(n+1)+1, rows*(n+1)+1))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	plane := n * n
	for k := 0; k < b.N; k++ {
		s := b.Image(k)
		ox, oy := 1+(k%cols)*(n+1), 1+(k/cols)*(n+1)
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				var rgb [3]uint8
				for ch := 0; ch < 3; ch++ {
					band := ch
					if b.Bands < 3 {
						band = 0
					}
					v := c.Norm.Forward(float64(s[band*plane+y*n+x]))
					rgb[ch] = uint8(math.Round(255 * math.Min(math.Max((v+1)/2, 0), 1)))
				}
				// FITS y runs up; PNG rows run down.
				img.Set(ox+x, oy+n-1-y, color.RGBA{R: rgb[0], G: rgb[1], B: rgb[2], A: 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("generator: grid %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}
