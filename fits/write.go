package fits

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Writer writes a FITS file HDU by HDU into a temporary file beside the
// target and renames it into place on Close. Set Checksum before writing to
// add DATASUM and CHECKSUM cards to every HDU.
type Writer struct {
	// Checksum adds CHECKSUM and DATASUM to each HDU written after it is set.
	Checksum bool

	path string
	tmp  *os.File
	bw   *bufio.Writer
	zw   *gzip.Writer
	w    io.Writer
	n    int // HDUs written
	err  error
}

// CheckOutput reports, in plain words, why a file cannot be written at
// path: its directory does not exist or is not a directory, or path is an
// existing directory. Commands call it for every output before writing any.
func CheckOutput(path string) error { return atomicfile.CheckOutput(path) }

// Create starts writing a FITS file at path (gzip-compressed if path ends
// in .gz). Nothing appears at path until Close succeeds.
func Create(path string) (*Writer, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := CheckOutput(path); err != nil {
		return nil, fmt.Errorf("fits: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("fits: %s: %w", path, err)
	}
	w := &Writer{path: path, tmp: tmp}
	w.bw = bufio.NewWriterSize(tmp, 1<<20)
	w.w = w.bw
	if strings.HasSuffix(path, ".gz") {
		w.zw = gzip.NewWriter(w.bw)
		w.w = w.zw
	}
	return w, nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

func (w *Writer) errf(format string, args ...any) error {
	return w.fail(fmt.Errorf("fits: %s: HDU %d: %w", w.path, w.n, fmt.Errorf(format, args...)))
}

// Close finishes the file and renames it into place. After any earlier
// error it removes the temporary file and returns that error.
func (w *Writer) Close() error {
	if w.tmp == nil {
		return w.err
	}
	if w.err == nil && w.n == 0 {
		// an empty file is not FITS: write an empty primary HDU
		w.writeHDU(primaryHeader(nil, 0, nil), nil)
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	var err error
	if w.zw != nil {
		err = w.zw.Close()
	}
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil {
		err = w.tmp.Chmod(0o644)
	}
	if err == nil {
		err = w.tmp.Sync()
	}
	if cerr := w.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.tmp.Name(), w.path)
	}
	if err != nil {
		os.Remove(w.tmp.Name())
		w.tmp = nil
		return w.fail(fmt.Errorf("fits: %s: %w", w.path, err))
	}
	w.tmp = nil
	return nil
}

// Abort drops the temporary file; nothing is written at the target path.
func (w *Writer) Abort() {
	if w.tmp == nil {
		return
	}
	w.tmp.Close()
	os.Remove(w.tmp.Name())
	w.tmp = nil
	if w.err == nil {
		w.err = errors.New("fits: " + w.path + ": writing aborted")
	}
}

// structural keywords the writer sets itself; copies in user headers are dropped.
func structural(key string, table bool) bool {
	switch key {
	case "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "EXTEND", "PCOUNT", "GCOUNT", "END", "GROUPS",
		"CHECKSUM", "DATASUM", "THEAP", "ZIMAGE":
		return true
	}
	if strings.HasPrefix(key, "NAXIS") && allDigits(key[5:]) {
		return true
	}
	if table {
		if key == "TFIELDS" {
			return true
		}
		for _, p := range []string{"TTYPE", "TFORM", "TUNIT", "TDIM", "TSCAL", "TZERO", "TNULL", "TBCOL", "TDISP"} {
			if strings.HasPrefix(key, p) && allDigits(key[len(p):]) {
				return true
			}
		}
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// primaryHeader builds a primary (or, with ext, IMAGE extension) header:
// mandatory cards first, then the user's cards in their order.
func primaryHeader(user *Header, bitpix int, axes []int) *Header {
	h := NewHeader()
	h.Set("SIMPLE", true, "conforms to FITS standard")
	if bitpix == 0 {
		bitpix = 8
	}
	h.Set("BITPIX", bitpix, "array data type")
	h.Set("NAXIS", len(axes), "number of array dimensions")
	for i, a := range axes {
		h.Set(fmt.Sprintf("NAXIS%d", i+1), a, "")
	}
	h.Set("EXTEND", true, "")
	appendUser(h, user, false)
	return h
}

func extensionHeader(xt string, user *Header, bitpix int, axes []int, pcount int64, table bool) *Header {
	h := NewHeader()
	h.Set("XTENSION", xt, map[string]string{"IMAGE": "Image extension", "BINTABLE": "binary table extension"}[xt])
	h.Set("BITPIX", bitpix, "array data type")
	h.Set("NAXIS", len(axes), "number of array dimensions")
	for i, a := range axes {
		h.Set(fmt.Sprintf("NAXIS%d", i+1), a, "")
	}
	h.Set("PCOUNT", pcount, "number of parameters")
	h.Set("GCOUNT", 1, "number of groups")
	if !table {
		appendUser(h, user, false)
	}
	return h
}

func appendUser(h, user *Header, table bool) {
	if user == nil {
		return
	}
	for _, c := range user.cards {
		if c.hasValue && structural(c.Key, table) {
			continue
		}
		h.cards = append(h.cards, c)
	}
}

// WriteImage writes img as the primary HDU (first call) or as an IMAGE
// extension, stored with the given BITPIX (8, 16, 32, 64, -32, -64). For
// integer BITPIX, values are stored as round((v - BZERO)/BSCALE) with BSCALE
// and BZERO from hdr (default 1 and 0), NaN as BLANK (which hdr must then
// give); a value out of range is an error.
func (w *Writer) WriteImage(hdr *Header, img *Image, bitpix int) error {
	if w.err != nil {
		return w.err
	}
	if err := checkAxes(img); err != nil {
		return w.errf("%w", err)
	}
	switch bitpix {
	case 8, 16, 32, 64, -32, -64:
	default:
		return w.errf("keyword BITPIX: bad value %d (want 8, 16, 32, 64, -32 or -64)", bitpix)
	}
	var h *Header
	if w.n == 0 {
		h = primaryHeader(hdr, bitpix, img.Axes)
	} else {
		h = extensionHeader("IMAGE", hdr, bitpix, img.Axes, 0, false)
	}
	s := scaling{scale: 1}
	if bitpix > 0 {
		if v, ok := h.Float("BSCALE"); ok {
			s.scale = v
		}
		s.zero, _ = h.Float("BZERO")
		s.blank, s.hasBlank = h.Int("BLANK")
		if s.scale == 0 {
			return w.errf("keyword BSCALE: zero")
		}
	} else {
		// float data are written as they are; drop scaling that would change them
		h.Delete("BSCALE")
		h.Delete("BZERO")
		h.Delete("BLANK")
	}
	data, err := encodeImage(img.Data, bitpix, s)
	if err != nil {
		return w.errf("%w", err)
	}
	return w.writeHDU(h, data)
}

// encodeImage stores physical values as big-endian BITPIX values.
func encodeImage(v []float64, bitpix int, s scaling) ([]byte, error) {
	bpp := abs(bitpix) / 8
	out := make([]byte, len(v)*bpp)
	lo, hi := intRange(bitpix)
	for i, x := range v {
		switch bitpix {
		case -32:
			binary.BigEndian.PutUint32(out[4*i:], math.Float32bits(float32(x)))
			continue
		case -64:
			binary.BigEndian.PutUint64(out[8*i:], math.Float64bits(x))
			continue
		}
		var r int64
		if math.IsNaN(x) {
			if !s.hasBlank {
				return nil, fmt.Errorf("pixel %d is NaN and keyword BLANK is not set", i)
			}
			r = s.blank
		} else {
			var f float64
			if bitpix == 64 && s.scale == 1 && s.zero == 9223372036854775808 {
				if x < 0 || x >= 18446744073709551616 {
					return nil, fmt.Errorf("pixel %d = %g out of range for unsigned 64-bit", i, x)
				}
				r = int64(uint64(x) ^ 1<<63)
				binary.BigEndian.PutUint64(out[8*i:], uint64(r))
				continue
			}
			f = math.Round((x - s.zero) / s.scale)
			if !(f >= lo && f <= hi) {
				return nil, fmt.Errorf("pixel %d = %g out of range for BITPIX %d (BSCALE %g, BZERO %g)", i, x, bitpix, s.scale, s.zero)
			}
			r = int64(f)
		}
		switch bitpix {
		case 8:
			out[i] = byte(r)
		case 16:
			binary.BigEndian.PutUint16(out[2*i:], uint16(r))
		case 32:
			binary.BigEndian.PutUint32(out[4*i:], uint32(r))
		case 64:
			binary.BigEndian.PutUint64(out[8*i:], uint64(r))
		}
	}
	return out, nil
}

// intRange is the range of stored values of an integer BITPIX.
func intRange(bitpix int) (lo, hi float64) {
	switch bitpix {
	case 8:
		return 0, 255
	case 16:
		return -32768, 32767
	case 32:
		return -2147483648, 2147483647
	}
	return -9223372036854775808, 9223372036854775807
}

// writeHDU writes a header and its data, padded, adding checksums if asked.
func (w *Writer) writeHDU(h *Header, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if w.Checksum {
		if err := setChecksum(h, data); err != nil {
			return w.errf("%w", err)
		}
	}
	hb, err := h.encode()
	if err != nil {
		return w.errf("%w", err)
	}
	if _, err := w.w.Write(hb); err != nil {
		return w.errf("%w", err)
	}
	if _, err := w.w.Write(data); err != nil {
		return w.errf("%w", err)
	}
	if pad := padded(int64(len(data))) - int64(len(data)); pad > 0 {
		var zeros [BlockSize]byte
		if _, err := w.w.Write(zeros[:pad]); err != nil {
			return w.errf("%w", err)
		}
	}
	w.n++
	return nil
}

// WriteImageFile writes img as the primary HDU of a new file at path.
func WriteImageFile(path string, hdr *Header, img *Image, bitpix int) error {
	w, err := Create(path)
	if err != nil {
		return err
	}
	if err := w.WriteImage(hdr, img, bitpix); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
