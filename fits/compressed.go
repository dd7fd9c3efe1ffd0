package fits

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Tile-compressed images (the .fits.fz form): the image is cut into tiles,
// each tile compressed into one row of a binary table (COMPRESSED_DATA, a
// variable-length byte array). Floating-point images are usually quantized
// to integers first: v = (i - r + 0.5)*ZSCALE + ZZERO with dither r drawn
// from a fixed pseudo-random sequence (or r = 0.5 without dithering).

// ditherRand is the FITS standard's table of 10000 uniform numbers in (0,1),
// a Park–Miller sequence (a = 16807, m = 2^31-1) seeded with 1.
var ditherRand = func() []float32 {
	const a, m = 16807.0, 2147483647.0
	r := make([]float32, 10000)
	seed := 1.0
	for i := range r {
		t := a * seed
		seed = t - m*math.Trunc(t/m)
		r[i] = float32(seed / m)
	}
	return r
}()

// maxExpansion bounds pixels per compressed byte (Rice codes a constant
// block of 32 pixels in 5 bits, about 51 pixels a byte; gzip can do more).
const maxExpansion = 1024

const (
	nullValueQ = -2147483647 // quantized value of a NaN pixel when ZBLANK is absent
	zeroValueQ = -2147483646 // SUBTRACTIVE_DITHER_2: an exact zero
)

// ImageHeader returns the header of the image a compressed HDU holds:
// ZBITPIX, ZNAXISn, ... turned back into BITPIX, NAXISn and the compression
// keywords dropped. For other HDUs it returns Header().
func (h *HDU) ImageHeader() *Header {
	if h.kind != KindCompressed {
		return h.hdr
	}
	out := NewHeader()
	if h.index == 0 {
		out.Set("SIMPLE", true, "conforms to FITS standard")
	} else {
		out.Set("XTENSION", "IMAGE", "Image extension")
	}
	out.Set("BITPIX", h.Bitpix(), "array data type")
	axes := h.Axes()
	out.Set("NAXIS", len(axes), "number of array dimensions")
	for i, a := range axes {
		out.Set(fmt.Sprintf("NAXIS%d", i+1), a, "")
	}
	if h.index > 0 {
		out.Set("PCOUNT", 0, "")
		out.Set("GCOUNT", 1, "")
	}
	for _, c := range h.hdr.cards {
		if c.hasValue && (structural(c.Key, true) || strings.HasPrefix(c.Key, "Z") && compressionKey(c.Key)) {
			continue
		}
		out.cards = append(out.cards, c)
	}
	return out
}

func compressionKey(k string) bool {
	switch k {
	case "ZIMAGE", "ZBITPIX", "ZNAXIS", "ZCMPTYPE", "ZQUANTIZ", "ZDITHER0", "ZTENSION", "ZPCOUNT", "ZGCOUNT",
		"ZSIMPLE", "ZEXTEND", "ZBLOCKED", "ZHECKSUM", "ZDATASUM", "ZBLANK":
		return true
	}
	for _, p := range []string{"ZNAXIS", "ZTILE", "ZNAME", "ZVAL"} {
		if strings.HasPrefix(k, p) && allDigits(k[len(p):]) {
			return true
		}
	}
	return false
}

// compressedImage decompresses every tile of a ZIMAGE HDU.
func (h *HDU) compressedImage() (*Image, error) {
	hd := h.hdr
	t, err := h.Table()
	if err != nil {
		return nil, err
	}
	zbitpix := h.Bitpix()
	switch zbitpix {
	case 8, 16, 32, 64, -32, -64:
	default:
		return nil, h.errf("keyword ZBITPIX: bad value %d", zbitpix)
	}
	axes := h.Axes()
	if len(axes) == 0 {
		return &Image{}, nil
	}
	total := 1
	for _, a := range axes {
		if a <= 0 {
			return nil, h.errf("keyword ZNAXIS: empty axis")
		}
		total *= a
		// a bound on what the tiles can expand to stops absurd ZNAXISn
		// values from allocating memory the data could never fill
		if total > 1<<31 || int64(total) > maxExpansion*(h.dataLen+BlockSize) {
			return nil, h.errf("keyword ZNAXIS: image of %v pixels too large for %d bytes of compressed data", axes, h.dataLen)
		}
	}
	tile := make([]int, len(axes))
	for i := range tile {
		tile[i] = 1
		if i == 0 {
			tile[i] = axes[0]
		}
		if v, ok := hd.Int(fmt.Sprintf("ZTILE%d", i+1)); ok {
			if v <= 0 {
				return nil, h.errf("keyword ZTILE%d: %d", i+1, v)
			}
			tile[i] = int(min(v, int64(axes[i])))
		}
	}
	cmp, _ := hd.String("ZCMPTYPE")
	cmp = strings.ToUpper(strings.TrimSpace(cmp))
	param := map[string]int64{}
	for i := 1; i < 100; i++ {
		name, ok := hd.String(fmt.Sprintf("ZNAME%d", i))
		if !ok {
			break
		}
		if v, ok := hd.Int(fmt.Sprintf("ZVAL%d", i)); ok {
			param[strings.ToUpper(strings.TrimSpace(name))] = v
		}
	}
	quant, _ := hd.String("ZQUANTIZ")
	quant = strings.ToUpper(strings.TrimSpace(quant))
	dither0, ok := hd.Int("ZDITHER0")
	if !ok {
		dither0 = 1
	}
	colData, err := t.col("COMPRESSED_DATA")
	if err != nil {
		return nil, err
	}
	if colData.Var == 0 {
		return nil, h.errf("column COMPRESSED_DATA: not a variable-length array")
	}
	colGzip, _ := t.col("GZIP_COMPRESSED_DATA")
	colRaw, _ := t.col("UNCOMPRESSED_DATA")
	colScale, _ := t.col("ZSCALE")
	colZero, _ := t.col("ZZERO")
	colBlank, _ := t.col("ZBLANK")
	zblank, hasZblank := hd.Int("ZBLANK")
	if !hasZblank && zbitpix > 0 {
		zblank, hasZblank = hd.Int("BLANK")
	}
	zscaleKw, hasScaleKw := hd.Float("ZSCALE")
	zzeroKw, _ := hd.Float("ZZERO")
	quantized := zbitpix < 0 && (colScale != nil || hasScaleKw)
	isc := h.imageScaling()
	if zbitpix < 0 {
		isc = scaling{scale: 1}
	}

	ntile := make([]int, len(axes))
	nt := 1
	for i := range axes {
		ntile[i] = (axes[i] + tile[i] - 1) / tile[i]
		nt *= ntile[i]
	}
	if nt != t.rows {
		return nil, h.errf("keyword NAXIS2: %d rows, the tiling needs %d", t.rows, nt)
	}
	img := NewImage(axes...)
	tidx := make([]int, len(axes))
	ints := make([]int64, 0)
	for row := 0; row < nt; row++ {
		// this tile's corner and shape
		shape := make([]int, len(axes))
		npix := 1
		for i := range axes {
			shape[i] = min(tile[i], axes[i]-tidx[i]*tile[i])
			npix *= shape[i]
		}
		vals := make([]float64, npix)
		raw, _, err := t.rawElems(colData, row)
		if err != nil {
			return nil, err
		}
		tileErr := func(err error) error { return h.errf("tile %d (%s): %w", row+1, cmp, err) }
		switch {
		case len(raw) > 0:
			if cap(ints) < npix {
				ints = make([]int64, npix)
			}
			ints = ints[:npix]
			if err := decompressTile(cmp, raw, ints, zbitpix, quantized, param); err != nil {
				if errors.Is(err, errFloatTile) {
					if err := floatTile(cmp, raw, vals, zbitpix); err != nil {
						return nil, tileErr(err)
					}
					break
				}
				return nil, tileErr(err)
			}
			if quantized {
				scale, zero := zscaleKw, zzeroKw
				if colScale != nil {
					scale = colScale.elemFloat(t.field(colScale, row), 0)
				}
				if colZero != nil {
					zero = colZero.elemFloat(t.field(colZero, row), 0)
				}
				blank, hasBlank := zblank, hasZblank
				if colBlank != nil {
					blank, hasBlank = int64(int32(binary.BigEndian.Uint32(t.field(colBlank, row)))), true
				}
				unquantize(vals, ints, scale, zero, blank, hasBlank, quant, row+1+int(dither0)-1, zbitpix)
			} else {
				blank, hasBlank := zblank, hasZblank
				if colBlank != nil {
					blank, hasBlank = int64(int32(binary.BigEndian.Uint32(t.field(colBlank, row)))), true
				}
				for i, v := range ints {
					if hasBlank && v == blank {
						vals[i] = math.NaN()
					} else if zbitpix == 64 && isc.scale == 1 && isc.zero == 9223372036854775808 {
						vals[i] = float64(uint64(v) ^ 1<<63)
					} else {
						vals[i] = float64(v)*isc.scale + isc.zero
					}
				}
			}
		case colGzip != nil || colRaw != nil:
			c := colGzip
			if c == nil {
				c = colRaw
			}
			r, _, err := t.rawElems(c, row)
			if err != nil {
				return nil, err
			}
			if c == colGzip {
				if r, err = gunzip(r, npix*abs(zbitpix)/8); err != nil {
					return nil, tileErr(err)
				}
				if err := floatTile("RAW", r, vals, zbitpix); err != nil {
					return nil, tileErr(err)
				}
			} else {
				// UNCOMPRESSED_DATA holds the values in the column's own type
				if c.Var == 0 {
					return nil, tileErr(errors.New("UNCOMPRESSED_DATA is not a variable-length array"))
				}
				_, n, _ := t.rawElems(c, row)
				if n != npix {
					return nil, tileErr(fmt.Errorf("UNCOMPRESSED_DATA has %d values, tile has %d", n, npix))
				}
				for i := range vals {
					vals[i] = c.elemFloat(r, i)
				}
			}
		default:
			return nil, tileErr(errors.New("empty tile"))
		}
		// place the tile
		placeTile(img, vals, tidx, tile, shape)
		for i := range tidx {
			tidx[i]++
			if tidx[i] < ntile[i] {
				break
			}
			tidx[i] = 0
		}
	}
	return img, nil
}

// placeTile copies a tile's values (x fastest) into the image.
func placeTile(img *Image, vals []float64, tidx, tile, shape []int) {
	axes := img.Axes
	nd := len(axes)
	pos := make([]int, nd) // position within the tile, dims 1..n-1
	w := shape[0]
	for k := 0; k < len(vals); k += w {
		off, stride := 0, 1
		for d := 0; d < nd; d++ {
			c := tidx[d] * tile[d]
			if d > 0 {
				c += pos[d]
			}
			off += c * stride
			stride *= axes[d]
		}
		copy(img.Data[off:off+w], vals[k:k+w])
		for d := 1; d < nd; d++ {
			pos[d]++
			if pos[d] < shape[d] {
				break
			}
			pos[d] = 0
		}
	}
}

var errFloatTile = errors.New("tile holds floating-point values")

// decompressTile decodes one tile into integers.
func decompressTile(cmp string, raw []byte, out []int64, zbitpix int, quantized bool, param map[string]int64) error {
	switch cmp {
	case "RICE_1", "RICE_ONE":
		bytepix := 4
		if zbitpix > 0 {
			bytepix = zbitpix / 8
		}
		if v, ok := param["BYTEPIX"]; ok {
			bytepix = int(v)
		}
		block := 32
		if v, ok := param["BLOCKSIZE"]; ok {
			block = int(v)
		}
		return riceDecode(raw, out, bytepix, block)
	case "GZIP_1", "GZIP_2":
		size := 4
		if !quantized {
			if zbitpix < 0 {
				return errFloatTile
			}
			size = zbitpix / 8
		}
		b, err := gunzip(raw, len(out)*size)
		if err != nil {
			return err
		}
		if cmp == "GZIP_2" {
			b = unshuffle(b, size)
		}
		for i := range out {
			switch size {
			case 1:
				out[i] = int64(b[i])
			case 2:
				out[i] = int64(int16(binary.BigEndian.Uint16(b[2*i:])))
			case 4:
				out[i] = int64(int32(binary.BigEndian.Uint32(b[4*i:])))
			case 8:
				out[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
			}
		}
		return nil
	case "NOCOMPRESS":
		return errFloatTile
	}
	return fmt.Errorf("compression %q not supported (RICE_1, GZIP_1, GZIP_2 are)", cmp)
}

// floatTile decodes an unquantized floating-point tile (GZIP or raw bytes).
func floatTile(cmp string, raw []byte, out []float64, zbitpix int) error {
	size := abs(zbitpix) / 8
	var err error
	switch cmp {
	case "GZIP_1", "GZIP_2":
		if raw, err = gunzip(raw, len(out)*size); err != nil {
			return err
		}
		if cmp == "GZIP_2" {
			raw = unshuffle(raw, size)
		}
	}
	if len(raw) != len(out)*size {
		return fmt.Errorf("tile has %d bytes, want %d", len(raw), len(out)*size)
	}
	convert(out, raw, zbitpix, scaling{scale: 1})
	return nil
}

// gunzip inflates b, which must give exactly want bytes.
func gunzip(b []byte, want int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out := make([]byte, want)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, fmt.Errorf("gzip tile shorter than %d bytes: %w", want, err)
	}
	return out, nil
}

// unshuffle undoes GZIP_2's byte shuffle: all first bytes of the values,
// then all second bytes, and so on.
func unshuffle(b []byte, size int) []byte {
	n := len(b) / size
	out := make([]byte, len(b))
	for j := 0; j < size; j++ {
		for i := 0; i < n; i++ {
			out[i*size+j] = b[j*n+i]
		}
	}
	return out
}

// unquantize turns quantized integers of one tile back into floats. seedRow
// is the 1-based tile row plus ZDITHER0 - 1, which picks the dither start.
func unquantize(out []float64, in []int64, scale, zero float64, blank int64, hasBlank bool, method string, seedRow, zbitpix int) {
	round := func(x float64) float64 {
		if zbitpix == -32 {
			return float64(float32(x))
		}
		return x
	}
	if method != "SUBTRACTIVE_DITHER_1" && method != "SUBTRACTIVE_DITHER_2" {
		for i, v := range in {
			if hasBlank && v == blank {
				out[i] = math.NaN()
			} else {
				out[i] = round(float64(v)*scale + zero)
			}
		}
		return
	}
	iseed := (seedRow - 1) % len(ditherRand)
	if iseed < 0 {
		iseed += len(ditherRand)
	}
	next := int(ditherRand[iseed] * 500)
	for i, v := range in {
		switch {
		case hasBlank && v == blank:
			out[i] = math.NaN()
		case method == "SUBTRACTIVE_DITHER_2" && v == zeroValueQ:
			out[i] = 0
		default:
			out[i] = round((float64(v)-float64(ditherRand[next])+0.5)*scale + zero)
		}
		next++
		if next == len(ditherRand) {
			iseed = (iseed + 1) % len(ditherRand)
			next = int(ditherRand[iseed] * 500)
		}
	}
}

// bitReader reads big-endian bit fields.
type bitReader struct {
	b    []byte
	pos  int    // next byte
	buf  uint64 // pending bits, left-aligned at bit n-1
	n    uint   // number of pending bits
	fail bool
}

func (r *bitReader) fill() {
	for r.n <= 56 && r.pos < len(r.b) {
		r.buf = r.buf<<8 | uint64(r.b[r.pos])
		r.pos++
		r.n += 8
	}
}

func (r *bitReader) bits(k uint) uint64 {
	if k == 0 {
		return 0
	}
	if r.n < k {
		r.fill()
		if r.n < k {
			r.fail = true
			return 0
		}
	}
	r.n -= k
	return (r.buf >> r.n) & (1<<k - 1)
}

// zeros counts 0 bits up to and including the next 1 bit.
func (r *bitReader) zeros() int {
	z := 0
	for {
		if r.n == 0 {
			r.fill()
			if r.n == 0 {
				r.fail = true
				return 0
			}
		}
		r.n--
		if r.buf>>r.n&1 == 1 {
			return z
		}
		z++
	}
}

// riceDecode decodes Rice-compressed differences (RICE_1): the first value
// raw, then blocks of `block` differences, each block starting with a code
// fs+1 (0: all zero; max: raw values; else Golomb–Rice codes of parameter fs)
// of zig-zag-mapped differences.
func riceDecode(in []byte, out []int64, bytepix, block int) error {
	var fsbits, fsmax, bbits uint
	switch bytepix {
	case 1:
		fsbits, fsmax, bbits = 3, 6, 8
	case 2:
		fsbits, fsmax, bbits = 4, 14, 16
	case 4:
		fsbits, fsmax, bbits = 5, 25, 32
	default:
		return fmt.Errorf("BYTEPIX %d not supported by RICE_1", bytepix)
	}
	if block <= 0 {
		return fmt.Errorf("bad BLOCKSIZE %d", block)
	}
	if len(in) < bytepix {
		return errors.New("compressed tile too short")
	}
	mask := uint32(1<<bbits - 1)
	var last uint32
	for i := 0; i < bytepix; i++ {
		last = last<<8 | uint32(in[i])
	}
	r := &bitReader{b: in[bytepix:]}
	signed := func(v uint32) int64 {
		switch bytepix {
		case 1:
			return int64(uint8(v))
		case 2:
			return int64(int16(v))
		}
		return int64(int32(v))
	}
	unmap := func(d uint32) uint32 {
		if d&1 == 0 {
			return d >> 1
		}
		return ^(d >> 1)
	}
	for i := 0; i < len(out); i += block {
		end := min(i+block, len(out))
		fs := int(r.bits(fsbits)) - 1
		switch {
		case fs < 0:
			for j := i; j < end; j++ {
				out[j] = signed(last)
			}
		case uint(fs) == fsmax:
			for j := i; j < end; j++ {
				last = (last + unmap(uint32(r.bits(bbits)))) & mask
				out[j] = signed(last)
			}
		default:
			for j := i; j < end; j++ {
				z := r.zeros()
				d := uint32(z)<<uint(fs) | uint32(r.bits(uint(fs)))
				last = (last + unmap(d)) & mask
				out[j] = signed(last)
			}
		}
		if r.fail {
			return errors.New("compressed tile ends early")
		}
	}
	return nil
}
