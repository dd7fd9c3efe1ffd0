package fits

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Kind is the type of an HDU.
type Kind int

// HDU kinds. (The names carry a Kind prefix because Image and Table are the
// data types.)
const (
	KindPrimary    Kind = iota // primary array (possibly empty)
	KindImage                  // IMAGE extension
	KindBinTable               // BINTABLE extension
	KindTable                  // ASCII TABLE extension
	KindGroups                 // random-groups primary array
	KindCompressed             // tile-compressed image (BINTABLE with ZIMAGE = T)
	KindOther                  // any other conforming extension
)

// String returns PRIMARY, IMAGE, BINTABLE, TABLE, GROUPS, COMPRESSED or OTHER.
func (k Kind) String() string {
	switch k {
	case KindPrimary:
		return "PRIMARY"
	case KindImage:
		return "IMAGE"
	case KindBinTable:
		return "BINTABLE"
	case KindTable:
		return "TABLE"
	case KindGroups:
		return "GROUPS"
	case KindCompressed:
		return "COMPRESSED"
	}
	return "OTHER"
}

// File is an open FITS file. HDU headers are read as they are asked for.
// A File is not safe for concurrent use.
type File struct {
	path    string
	src     source
	hdus    []*HDU
	next    int64 // offset of the next header not yet read
	done    bool  // every HDU has been found
	scanErr error // why scanning stopped early, if it did
	trailer bool  // bytes after the last HDU are not an extension
}

// HDU is one header-data unit of an open File.
type HDU struct {
	f       *File
	index   int
	hdr     *Header
	kind    Kind
	hdrOff  int64
	dataOff int64
	dataLen int64 // without padding
	bitpix  int
	axes    []int // NAXIS1..NAXISn
	pcount  int64
	gcount  int64
	xtname  string   // XTENSION value
	notes   []string // non-fatal structural problems, for Verify
	short   error    // data shorter than the header says, if it is
}

// Complete returns an error naming the file, the HDU and the missing bytes
// when the file ends before the HDU's data does, else nil. (A compressed
// stream's length is unknown until read: its truncation shows on reading.)
func (h *HDU) Complete() error { return h.short }

// Open opens a FITS file (.fits, .fits.gz with one or several gzip members,
// .fits.bz2; compression is recognised from the content) and reads its
// primary header.
func Open(path string) (*File, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, fmt.Errorf("fits: %w", err)
	}
	f := &File{path: path, src: src}
	if err := f.scan(); err != nil {
		src.close()
		return nil, err
	}
	if len(f.hdus) == 0 {
		src.close()
		return nil, fmt.Errorf("fits: %s: empty file", path)
	}
	return f, nil
}

// NewFile reads an uncompressed FITS file from r (size bytes long); name is
// used in error messages. Closing the File does not close r.
func NewFile(name string, r io.ReaderAt, size int64) (*File, error) {
	f := &File{path: name, src: &readerSource{r: r, n: size}}
	if err := f.scan(); err != nil {
		return nil, err
	}
	if len(f.hdus) == 0 {
		return nil, fmt.Errorf("fits: %s: empty file", name)
	}
	return f, nil
}

// Path returns the file name given to Open.
func (f *File) Path() string { return f.path }

// Close releases the file.
func (f *File) Close() error {
	if f.src == nil {
		return nil
	}
	err := f.src.close()
	f.src = nil
	return err
}

// Len returns the number of HDUs, reading every header to count them.
// A file whose later headers are damaged counts the HDUs before the damage;
// Err tells what went wrong.
func (f *File) Len() int {
	for !f.done {
		if f.scan() != nil {
			break
		}
	}
	return len(f.hdus)
}

// Err returns the error that stopped reading headers, if any.
func (f *File) Err() error { f.Len(); return f.scanErr }

// HDU returns HDU i (0 is the primary HDU).
func (f *File) HDU(i int) (*HDU, error) {
	if i < 0 {
		return nil, fmt.Errorf("fits: %s: no HDU %d", f.path, i)
	}
	for len(f.hdus) <= i && !f.done {
		if err := f.scan(); err != nil {
			return nil, err
		}
	}
	if i >= len(f.hdus) {
		return nil, fmt.Errorf("fits: %s: no HDU %d (the file has %d)", f.path, i, len(f.hdus))
	}
	return f.hdus[i], nil
}

// HDUs returns all HDUs, reading every header.
func (f *File) HDUs() ([]*HDU, error) {
	f.Len()
	return f.hdus, f.scanErr
}

// Find returns the HDU named by spec: a 0-based index ("2") or an EXTNAME,
// compared without regard to case ("SCI"; "PRIMARY" is HDU 0).
func (f *File) Find(spec string) (*HDU, error) {
	spec = strings.TrimSpace(spec)
	if i, err := strconv.Atoi(spec); err == nil {
		return f.HDU(i)
	}
	for i := 0; ; i++ {
		h, err := f.HDU(i)
		if err != nil {
			if i >= len(f.hdus) && f.done {
				break
			}
			return nil, err
		}
		if strings.EqualFold(h.Name(), spec) {
			return h, nil
		}
	}
	return nil, fmt.Errorf("fits: %s: no HDU named %q", f.path, spec)
}

// DataHDU returns the first HDU that has data (the primary HDU if it does).
func (f *File) DataHDU() (*HDU, error) {
	for i := 0; i < f.Len(); i++ {
		if h := f.hdus[i]; h.dataLen > 0 {
			return h, nil
		}
	}
	if f.scanErr != nil {
		return nil, f.scanErr
	}
	return nil, fmt.Errorf("fits: %s: no HDU with data", f.path)
}

// scan reads the next header and appends its HDU.
func (f *File) scan() error {
	if f.done {
		return nil
	}
	if f.src == nil {
		return fmt.Errorf("fits: %s: file is closed", f.path)
	}
	h, err := f.readHDU(len(f.hdus), f.next)
	if err != nil {
		f.done = true
		f.scanErr = err
		return err
	}
	if h == nil {
		f.done = true
		return nil
	}
	f.hdus = append(f.hdus, h)
	f.next = h.dataOff + padded(h.dataLen)
	if sz := f.src.size(); sz >= 0 && f.next >= sz {
		f.done = true
	}
	return nil
}

func padded(n int64) int64 { return (n + BlockSize - 1) / BlockSize * BlockSize }

// readHDU reads the header at off. It returns nil, nil at the end of the file
// or when what follows the last HDU is not an extension.
func (f *File) readHDU(index int, off int64) (*HDU, error) {
	block := make([]byte, BlockSize)
	p := &headerParser{h: NewHeader()}
	pos := off
	for {
		if err := f.src.readAt(block, pos); err != nil {
			if !errors.Is(err, errShort) {
				return nil, f.errf(index, "reading header: %w", err)
			}
			if pos == off && index > 0 {
				return nil, nil // clean end of file (or a short trailer)
			}
			if pos == off {
				return nil, fmt.Errorf("fits: %s: not a FITS file (shorter than one 2880-byte block)", f.path)
			}
			return nil, f.errf(index, "truncated header: missing END card")
		}
		if pos == off {
			if index == 0 && string(block[:9]) != "SIMPLE  =" {
				return nil, fmt.Errorf("fits: %s: not a FITS file (does not start with SIMPLE)", f.path)
			}
			if index > 0 && string(block[:8]) != "XTENSION" {
				f.trailer = true
				return nil, nil
			}
		}
		for c := 0; c < BlockSize; c += CardSize {
			end, err := p.card(string(block[c : c+CardSize]))
			if err != nil {
				return nil, f.errf(index, "header card %d: %w", int(pos-off)/CardSize+c/CardSize+1, err)
			}
			if end {
				h := &HDU{f: f, index: index, hdr: p.h, hdrOff: off, dataOff: pos + BlockSize}
				if err := h.structure(); err != nil {
					return nil, err
				}
				return h, nil
			}
		}
		pos += BlockSize
	}
}

func (f *File) errf(index int, format string, args ...any) error {
	return fmt.Errorf("fits: %s: HDU %d: %w", f.path, index, fmt.Errorf(format, args...))
}

func (h *HDU) errf(format string, args ...any) error { return h.f.errf(h.index, format, args...) }

// structure checks the mandatory keywords and works out the data size.
func (h *HDU) structure() error {
	hd := h.hdr
	mandatory := []string{"SIMPLE", "BITPIX", "NAXIS"}
	if h.index > 0 {
		mandatory[0] = "XTENSION"
		xt, ok := hd.String("XTENSION")
		if !ok {
			return h.errf("keyword XTENSION: not a string")
		}
		h.xtname = strings.TrimSpace(strings.ToUpper(xt))
	}
	for i, k := range mandatory {
		if i >= len(hd.cards) || hd.cards[i].Key != k {
			if !hd.Has(k) {
				return h.errf("keyword %s: missing mandatory keyword", k)
			}
			h.notes = append(h.notes, fmt.Sprintf("keyword %s: not in position %d", k, i+1))
		}
	}
	bitpix, ok := hd.Int("BITPIX")
	switch {
	case !ok:
		return h.errf("keyword BITPIX: not an integer")
	case bitpix != 8 && bitpix != 16 && bitpix != 32 && bitpix != 64 && bitpix != -32 && bitpix != -64:
		return h.errf("keyword BITPIX: bad value %d (want 8, 16, 32, 64, -32 or -64)", bitpix)
	}
	h.bitpix = int(bitpix)
	naxis, ok := hd.Int("NAXIS")
	if !ok || naxis < 0 || naxis > 999 {
		return h.errf("keyword NAXIS: bad or missing value")
	}
	h.axes = make([]int, naxis)
	for i := range h.axes {
		k := fmt.Sprintf("NAXIS%d", i+1)
		n, ok := hd.Int(k)
		if !ok || n < 0 || n > math.MaxInt32 {
			return h.errf("keyword %s: bad or missing value", k)
		}
		h.axes[i] = int(n)
	}
	h.gcount = 1
	if h.index > 0 {
		pc, ok1 := hd.Int("PCOUNT")
		gc, ok2 := hd.Int("GCOUNT")
		if !ok1 || pc < 0 {
			return h.errf("keyword PCOUNT: bad or missing value")
		}
		if !ok2 || gc < 0 {
			return h.errf("keyword GCOUNT: bad or missing value")
		}
		h.pcount, h.gcount = pc, gc
	}
	switch {
	case h.index == 0:
		h.kind = KindPrimary
		if g, _ := hd.Bool("GROUPS"); g && naxis >= 1 && h.axes[0] == 0 {
			h.kind = KindGroups
			h.pcount, _ = hd.Int("PCOUNT")
			h.gcount, _ = hd.Int("GCOUNT")
			if h.pcount < 0 || h.gcount < 0 {
				return h.errf("keyword PCOUNT/GCOUNT: negative value")
			}
		}
	case h.xtname == "IMAGE" || h.xtname == "IUEIMAGE":
		h.kind = KindImage
	case h.xtname == "BINTABLE" || h.xtname == "A3DTABLE":
		h.kind = KindBinTable
		if z, _ := hd.Bool("ZIMAGE"); z {
			h.kind = KindCompressed
		}
	case h.xtname == "TABLE":
		h.kind = KindTable
	default:
		h.kind = KindOther
	}
	// size = |BITPIX|/8 * GCOUNT * (PCOUNT + NAXIS1*...*NAXISn)
	var n uint64
	if naxis > 0 {
		n = 1
		start := 0
		if h.kind == KindGroups {
			start = 1
		}
		for _, a := range h.axes[start:] {
			hi, lo := bits.Mul64(n, uint64(a))
			if hi != 0 || lo > 1<<52 {
				return h.errf("keyword NAXIS: data size overflows")
			}
			n = lo
		}
		n += uint64(h.pcount)
		hi, lo := bits.Mul64(n, uint64(h.gcount)*uint64(abs(h.bitpix)/8))
		if hi != 0 || lo > 1<<52 {
			return h.errf("keyword GCOUNT: data size overflows")
		}
		n = lo
	}
	h.dataLen = int64(n)
	if sz := h.f.src.size(); sz >= 0 && h.dataOff+h.dataLen > sz {
		h.short = h.errf("data truncated: the header says %d bytes of data, the file has %d", h.dataLen, max(sz-h.dataOff, 0))
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Header returns the HDU's header (the stored one; for a compressed image,
// the binary-table header — see ImageHeader).
func (h *HDU) Header() *Header { return h.hdr }

// Index returns the 0-based position of the HDU in the file.
func (h *HDU) Index() int { return h.index }

// Name returns EXTNAME, or PRIMARY for an unnamed primary HDU.
func (h *HDU) Name() string {
	if s, ok := h.hdr.String("EXTNAME"); ok {
		return strings.TrimSpace(s)
	}
	if h.index == 0 {
		return "PRIMARY"
	}
	return ""
}

// Kind returns the HDU type.
func (h *HDU) Kind() Kind { return h.kind }

// Bitpix returns BITPIX as written (for a compressed image, ZBITPIX).
func (h *HDU) Bitpix() int {
	if h.kind == KindCompressed {
		if z, ok := h.hdr.Int("ZBITPIX"); ok {
			return int(z)
		}
	}
	return h.bitpix
}

// Axes returns NAXIS1..NAXISn (for a compressed image ZNAXIS1..n; for random
// groups NAXIS2..n, the shape of one group's data).
func (h *HDU) Axes() []int {
	switch h.kind {
	case KindCompressed:
		n, _ := h.hdr.Int("ZNAXIS")
		axes := make([]int, 0, min(max(n, 0), 999))
		for i := int64(1); i <= n && i < 1000; i++ {
			a, _ := h.hdr.Int(fmt.Sprintf("ZNAXIS%d", i))
			axes = append(axes, int(a))
		}
		return axes
	case KindGroups:
		return append([]int(nil), h.axes[1:]...)
	}
	return append([]int(nil), h.axes...)
}

// DataSize returns the data length in bytes, without padding.
func (h *HDU) DataSize() int64 { return h.dataLen }

// DataOffset returns where the data starts in the (decompressed) file.
func (h *HDU) DataOffset() int64 { return h.dataOff }

// available checks, where the file size is known, that the whole data unit
// is there, before anything is allocated for it.
func (h *HDU) available() error {
	if sz := h.f.src.size(); sz >= 0 && h.dataOff+h.dataLen > sz {
		return h.errf("data shorter than NAXIS says (%d bytes, the file has %d): file truncated", h.dataLen, max(sz-h.dataOff, 0))
	}
	return nil
}

// readData reads n bytes of the data unit starting at off (relative to the
// data start) into p.
func (h *HDU) readData(p []byte, off int64) error {
	if off+int64(len(p)) > h.dataLen {
		return h.errf("read past the end of the data")
	}
	if h.f.src == nil {
		return h.errf("file is closed")
	}
	if err := h.f.src.readAt(p, h.dataOff+off); err != nil {
		if errors.Is(err, errShort) {
			return h.errf("data shorter than NAXIS says (%d bytes from offset %d): file truncated", h.dataLen, h.dataOff)
		}
		return h.errf("reading data: %w", err)
	}
	return nil
}
