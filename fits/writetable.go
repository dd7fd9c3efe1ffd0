package fits

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// Column is one column to write to a binary table. Data is a slice with one
// element per row: []float64 (D), []float32 (E), []int64 (K), []int32 (J),
// []int16 (I), []uint8 (B), []int8, []uint16, []uint32, []uint64 (with the
// TZERO unsigned conventions), []bool (L), []string (A, as wide as the
// longest), []complex64 (C), []complex128 (M), or a fixed-length vector per
// row: [][]float64, [][]float32, [][]int64, [][]int32, [][]int16, [][]uint8.
type Column struct {
	Name, Unit string
	Data       any
	Dim        []int // optional TDIM, FITS order
}

// colEnc knows how to write one column.
type colEnc struct {
	form   string
	width  int // bytes per row
	zeroV  any // TZERO of an unsigned convention, or nil
	rows   int
	put    func(row int, b []byte)
	repeat int
}

func vecLen[T any](v [][]T) (int, error) {
	if len(v) == 0 {
		return 0, nil
	}
	n := len(v[0])
	for i, x := range v {
		if len(x) != n {
			return 0, fmt.Errorf("row %d has %d elements, row 0 has %d (vector columns need a fixed length)", i, len(x), n)
		}
	}
	return n, nil
}

func newColEnc(c Column) (*colEnc, error) {
	e := &colEnc{repeat: 1}
	be := binary.BigEndian
	switch d := c.Data.(type) {
	case []float64:
		e.form, e.width, e.rows = "D", 8, len(d)
		e.put = func(r int, b []byte) { be.PutUint64(b, math.Float64bits(d[r])) }
	case []float32:
		e.form, e.width, e.rows = "E", 4, len(d)
		e.put = func(r int, b []byte) { be.PutUint32(b, math.Float32bits(d[r])) }
	case []int64:
		e.form, e.width, e.rows = "K", 8, len(d)
		e.put = func(r int, b []byte) { be.PutUint64(b, uint64(d[r])) }
	case []int32:
		e.form, e.width, e.rows = "J", 4, len(d)
		e.put = func(r int, b []byte) { be.PutUint32(b, uint32(d[r])) }
	case []int16:
		e.form, e.width, e.rows = "I", 2, len(d)
		e.put = func(r int, b []byte) { be.PutUint16(b, uint16(d[r])) }
	case []uint8:
		e.form, e.width, e.rows = "B", 1, len(d)
		e.put = func(r int, b []byte) { b[0] = d[r] }
	case []int8:
		e.form, e.width, e.rows, e.zeroV = "B", 1, len(d), int64(-128)
		e.put = func(r int, b []byte) { b[0] = byte(d[r]) ^ 0x80 }
	case []uint16:
		e.form, e.width, e.rows, e.zeroV = "I", 2, len(d), int64(32768)
		e.put = func(r int, b []byte) { be.PutUint16(b, d[r]^0x8000) }
	case []uint32:
		e.form, e.width, e.rows, e.zeroV = "J", 4, len(d), int64(2147483648)
		e.put = func(r int, b []byte) { be.PutUint32(b, d[r]^0x80000000) }
	case []uint64:
		e.form, e.width, e.rows, e.zeroV = "K", 8, len(d), float64(9223372036854775808)
		e.put = func(r int, b []byte) { be.PutUint64(b, d[r]^1<<63) }
	case []bool:
		e.form, e.width, e.rows = "L", 1, len(d)
		e.put = func(r int, b []byte) {
			b[0] = 'F'
			if d[r] {
				b[0] = 'T'
			}
		}
	case []string:
		w := 1
		for i, s := range d {
			w = max(w, len(s))
			if err := checkText(s); err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
		}
		e.form, e.width, e.rows, e.repeat = fmt.Sprintf("%dA", w), w, len(d), w
		e.put = func(r int, b []byte) {
			n := copy(b, d[r])
			for i := n; i < len(b); i++ {
				b[i] = ' '
			}
		}
	case []complex64:
		e.form, e.width, e.rows = "C", 8, len(d)
		e.put = func(r int, b []byte) {
			be.PutUint32(b, math.Float32bits(real(d[r])))
			be.PutUint32(b[4:], math.Float32bits(imag(d[r])))
		}
	case []complex128:
		e.form, e.width, e.rows = "M", 16, len(d)
		e.put = func(r int, b []byte) {
			be.PutUint64(b, math.Float64bits(real(d[r])))
			be.PutUint64(b[8:], math.Float64bits(imag(d[r])))
		}
	case [][]float64:
		return vecEnc(e, d, "D", 8, func(b []byte, x float64) { be.PutUint64(b, math.Float64bits(x)) })
	case [][]float32:
		return vecEnc(e, d, "E", 4, func(b []byte, x float32) { be.PutUint32(b, math.Float32bits(x)) })
	case [][]int64:
		return vecEnc(e, d, "K", 8, func(b []byte, x int64) { be.PutUint64(b, uint64(x)) })
	case [][]int32:
		return vecEnc(e, d, "J", 4, func(b []byte, x int32) { be.PutUint32(b, uint32(x)) })
	case [][]int16:
		return vecEnc(e, d, "I", 2, func(b []byte, x int16) { be.PutUint16(b, uint16(x)) })
	case [][]uint8:
		return vecEnc(e, d, "B", 1, func(b []byte, x uint8) { b[0] = x })
	default:
		return nil, fmt.Errorf("unsupported data type %T", c.Data)
	}
	return e, nil
}

func vecEnc[T any](e *colEnc, d [][]T, t string, size int, put func([]byte, T)) (*colEnc, error) {
	n, err := vecLen(d)
	if err != nil {
		return nil, err
	}
	e.form, e.width, e.rows, e.repeat = fmt.Sprintf("%d%s", n, t), n*size, len(d), n
	e.put = func(r int, b []byte) {
		for i, x := range d[r] {
			put(b[i*size:], x)
		}
	}
	return e, nil
}

// WriteTable writes a BINTABLE extension with the given columns (an empty
// primary HDU is written first if none has been). hdr supplies extra cards
// such as EXTNAME; its column keywords are replaced by the columns'.
func (w *Writer) WriteTable(hdr *Header, cols []Column) error {
	if w.err != nil {
		return w.err
	}
	if w.n == 0 {
		if err := w.writeHDU(primaryHeader(nil, 8, nil), nil); err != nil {
			return err
		}
	}
	encs := make([]*colEnc, len(cols))
	rowLen, rows := 0, -1
	for i, c := range cols {
		e, err := newColEnc(c)
		if err != nil {
			return w.errf("column %d (%s): %w", i+1, c.Name, err)
		}
		if rows >= 0 && e.rows != rows {
			return w.errf("column %d (%s): %d rows, column 1 has %d", i+1, c.Name, e.rows, rows)
		}
		if err := checkText(c.Name + c.Unit); err != nil {
			return w.errf("column %d: name or unit: %w", i+1, err)
		}
		rows = e.rows
		encs[i] = e
		rowLen += e.width
	}
	rows = max(rows, 0)
	h := extensionHeader("BINTABLE", nil, 8, []int{rowLen, rows}, 0, true)
	h.Set("TFIELDS", len(cols), "number of table fields")
	for i, c := range cols {
		n := i + 1
		if c.Name != "" {
			h.Set(fmt.Sprintf("TTYPE%d", n), c.Name, "")
		}
		h.Set(fmt.Sprintf("TFORM%d", n), encs[i].form, "")
		if c.Unit != "" {
			h.Set(fmt.Sprintf("TUNIT%d", n), c.Unit, "")
		}
		if encs[i].zeroV != nil {
			h.Set(fmt.Sprintf("TSCAL%d", n), 1, "")
			h.Set(fmt.Sprintf("TZERO%d", n), encs[i].zeroV, "")
		}
		if len(c.Dim) > 0 {
			parts := make([]string, len(c.Dim))
			for j, d := range c.Dim {
				parts[j] = fmt.Sprint(d)
			}
			h.Set(fmt.Sprintf("TDIM%d", n), "("+strings.Join(parts, ",")+")", "")
		}
	}
	appendUser(h, hdr, true)
	data := make([]byte, rowLen*rows)
	for r := 0; r < rows; r++ {
		off := r * rowLen
		for _, e := range encs {
			e.put(r, data[off:off+e.width])
			off += e.width
		}
	}
	return w.writeHDU(h, data)
}
