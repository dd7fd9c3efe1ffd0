package fits

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"runtime/debug"
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
	var dst any
	switch h.bitpix {
	case 8:
		dst = make([]uint8, n)
	case 16:
		dst = make([]int16, n)
	case 32:
		dst = make([]int32, n)
	case 64:
		dst = make([]int64, n)
	case -32:
		dst = make([]float32, n)
	default:
		dst = make([]float64, n)
	}
	if err := h.NativeInto(dst); err != nil {
		return nil, err
	}
	s := h.imageScaling()
	if s.scale != 1 || s.hasBlank {
		return dst, nil
	}
	// unsigned (and signed-byte) conventions: flip the sign bit
	switch v := dst.(type) {
	case []uint8:
		if s.zero == -128 {
			for i := range v {
				v[i] ^= 0x80
			}
			return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(v))), n), nil
		}
	case []int16:
		if s.zero == 32768 {
			u := unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(v))), n)
			for i := range u {
				u[i] ^= 0x8000
			}
			return u, nil
		}
	case []int32:
		if s.zero == 2147483648 {
			u := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(v))), n)
			for i := range u {
				u[i] ^= 0x80000000
			}
			return u, nil
		}
	case []int64:
		if s.zero == 9223372036854775808 {
			u := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(v))), n)
			for i := range u {
				u[i] ^= 1 << 63
			}
			return u, nil
		}
	}
	return dst, nil
}

// NativeInto reads the stored array, unscaled, into dst, a caller-owned slice
// of the BITPIX type ([]uint8, []int16, []int32, []int64, []float32 or
// []float64) with exactly NAXIS1*...*NAXISn elements: Native without the
// allocation, for reading many arrays into one buffer.
func (h *HDU) NativeInto(dst any) error {
	if err := h.checkImage(); err != nil {
		return err
	}
	n := product(h.axes)
	if len(h.axes) == 0 {
		n = 0
	}
	var b []byte
	var m int
	switch v := dst.(type) {
	case []uint8:
		b, m = v, len(v)
	case []int16:
		b, m = byteView(v, 2), len(v)
	case []int32:
		b, m = byteView(v, 4), len(v)
	case []int64:
		b, m = byteView(v, 8), len(v)
	case []float32:
		b, m = byteView(v, 4), len(v)
	case []float64:
		b, m = byteView(v, 8), len(v)
	default:
		return h.errf("NativeInto: unsupported destination %T", dst)
	}
	if want := map[int]int{8: 1, 16: 2, 32: 4, 64: 8, -32: 4, -64: 8}[h.bitpix]; len(b) != m*want || (h.bitpix < 0) != isFloatSlice(dst) {
		return h.errf("keyword BITPIX: %d does not match a destination of type %T", h.bitpix, dst)
	}
	if m != n {
		return h.errf("NativeInto: destination has %d elements, the array %d", m, n)
	}
	if h.bitpix == 8 {
		return h.readData(b, 0)
	}
	return readSwapped(h, b, abs(h.bitpix)/8)
}

func isFloatSlice(v any) bool {
	switch v.(type) {
	case []float32, []float64:
		return true
	}
	return false
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
	if fs, ok := h.f.src.(*fileSource); ok && len(b) >= 8*chunk && !hostBigEndian && size > 1 {
		// swap straight from the page cache through a memory map
		if m, unmap := mapRange(fs.f, h.dataOff, int64(len(b))); m != nil {
			err := swapFrom(b, m[:len(b)], size)
			unmap()
			if err == nil {
				return nil
			}
			// a fault in the mapping (the file shrank): read normally below
		}
	}
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

// swapFrom copies src to dst reversing the byte order of each size-byte
// word, split over the available cores. A fault while reading src (a mapped
// file truncated meanwhile) is returned as an error instead of crashing.
func swapFrom(dst, src []byte, size int) error {
	parts := min(runtime.GOMAXPROCS(0), 4)
	words := len(dst) / size
	per := (words + parts - 1) / parts
	errs := make(chan error, parts)
	for p := 0; p < parts; p++ {
		lo, hi := min(p*per, words)*size, min((p+1)*per, words)*size
		go func(d, s []byte) {
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					errs <- fmt.Errorf("reading mapped file: %v", r)
				}
			}()
			swapCopy(d, s, size)
			errs <- nil
		}(dst[lo:hi], src[lo:hi])
	}
	var err error
	for p := 0; p < parts; p++ {
		if e := <-errs; e != nil {
			err = e
		}
	}
	return err
}

// swapCopy is swapFrom's work on one piece: dst = byte-reversed words of src.
func swapCopy(dst, src []byte, size int) {
	if len(dst) == 0 {
		return
	}
	pd, ps := unsafe.Pointer(unsafe.SliceData(dst)), unsafe.Pointer(unsafe.SliceData(src))
	switch size {
	case 2:
		d, s := unsafe.Slice((*uint16)(pd), len(dst)/2), unsafe.Slice((*uint16)(ps), len(dst)/2)
		for i := range d {
			d[i] = bits.ReverseBytes16(s[i])
		}
	case 4:
		d, s := unsafe.Slice((*uint32)(pd), len(dst)/4), unsafe.Slice((*uint32)(ps), len(dst)/4)
		for i := range d {
			d[i] = bits.ReverseBytes32(s[i])
		}
	case 8:
		d, s := unsafe.Slice((*uint64)(pd), len(dst)/8), unsafe.Slice((*uint64)(ps), len(dst)/8)
		for i := range d {
			d[i] = bits.ReverseBytes64(s[i])
		}
	}
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
