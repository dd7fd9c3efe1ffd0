package fits

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"unsafe"
)

// Image is an n-dimensional array of physical pixel values. Axes are in FITS
// order (Axes[0] = NAXIS1); Data has the first axis (x) fastest, so pixel
// (x, y) of a 2-D image is Data[y*Axes[0]+x].
type Image struct {
	Axes []int
	Data []float64
}

// NewImage returns a zeroed image with the given axes (FITS order).
func NewImage(axes ...int) *Image {
	n := 1
	for _, a := range axes {
		n *= a
	}
	return &Image{Axes: append([]int(nil), axes...), Data: make([]float64, n)}
}

// At returns pixel (x, y) of a 2-D image (0-based).
func (m *Image) At(x, y int) float64 { return m.Data[y*m.Axes[0]+x] }

// scaling holds BSCALE, BZERO and BLANK of an integer array.
type scaling struct {
	scale, zero float64
	blank       int64
	hasBlank    bool
}

func (s scaling) identity() bool { return s.scale == 1 && s.zero == 0 && !s.hasBlank }

func (h *HDU) imageScaling() scaling {
	s := scaling{scale: 1}
	if v, ok := h.hdr.Float("BSCALE"); ok {
		s.scale = v
	}
	if v, ok := h.hdr.Float("BZERO"); ok {
		s.zero = v
	}
	if h.bitpix > 0 {
		s.blank, s.hasBlank = h.hdr.Int("BLANK")
	}
	return s
}

var hostBigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// convert decodes big-endian raw values of the given BITPIX into physical
// values: v*scale + zero, BLANK to NaN.
func convert(dst []float64, raw []byte, bitpix int, s scaling) {
	id := s.scale == 1 && s.zero == 0
	switch bitpix {
	case 8:
		for i := range dst {
			v := raw[i]
			if s.hasBlank && int64(v) == s.blank {
				dst[i] = math.NaN()
			} else {
				dst[i] = float64(v)*s.scale + s.zero
			}
		}
	case 16:
		raw = raw[:2*len(dst)]
		for i := range dst {
			v := int16(binary.BigEndian.Uint16(raw[2*i:]))
			if s.hasBlank && int64(v) == s.blank {
				dst[i] = math.NaN()
			} else {
				dst[i] = float64(v)*s.scale + s.zero
			}
		}
	case 32:
		raw = raw[:4*len(dst)]
		for i := range dst {
			v := int32(binary.BigEndian.Uint32(raw[4*i:]))
			if s.hasBlank && int64(v) == s.blank {
				dst[i] = math.NaN()
			} else {
				dst[i] = float64(v)*s.scale + s.zero
			}
		}
	case 64:
		raw = raw[:8*len(dst)]
		for i := range dst {
			v := int64(binary.BigEndian.Uint64(raw[8*i:]))
			switch {
			case s.hasBlank && v == s.blank:
				dst[i] = math.NaN()
			case s.scale == 1 && s.zero == 9223372036854775808:
				dst[i] = float64(uint64(v) ^ 1<<63)
			default:
				dst[i] = float64(v)*s.scale + s.zero
			}
		}
	case -32:
		raw = raw[:4*len(dst)]
		for i := range dst {
			v := float64(math.Float32frombits(binary.BigEndian.Uint32(raw[4*i:])))
			if !id {
				v = v*s.scale + s.zero
			}
			dst[i] = v
		}
	case -64:
		raw = raw[:8*len(dst)]
		for i := range dst {
			v := math.Float64frombits(binary.BigEndian.Uint64(raw[8*i:]))
			if !id {
				v = v*s.scale + s.zero
			}
			dst[i] = v
		}
	}
}

func product(axes []int) int {
	n := 1
	for _, a := range axes {
		n *= a
	}
	return n
}

// chunkBytes is the read size used when decoding data in pieces.
const chunkBytes = 1 << 20

// readPhysical reads n values starting at value index first of the data
// unit and converts them to physical values.
func (h *HDU) readPhysical(dst []float64, first int64) error {
	return h.readPhysicalWith(dst, first, h.imageScaling())
}

var nan = math.NaN()

// readPhysicalWith is readPhysical with explicit scaling.
func (h *HDU) readPhysicalWith(dst []float64, first int64, s scaling) error {
	bpp := abs(h.bitpix) / 8
	buf := make([]byte, min(chunkBytes, len(dst)*bpp))
	per := len(buf) / max(bpp, 1)
	for done := 0; done < len(dst); {
		n := min(per, len(dst)-done)
		if err := h.readData(buf[:n*bpp], (first+int64(done))*int64(bpp)); err != nil {
			return err
		}
		convert(dst[done:done+n], buf, h.bitpix, s)
		done += n
	}
	return nil
}

func (h *HDU) checkImage() error {
	switch h.kind {
	case KindPrimary, KindImage:
		return h.available()
	case KindGroups:
		return h.errf("random-groups data: use Groups")
	}
	return h.errf("%s HDU has no image", h.kind)
}

// Image reads the whole array as physical values (BSCALE/BZERO applied,
// BLANK as NaN); a tile-compressed image is decompressed.
func (h *HDU) Image() (*Image, error) {
	if h.kind == KindCompressed {
		return h.compressedImage()
	}
	if err := h.checkImage(); err != nil {
		return nil, err
	}
	if len(h.axes) == 0 {
		return &Image{}, nil
	}
	img := NewImage(h.axes...)
	if err := h.readPhysical(img.Data, 0); err != nil {
		return nil, err
	}
	return img, nil
}

// Plane returns 2-D plane k of a cube, k counting over NAXIS3..NAXISn with
// NAXIS3 fastest, reading only that plane.
func (h *HDU) Plane(k int) (*Image, error) {
	if h.kind == KindCompressed {
		img, err := h.compressedImage()
		if err != nil {
			return nil, err
		}
		return planeOf(h, img, k)
	}
	if err := h.checkImage(); err != nil {
		return nil, err
	}
	if len(h.axes) < 2 {
		return nil, h.errf("keyword NAXIS: %d axes, a plane needs at least 2", len(h.axes))
	}
	nplanes := product(h.axes[2:])
	if k < 0 || k >= nplanes {
		return nil, h.errf("plane %d out of range [0, %d)", k, nplanes)
	}
	img := NewImage(h.axes[0], h.axes[1])
	if err := h.readPhysical(img.Data, int64(k)*int64(len(img.Data))); err != nil {
		return nil, err
	}
	return img, nil
}

func planeOf(h *HDU, img *Image, k int) (*Image, error) {
	if len(img.Axes) < 2 {
		return nil, h.errf("%d axes, a plane needs at least 2", len(img.Axes))
	}
	nplanes := product(img.Axes[2:])
	if k < 0 || k >= nplanes {
		return nil, h.errf("plane %d out of range [0, %d)", k, nplanes)
	}
	n := img.Axes[0] * img.Axes[1]
	return &Image{Axes: img.Axes[:2:2], Data: img.Data[k*n : (k+1)*n]}, nil
}

// Window returns the sub-rectangle x0 <= x < x1, y0 <= y < y1 (0-based) of a
// 2-D image (or of the first plane of a cube), reading only the rows it needs.
func (h *HDU) Window(x0, y0, x1, y1 int) (*Image, error) { return h.PlaneWindow(0, x0, y0, x1, y1) }

// PlaneWindow is Window on plane k of a cube.
func (h *HDU) PlaneWindow(k, x0, y0, x1, y1 int) (*Image, error) {
	var axes []int
	if h.kind == KindCompressed {
		axes = h.Axes()
	} else {
		if err := h.checkImage(); err != nil {
			return nil, err
		}
		axes = h.axes
	}
	if len(axes) < 2 {
		return nil, h.errf("keyword NAXIS: %d axes, a window needs 2", len(axes))
	}
	nx, ny := axes[0], axes[1]
	if x0 < 0 || y0 < 0 || x1 > nx || y1 > ny || x0 >= x1 || y0 >= y1 {
		return nil, h.errf("window [%d,%d)x[%d,%d) outside the %dx%d image or empty", x0, x1, y0, y1, nx, ny)
	}
	if nplanes := product(axes[2:]); k < 0 || k >= nplanes {
		return nil, h.errf("plane %d out of range [0, %d)", k, nplanes)
	}
	w := x1 - x0
	out := NewImage(w, y1-y0)
	if h.kind == KindCompressed {
		img, err := h.Plane(k)
		if err != nil {
			return nil, err
		}
		for y := y0; y < y1; y++ {
			copy(out.Data[(y-y0)*w:], img.Data[y*nx+x0:y*nx+x1])
		}
		return out, nil
	}
	base := int64(k) * int64(nx) * int64(ny)
	if x0 == 0 && x1 == nx {
		return out, h.readPhysical(out.Data, base+int64(y0)*int64(nx))
	}
	for y := y0; y < y1; y++ {
		if err := h.readPhysical(out.Data[(y-y0)*w:(y-y0+1)*w], base+int64(y)*int64(nx)+int64(x0)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Native returns the stored array without conversion to float64, as a
// native-endian slice: []uint8, []int16, []int32, []int64, []float32 or
// []float64 by BITPIX. The unsigned conventions (BSCALE = 1 with BZERO =
// -128, 32768, 2^31 or 2^63) give []int8, []uint16, []uint32 or []uint64;
// any other BSCALE/BZERO/BLANK is not applied (use Image for physical values).
func (h *HDU) Native() (any, error) {
	if err := h.checkImage(); err != nil {
		return nil, err
	}
	n := product(h.axes)
	if len(h.axes) == 0 {
		n = 0
	}
	s := h.imageScaling()
	conv := s.scale == 1 && !s.hasBlank
	switch h.bitpix {
	case 8:
		v := make([]uint8, n)
		if err := h.readData(v, 0); err != nil {
			return nil, err
		}
		if conv && s.zero == -128 {
			out := unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(v))), n)
			for i := range v {
				v[i] ^= 0x80
			}
			return out, nil
		}
		return v, nil
	case 16:
		v := make([]uint16, n)
		if err := readSwapped(h, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 2*n), 2); err != nil {
			return nil, err
		}
		if conv && s.zero == 32768 {
			for i := range v {
				v[i] ^= 0x8000
			}
			return v, nil
		}
		return unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(v))), n), nil
	case 32:
		v := make([]uint32, n)
		if err := readSwapped(h, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*n), 4); err != nil {
			return nil, err
		}
		if conv && s.zero == 2147483648 {
			for i := range v {
				v[i] ^= 0x80000000
			}
			return v, nil
		}
		return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(v))), n), nil
	case 64:
		v := make([]uint64, n)
		if err := readSwapped(h, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*n), 8); err != nil {
			return nil, err
		}
		if conv && s.zero == 9223372036854775808 {
			for i := range v {
				v[i] ^= 1 << 63
			}
			return v, nil
		}
		return unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(v))), n), nil
	case -32:
		v := make([]float32, n)
		return v, readSwapped(h, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*n), 4)
	default:
		v := make([]float64, n)
		return v, readSwapped(h, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*n), 8)
	}
}

// Float32 returns a BITPIX -32 array as native float32 values, without
// scaling; other BITPIX values are an error.
func (h *HDU) Float32() ([]float32, error) {
	if h.bitpix != -32 {
		return nil, h.errf("keyword BITPIX: %d, not -32", h.bitpix)
	}
	v, err := h.Native()
	if err != nil {
		return nil, err
	}
	return v.([]float32), nil
}

// readSwapped reads the data unit into b in chunks, turning each chunk from
// big-endian words of the given size to native order while it is in cache.
// For large arrays a second goroutine swaps one chunk while the next is read.
func readSwapped(h *HDU, b []byte, size int) error {
	const chunk = 1 << 20
	if len(b) < 8*chunk || hostBigEndian || size == 1 || runtime.GOMAXPROCS(0) < 2 {
		for off := 0; off < len(b); off += chunk {
			end := min(off+chunk, len(b))
			if err := h.readData(b[off:end], int64(off)); err != nil {
				return err
			}
			swapInPlace(b[off:end], size)
		}
		return nil
	}
	pending := make(chan []byte, 8)
	done := make(chan struct{})
	go func() {
		for c := range pending {
			swapInPlace(c, size)
		}
		close(done)
	}()
	var err error
	for off := 0; off < len(b); off += chunk {
		end := min(off+chunk, len(b))
		if err = h.readData(b[off:end], int64(off)); err != nil {
			break
		}
		pending <- b[off:end]
	}
	close(pending)
	<-done
	return err
}

// swapInPlace reverses the byte order of each size-byte word of b
// (nothing on big-endian hosts).
func swapInPlace(b []byte, size int) {
	if hostBigEndian || size == 1 || len(b) == 0 {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	switch size {
	case 2:
		w := unsafe.Slice((*uint16)(p), len(b)/2)
		for i, v := range w {
			w[i] = bits.ReverseBytes16(v)
		}
	case 4:
		w := unsafe.Slice((*uint32)(p), len(b)/4)
		for i, v := range w {
			w[i] = bits.ReverseBytes32(v)
		}
	case 8:
		w := unsafe.Slice((*uint64)(p), len(b)/8)
		for i, v := range w {
			w[i] = bits.ReverseBytes64(v)
		}
	}
}

// ReadImageFile opens path and reads one image HDU: hdu is an index or
// EXTNAME, or "" for the first HDU with data.
func ReadImageFile(path, hdu string) (*Image, *Header, error) {
	f, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var h *HDU
	if hdu == "" {
		h, err = f.DataHDU()
	} else {
		h, err = f.Find(hdu)
	}
	if err != nil {
		return nil, nil, err
	}
	img, err := h.Image()
	if err != nil {
		return nil, nil, err
	}
	return img, h.Header(), nil
}

// checkAxes verifies that img's data length matches its axes.
func checkAxes(img *Image) error {
	if img == nil {
		return fmt.Errorf("nil image")
	}
	n := 1
	for _, a := range img.Axes {
		if a < 0 {
			return fmt.Errorf("negative axis length %d", a)
		}
		n *= a
	}
	if len(img.Axes) == 0 {
		n = 0
	}
	if n != len(img.Data) {
		return fmt.Errorf("axes %v need %d values, Data has %d", img.Axes, n, len(img.Data))
	}
	return nil
}
