package fits

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// ColumnInfo describes one table column as its header declares it.
type ColumnInfo struct {
	Name   string // TTYPEn
	Format string // TFORMn as written
	Unit   string // TUNITn
	Repeat int    // repeat count (characters for A; 1 for ASCII tables)
	Type   byte   // L X B I J K A E D C M, or for P/Q columns the element type
	Var    byte   // 'P' or 'Q' for variable-length arrays, else 0
	Dim    []int  // TDIMn, FITS order, if given
	Scale  float64
	Zero   float64
	Null   int64 // TNULLn for integer columns, if HasNull
	// HasNull tells whether TNULLn is given.
	HasNull bool

	nullStr string // TNULLn of an ASCII table column
	offset  int    // byte offset within a row
	width   int    // bytes per row
	decimal int    // implied decimals of an ASCII F/E/D field
}

// Table is the data of a binary or ASCII table HDU, read into memory.
type Table struct {
	h      *HDU
	ascii  bool
	rows   int
	rowLen int
	cols   []ColumnInfo
	data   []byte // the whole data unit
	heap   []byte // the heap (from THEAP)
}

// typeWidth is the size in bytes of one element of each binary TFORM type.
var typeWidth = map[byte]int{'L': 1, 'X': 1, 'B': 1, 'I': 2, 'J': 4, 'K': 8, 'A': 1, 'E': 4, 'D': 8, 'C': 8, 'M': 16, 'P': 8, 'Q': 16}

// parseTFORM parses a binary-table TFORM: rT, rPt(max) or rQt(max).
func parseTFORM(s string) (repeat int, typ, vt byte, err error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	repeat = 1
	if i > 0 {
		r, e := strconv.Atoi(s[:i])
		if e != nil || r > 1<<30 {
			return 0, 0, 0, fmt.Errorf("bad repeat count in %q", s)
		}
		repeat = r
	}
	if i >= len(s) {
		return 0, 0, 0, fmt.Errorf("no data type in %q", s)
	}
	typ = s[i]
	if typ == 'P' || typ == 'Q' {
		vt = typ
		if i+1 >= len(s) {
			return 0, 0, 0, fmt.Errorf("no element type in %q", s)
		}
		typ = s[i+1]
		if typ == 'P' || typ == 'Q' || typeWidth[typ] == 0 {
			return 0, 0, 0, fmt.Errorf("unknown element type in %q", s)
		}
		if repeat > 1 {
			return 0, 0, 0, fmt.Errorf("repeat %d of a variable-length column %q", repeat, s)
		}
		return repeat, typ, vt, nil
	}
	if typeWidth[typ] == 0 {
		return 0, 0, 0, fmt.Errorf("unknown data type %q in %q", typ, s)
	}
	return repeat, typ, 0, nil
}

// byteWidth is the number of bytes a column takes in each row.
func (c *ColumnInfo) byteWidth() int {
	switch {
	case c.Var == 'P':
		return 8 * c.Repeat
	case c.Var == 'Q':
		return 16 * c.Repeat
	case c.Type == 'X':
		return (c.Repeat + 7) / 8
	}
	return typeWidth[c.Type] * c.Repeat
}

func parseTDIM(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("bad TDIM %q", s)
	}
	var dims []int
	for _, p := range strings.Split(s[1:len(s)-1], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad TDIM %q", s)
		}
		dims = append(dims, n)
	}
	return dims, nil
}

// tableColumns reads the column descriptions of a table header.
func (h *HDU) tableColumns() ([]ColumnInfo, error) {
	hd := h.hdr
	nf, ok := hd.Int("TFIELDS")
	if !ok || nf < 0 || nf > 999 {
		return nil, h.errf("keyword TFIELDS: bad or missing value")
	}
	if len(h.axes) != 2 {
		return nil, h.errf("keyword NAXIS: a table needs NAXIS = 2")
	}
	cols := make([]ColumnInfo, nf)
	off := 0
	for i := range cols {
		c := &cols[i]
		n := i + 1
		kw := func(k string) string { return fmt.Sprintf("%s%d", k, n) }
		c.Name, _ = hd.String(kw("TTYPE"))
		c.Name = strings.TrimSpace(c.Name)
		c.Unit, _ = hd.String(kw("TUNIT"))
		form, ok := hd.String(kw("TFORM"))
		if !ok {
			return nil, h.errf("keyword %s: missing", kw("TFORM"))
		}
		c.Format = form
		c.Scale = 1
		if v, ok := hd.Float(kw("TSCAL")); ok {
			c.Scale = v
		}
		c.Zero, _ = hd.Float(kw("TZERO"))
		if h.kind == KindTable {
			if err := c.parseASCII(hd, n); err != nil {
				return nil, h.errf("keyword %s: %w", kw("TFORM"), err)
			}
			if c.offset+c.width > h.axes[0] {
				return nil, h.errf("keyword %s: field extends past NAXIS1", kw("TBCOL"))
			}
			continue
		}
		var err error
		c.Repeat, c.Type, c.Var, err = parseTFORM(form)
		if err != nil {
			return nil, h.errf("keyword %s: %w", kw("TFORM"), err)
		}
		if c.Null, c.HasNull = hd.Int(kw("TNULL")); c.HasNull && strings.IndexByte("BIJK", c.Type) < 0 {
			c.HasNull = false
		}
		if d, ok := hd.String(kw("TDIM")); ok {
			if c.Dim, err = parseTDIM(d); err != nil {
				return nil, h.errf("keyword %s: %w", kw("TDIM"), err)
			}
		}
		c.offset = off
		c.width = c.byteWidth()
		off += c.width
	}
	if h.kind != KindTable && off != h.axes[0] {
		return nil, h.errf("keyword NAXIS1: %d, but the TFORMs add up to %d bytes", h.axes[0], off)
	}
	return cols, nil
}

func (c *ColumnInfo) parseASCII(hd *Header, n int) error {
	f := strings.TrimSpace(strings.ToUpper(c.Format))
	if f == "" {
		return fmt.Errorf("empty")
	}
	c.Type = f[0]
	c.Repeat = 1
	w, d := f[1:], ""
	if j := strings.IndexByte(w, '.'); j >= 0 {
		w, d = w[:j], w[j+1:]
	}
	width, err := strconv.Atoi(w)
	if err != nil || width <= 0 || width > 1<<20 {
		return fmt.Errorf("bad field width in %q", c.Format)
	}
	if d != "" {
		if c.decimal, err = strconv.Atoi(d); err != nil {
			return fmt.Errorf("bad decimals in %q", c.Format)
		}
	}
	switch c.Type {
	case 'A', 'I', 'F', 'E', 'D':
	default:
		return fmt.Errorf("unknown ASCII-table format %q", c.Format)
	}
	col, ok := hd.Int(fmt.Sprintf("TBCOL%d", n))
	if !ok || col < 1 {
		return fmt.Errorf("TBCOL%d bad or missing", n)
	}
	c.offset, c.width = int(col-1), width
	if c.Type == 'A' {
		c.Repeat = width
	}
	c.nullStr, c.HasNull = hd.String(fmt.Sprintf("TNULL%d", n))
	return nil
}

// Table reads a binary or ASCII table HDU into memory.
func (h *HDU) Table() (*Table, error) {
	if h.kind != KindBinTable && h.kind != KindTable && h.kind != KindCompressed {
		return nil, h.errf("%s HDU is not a table", h.kind)
	}
	cols, err := h.tableColumns()
	if err != nil {
		return nil, err
	}
	if err := h.available(); err != nil {
		return nil, err
	}
	t := &Table{h: h, ascii: h.kind == KindTable, rowLen: h.axes[0], rows: h.axes[1], cols: cols}
	if t.rowLen == 0 && t.rows > 1<<20 {
		return nil, h.errf("keyword NAXIS2: %d rows of 0 bytes", t.rows)
	}
	t.data = make([]byte, h.dataLen)
	if err := h.readData(t.data, 0); err != nil {
		return nil, err
	}
	theap := int64(t.rowLen) * int64(t.rows)
	if v, ok := h.hdr.Int("THEAP"); ok {
		theap = v
	}
	if theap < 0 || theap > int64(len(t.data)) {
		return nil, h.errf("keyword THEAP: %d outside the data unit", theap)
	}
	t.heap = t.data[theap:]
	return t, nil
}

// Rows returns the number of rows.
func (t *Table) Rows() int { return t.rows }

// Columns returns the column descriptions.
func (t *Table) Columns() []ColumnInfo { return append([]ColumnInfo(nil), t.cols...) }

// Column returns the description of a column by name (case-insensitive).
func (t *Table) Column(name string) (ColumnInfo, error) {
	c, err := t.col(name)
	if err != nil {
		return ColumnInfo{}, err
	}
	return *c, nil
}

func (t *Table) col(name string) (*ColumnInfo, error) {
	for i := range t.cols {
		if strings.EqualFold(t.cols[i].Name, name) {
			return &t.cols[i], nil
		}
	}
	for i := range t.cols {
		if strings.EqualFold(strings.TrimSpace(t.cols[i].Name), strings.TrimSpace(name)) {
			return &t.cols[i], nil
		}
	}
	return nil, t.h.errf("no column %q", name)
}

func (t *Table) colErr(c *ColumnInfo, format string, args ...any) error {
	return t.h.errf("column %s (%s): %s", c.Name, c.Format, fmt.Sprintf(format, args...))
}

func (t *Table) field(c *ColumnInfo, row int) []byte {
	o := row*t.rowLen + c.offset
	return t.data[o : o+c.width]
}

// rawElems returns the bytes of one row's elements: the fixed field, or the
// heap area a P/Q descriptor points at, and the element count.
func (t *Table) rawElems(c *ColumnInfo, row int) ([]byte, int, error) {
	f := t.field(c, row)
	if c.Var == 0 {
		return f, c.Repeat, nil
	}
	var n, off int64
	if c.Var == 'P' {
		n, off = int64(binary.BigEndian.Uint32(f)), int64(binary.BigEndian.Uint32(f[4:]))
	} else {
		n, off = int64(binary.BigEndian.Uint64(f)), int64(binary.BigEndian.Uint64(f[8:]))
	}
	w := int64(typeWidth[c.Type])
	size := n * w
	if c.Type == 'X' {
		size = (n + 7) / 8
	}
	if n < 0 || off < 0 || size < 0 || off+size > int64(len(t.heap)) || n > 1<<31 {
		return nil, 0, t.colErr(c, "row %d: variable-length array (%d elements at heap offset %d) outside the heap", row, n, off)
	}
	return t.heap[off : off+size], int(n), nil
}

// storedInt decodes big-endian element i of b as column type B, I, J or K
// stores it (before TSCAL/TZERO; B unsigned, the others signed).
func storedInt(typ byte, b []byte, i int) int64 {
	switch typ {
	case 'B':
		return int64(b[i])
	case 'I':
		return int64(int16(binary.BigEndian.Uint16(b[2*i:])))
	case 'J':
		return int64(int32(binary.BigEndian.Uint32(b[4*i:])))
	case 'K':
		return int64(binary.BigEndian.Uint64(b[8*i:]))
	}
	return 0
}

// elemFloat decodes element i of raw as a physical value (scaling applied,
// TNULL as NaN). Complex elements give the real part at 2i and the
// imaginary at 2i+1 — callers handle C/M separately.
func (c *ColumnInfo) elemFloat(raw []byte, i int) float64 {
	var v float64
	switch c.Type {
	case 'L':
		switch raw[i] {
		case 'T':
			return 1
		case 'F':
			return 0
		}
		return math.NaN()
	case 'X':
		return float64(raw[i/8] >> (7 - uint(i%8)) & 1)
	case 'B', 'I', 'J', 'K':
		x := storedInt(c.Type, raw, i)
		if c.HasNull && x == c.Null {
			return math.NaN()
		}
		if c.Type == 'K' && c.Scale == 1 && c.Zero == 9223372036854775808 {
			return float64(uint64(x) ^ 1<<63)
		}
		v = float64(x)
	case 'E':
		v = float64(math.Float32frombits(binary.BigEndian.Uint32(raw[4*i:])))
	case 'D':
		v = math.Float64frombits(binary.BigEndian.Uint64(raw[8*i:]))
	case 'C':
		v = float64(math.Float32frombits(binary.BigEndian.Uint32(raw[4*i:])))
	case 'M':
		v = math.Float64frombits(binary.BigEndian.Uint64(raw[8*i:]))
	default:
		return math.NaN()
	}
	if c.Scale != 1 || c.Zero != 0 {
		v = v*c.Scale + c.Zero
	}
	return v
}

// asciiFloat parses an ASCII-table numeric field; blank or TNULL is NaN.
func (t *Table) asciiFloat(c *ColumnInfo, row int) (float64, bool, error) {
	s := string(t.field(c, row))
	if c.HasNull && strings.TrimSpace(s) == strings.TrimSpace(c.nullStr) || strings.TrimSpace(s) == "" {
		return math.NaN(), true, nil
	}
	ts := strings.TrimSpace(s)
	ts = strings.NewReplacer("D", "E", "d", "e").Replace(ts)
	v, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return 0, false, t.colErr(c, "row %d: bad number %q", row, s)
	}
	if c.decimal > 0 && !strings.ContainsAny(ts, ".Ee") {
		v /= math.Pow(10, float64(c.decimal))
	}
	if c.Scale != 1 || c.Zero != 0 {
		v = v*c.Scale + c.Zero
	}
	return v, false, nil
}

// Float64 returns a scalar numeric column as physical values (TSCAL/TZERO
// applied, TNULL as NaN; logical columns as 1/0, null as NaN).
func (t *Table) Float64(name string) ([]float64, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, t.rows)
	if t.ascii {
		if c.Type == 'A' {
			return nil, t.colErr(c, "character column: use Strings")
		}
		for r := range out {
			if out[r], _, err = t.asciiFloat(c, r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if c.Var != 0 || c.Repeat != 1 || c.Type == 'A' || c.Type == 'C' || c.Type == 'M' {
		return nil, t.colErr(c, "not a scalar real column: use Vectors or Strings")
	}
	for r := range out {
		out[r] = c.elemFloat(t.field(c, r), 0)
	}
	return out, nil
}

// Vectors returns a vector column (fixed repeat, or variable-length P/Q) as
// one slice per row of physical values. Complex columns give interleaved
// real and imaginary parts; X columns one 0/1 value per bit.
func (t *Table) Vectors(name string) ([][]float64, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	if t.ascii || c.Type == 'A' {
		return nil, t.colErr(c, "not a numeric binary-table column")
	}
	out := make([][]float64, t.rows)
	for r := range out {
		raw, n, err := t.rawElems(c, r)
		if err != nil {
			return nil, err
		}
		if c.Type == 'C' || c.Type == 'M' {
			n *= 2
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = c.elemFloat(raw, i)
		}
		out[r] = v
	}
	return out, nil
}

// Int64 returns a scalar integer column (B, I, J, K, or an ASCII I field) with
// integral TSCAL/TZERO applied exactly. Null cells keep their stored TNULL
// value (blank ASCII cells are 0); Nulls tells which they are.
func (t *Table) Int64(name string) ([]int64, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]int64, t.rows)
	if t.ascii {
		if c.Type != 'I' {
			return nil, t.colErr(c, "not an integer column")
		}
		for r := range out {
			s := strings.TrimSpace(string(t.field(c, r)))
			if s == "" || c.HasNull && s == strings.TrimSpace(c.nullStr) {
				continue
			}
			if out[r], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, t.colErr(c, "row %d: bad integer %q", r, s)
			}
		}
		return out, nil
	}
	if c.Var != 0 || c.Repeat != 1 || strings.IndexByte("BIJK", c.Type) < 0 {
		return nil, t.colErr(c, "not a scalar integer column")
	}
	if c.Scale != 1 || c.Zero != math.Trunc(c.Zero) {
		return nil, t.colErr(c, "TSCAL/TZERO not integral: use Float64")
	}
	if c.Type == 'K' && c.Zero != 0 {
		return nil, t.colErr(c, "TZERO %g on a 64-bit column does not fit int64", c.Zero)
	}
	zero := int64(c.Zero)
	for r := range out {
		out[r] = storedInt(c.Type, t.field(c, r), 0) + zero
	}
	return out, nil
}

// Strings returns a character column with trailing blanks (and NULs) removed.
func (t *Table) Strings(name string) ([]string, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	if c.Type != 'A' {
		return nil, t.colErr(c, "not a character column")
	}
	out := make([]string, t.rows)
	for r := range out {
		raw := t.field(c, r)
		if c.Var != 0 {
			if raw, _, err = t.rawElems(c, r); err != nil {
				return nil, err
			}
		}
		if i := strings.IndexByte(string(raw), 0); i >= 0 {
			raw = raw[:i]
		}
		out[r] = strings.TrimRight(string(raw), " ")
	}
	return out, nil
}

// Bools returns a logical column ('T' true; 'F' and null false).
func (t *Table) Bools(name string) ([]bool, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	if t.ascii || c.Type != 'L' || c.Repeat != 1 || c.Var != 0 {
		return nil, t.colErr(c, "not a scalar logical column")
	}
	out := make([]bool, t.rows)
	for r := range out {
		out[r] = t.field(c, r)[0] == 'T'
	}
	return out, nil
}

// Complex returns a scalar complex column (C or M).
func (t *Table) Complex(name string) ([]complex128, error) {
	v, err := t.Vectors(name)
	if err != nil {
		return nil, err
	}
	c, _ := t.col(name)
	if (c.Type != 'C' && c.Type != 'M') || c.Repeat != 1 || c.Var != 0 {
		return nil, t.colErr(c, "not a scalar complex column")
	}
	out := make([]complex128, len(v))
	for i, x := range v {
		out[i] = complex(x[0], x[1])
	}
	return out, nil
}

// Nulls reports, for a scalar column, which cells are null: TNULL in integer
// columns, a zero byte in logical ones, blank or TNULL in ASCII tables.
func (t *Table) Nulls(name string) ([]bool, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]bool, t.rows)
	if t.ascii {
		if c.Type == 'A' {
			return out, nil
		}
		for r := range out {
			if _, out[r], err = t.asciiFloat(c, r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if c.Var != 0 || c.Repeat != 1 {
		return out, nil
	}
	for r := range out {
		f := t.field(c, r)
		switch c.Type {
		case 'L':
			out[r] = f[0] == 0
		case 'B', 'I', 'J', 'K':
			if !c.HasNull {
				continue
			}
			out[r] = storedInt(c.Type, f, 0) == c.Null
		}
	}
	return out, nil
}

// Native returns a fixed-width binary-table column as one native-endian slice
// of rows*repeat elements, without scaling: []uint8 (B), []int16 (I),
// []int32 (J), []int64 (K), []float32 (E), []float64 (D), []bool (L),
// []complex64 (C), []complex128 (M). The unsigned conventions (TSCAL = 1,
// TZERO = -128, 32768, 2^31, 2^63) give []int8, []uint16, []uint32, []uint64.
func (t *Table) Native(name string) (any, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	if t.ascii {
		return nil, t.colErr(c, "no native form in an ASCII table (use Strings or Float64)")
	}
	nc, err := newNativeCol(c, t.rows)
	if err != nil {
		return nil, t.colErr(c, "%v", err)
	}
	nc.gather(t.data, t.rowLen, t.rows, 0)
	return nc.finish(), nil
}

// nativeCol is a column being decoded into a native slice.
type nativeCol struct {
	c      *ColumnInfo
	out    any    // the typed slice
	dst    []byte // its bytes
	size   int    // word size for byte swapping
	finish func() any
}

func byteView[T any](v []T, size int) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*size)
}

// offsetInts returns the finish step of an integer column read into v: with
// the unsigned convention (TSCAL = 1, TZERO = 2^(bits−1)) it flips the sign
// bit and returns v as unsigned values, otherwise v read as signed integers.
func offsetInts[U uint16 | uint32 | uint64, S int16 | int32 | int64](v []U, unsigned bool) func() any {
	return func() any {
		if unsigned {
			sign := ^(^U(0) >> 1)
			for i := range v {
				v[i] ^= sign
			}
			return v
		}
		return unsafe.Slice((*S)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
	}
}

func newNativeCol(c *ColumnInfo, rows int) (*nativeCol, error) {
	if c.Var != 0 || c.Type == 'A' || c.Type == 'X' {
		return nil, errors.New("no native form (use Strings, Vectors or Float64)")
	}
	n := rows * c.Repeat
	unsigned := c.Scale == 1
	nc := &nativeCol{c: c}
	switch c.Type {
	case 'L':
		v := make([]bool, n)
		raw := make([]byte, n)
		nc.dst, nc.size = raw, 1
		nc.finish = func() any {
			for i, b := range raw {
				v[i] = b == 'T'
			}
			return v
		}
	case 'B':
		v := make([]uint8, n)
		nc.dst, nc.size = v, 1
		nc.finish = func() any {
			if unsigned && c.Zero == -128 {
				for i := range v {
					v[i] ^= 0x80
				}
				return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(v))), n)
			}
			return v
		}
	case 'I':
		v := make([]uint16, n)
		nc.dst, nc.size, nc.finish = byteView(v, 2), 2, offsetInts[uint16, int16](v, unsigned && c.Zero == 32768)
	case 'J':
		v := make([]uint32, n)
		nc.dst, nc.size, nc.finish = byteView(v, 4), 4, offsetInts[uint32, int32](v, unsigned && c.Zero == 2147483648)
	case 'K':
		v := make([]uint64, n)
		nc.dst, nc.size, nc.finish = byteView(v, 8), 8, offsetInts[uint64, int64](v, unsigned && c.Zero == 9223372036854775808)
	case 'E':
		v := make([]float32, n)
		nc.dst, nc.size, nc.finish = byteView(v, 4), 4, func() any { return v }
	case 'D':
		v := make([]float64, n)
		nc.dst, nc.size, nc.finish = byteView(v, 8), 8, func() any { return v }
	case 'C':
		v := make([]complex64, n)
		nc.dst, nc.size, nc.finish = byteView(v, 8), 4, func() any { return v }
	case 'M':
		v := make([]complex128, n)
		nc.dst, nc.size, nc.finish = byteView(v, 16), 8, func() any { return v }
	default:
		return nil, errors.New("no native form")
	}
	return nc, nil
}

// gather copies the column out of rows [first, first+rows) held in src (rows
// of rowLen bytes) into the destination, in native byte order.
func (nc *nativeCol) gather(src []byte, rowLen, rows, first int) {
	c := nc.c
	w := c.width
	dst := nc.dst[first*w : (first+rows)*w]
	off := c.offset
	if !hostBigEndian && w == nc.size {
		switch w {
		case 4:
			d := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(dst))), rows)
			for r := range d {
				d[r] = binary.BigEndian.Uint32(src[r*rowLen+off:])
			}
			return
		case 8:
			d := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(dst))), rows)
			for r := range d {
				d[r] = binary.BigEndian.Uint64(src[r*rowLen+off:])
			}
			return
		case 2:
			d := unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(dst))), rows)
			for r := range d {
				d[r] = binary.BigEndian.Uint16(src[r*rowLen+off:])
			}
			return
		}
	}
	if w == 1 {
		for r := 0; r < rows; r++ {
			dst[r] = src[r*rowLen+off]
		}
		return
	}
	for r := 0; r < rows; r++ {
		copy(dst[r*w:(r+1)*w], src[r*rowLen+off:])
	}
	if nc.size > 1 {
		swapInPlace(dst, nc.size)
	}
}

// ReadColumns reads the named fixed-width columns of a binary table (all of
// them when names is empty) straight into native slices, as Table.Native
// gives them, in one pass over the rows without holding the table in memory.
func (h *HDU) ReadColumns(names ...string) ([]any, error) {
	if h.kind != KindBinTable {
		return nil, h.errf("%s HDU is not a binary table", h.kind)
	}
	cols, err := h.tableColumns()
	if err != nil {
		return nil, err
	}
	if err := h.available(); err != nil {
		return nil, err
	}
	t := &Table{h: h, rowLen: h.axes[0], rows: h.axes[1], cols: cols}
	if len(names) == 0 {
		for _, c := range cols {
			names = append(names, c.Name)
		}
	}
	infos := make([]*ColumnInfo, len(names))
	for i, n := range names {
		c, err := t.col(n)
		if err != nil {
			return nil, err
		}
		if c.Var != 0 || c.Type == 'A' || c.Type == 'X' {
			return nil, t.colErr(c, "no native form (use Strings, Vectors or Float64)")
		}
		infos[i] = c
	}
	// allocate (and so zero) the big output slices on several cores
	ncs := make([]*nativeCol, len(names))
	var wg sync.WaitGroup
	parts := min(runtime.GOMAXPROCS(0), 4, len(names))
	for p := 0; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p; i < len(infos); i += parts {
				ncs[i], _ = newNativeCol(infos[i], t.rows) // the types were checked above
			}
		}()
	}
	wg.Wait()
	if t.rowLen > 0 && t.rows > 0 && !gatherMapped(h, t, ncs) {
		per := max(1, (256<<10)/t.rowLen) // rows per chunk: a chunk stays in cache
		buf := make([]byte, per*t.rowLen)
		for first := 0; first < t.rows; first += per {
			n := min(per, t.rows-first)
			chunk := buf[:n*t.rowLen]
			if err := h.readData(chunk, int64(first)*int64(t.rowLen)); err != nil {
				return nil, err
			}
			for _, nc := range ncs {
				nc.gather(chunk, t.rowLen, n, first)
			}
		}
	}
	out := make([]any, len(ncs))
	for i, nc := range ncs {
		out[i] = nc.finish()
	}
	return out, nil
}

// gatherMapped decodes the columns of a large table in a plain file straight
// from a memory map of its rows, the rows split over the available cores.
// It reports false (nothing done) when the map cannot be used.
func gatherMapped(h *HDU, t *Table, ncs []*nativeCol) bool {
	fs, ok := h.f.src.(*fileSource)
	size := int64(t.rows) * int64(t.rowLen)
	if !ok || size < 8<<20 {
		return false
	}
	m, unmap := mapRange(fs.f, h.dataOff, size)
	if m == nil {
		return false
	}
	defer unmap()
	parts := min(runtime.GOMAXPROCS(0), 4)
	per := (t.rows + parts - 1) / parts
	chunk := max(1, (256<<10)/t.rowLen)
	failed := make(chan bool, parts)
	for p := 0; p < parts; p++ {
		lo, hi := min(p*per, t.rows), min((p+1)*per, t.rows)
		go func() {
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() { failed <- recover() != nil }()
			for first := lo; first < hi; first += chunk {
				n := min(chunk, hi-first)
				rows := m[first*t.rowLen : (first+n)*t.rowLen]
				for _, nc := range ncs {
					nc.gather(rows, t.rowLen, n, first)
				}
			}
		}()
	}
	ok = true
	for p := 0; p < parts; p++ {
		if <-failed {
			ok = false // a fault in the map (the file shrank): read normally
		}
	}
	return ok
}
