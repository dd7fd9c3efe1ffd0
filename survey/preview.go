package survey

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/galforge/galforge/pix"
)

// Preview limits: a mosaic of at most previewStamps stamps, or the field
// binned down to at most previewSide pixels on a side.
const (
	previewStamps = 64
	previewSide   = 1024
)

// writePreview makes the PNG preview of a stamp cube or field FITS file by
// streaming its primary data: it needs memory for the preview only.
func writePreview(fitsPath, pngPath string) error {
	hdus, err := scanHDUs(fitsPath)
	if err != nil {
		return err
	}
	h := hdus[0]
	nx, _ := h.hdr.Int("NAXIS1")
	ny, _ := h.hdr.Int("NAXIS2")
	f, err := os.Open(fitsPath)
	if err != nil {
		return fmt.Errorf("survey: %w", err)
	}
	defer f.Close()
	rd := bufio.NewReaderSize(io.NewSectionReader(f, h.dataStart, h.dataBytes), 1<<20)
	row := make([]float64, nx)
	readRow := func() error {
		var b [4]byte
		for i := range row {
			if _, err := io.ReadFull(rd, b[:]); err != nil {
				return fmt.Errorf("survey: preview of %s: %w", fitsPath, err)
			}
			row[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(b[:])))
		}
		return nil
	}
	if h.naxis == 3 {
		n := min(h.lastAxis, previewStamps)
		ims := make([]*pix.Image, n)
		for k := range n {
			m := pix.New(int(nx), int(ny), 0)
			for y := range int(ny) {
				if err := readRow(); err != nil {
					return err
				}
				copy(m.Pix[y*m.Stride:], row)
			}
			ims[k] = m
		}
		return pix.WritePNG(pngPath, pix.MosaicImages(ims, pix.AsinhStretch, pix.MosaicOptions{}))
	}
	bin := int(max((nx+previewSide-1)/previewSide, (ny+previewSide-1)/previewSide, 1))
	m := pix.New(int(nx)/bin+boolInt(int(nx)%bin != 0), int(ny)/bin+boolInt(int(ny)%bin != 0), 0)
	for y := range int(ny) {
		if err := readRow(); err != nil {
			return err
		}
		for x, v := range row {
			m.Pix[(y/bin)*m.Stride+x/bin] += v
		}
	}
	return pix.WritePNG(pngPath, fieldStretch.Gray(m))
}

// fieldStretch shows a field: the median (the sky) black, an asinh curve up
// to the 99.98th percentile, so that galaxies stand out of the noise.
var fieldStretch = pix.Stretch{Func: pix.StretchAsinh, Low: 50, High: 99.98, Soft: 0.05}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
