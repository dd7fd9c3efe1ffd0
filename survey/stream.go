package survey

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/galforge/galforge/fits"
)

// stream writes a FITS file HDU by HDU with the data streamed in pieces,
// so that a stamp cube or a field never has to be held in memory. Package
// fits' Writer takes whole images; this is the streaming complement, using
// fits.Header for the cards. Like fits.Writer it writes to a temporary file
// in the target directory and renames it on Close.
type stream struct {
	path, tmp string
	f         *os.File
	w         *bufio.Writer
	left      int64 // data bytes still owed to the current HDU
	written   int64 // data bytes of the current HDU so far
	nhdu      int
	err       error
	buf       []byte
}

func createStream(path string) (*stream, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	return &stream{path: path, tmp: f.Name(), f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (s *stream) fail(err error) error {
	if s.err == nil && err != nil {
		s.err = fmt.Errorf("survey: writing %s: %w", s.path, err)
	}
	return s.err
}

// begin finishes the previous HDU and writes the header of the next, whose
// data section will be dataBytes long.
func (s *stream) begin(h *fits.Header, dataBytes int64) error {
	if s.err != nil {
		return s.err
	}
	if err := s.endHDU(); err != nil {
		return err
	}
	var b []byte
	for _, c := range h.Cards() {
		raw := c.Raw()
		if raw == nil {
			return s.fail(fmt.Errorf("header card %s cannot be written", c.Key))
		}
		for _, r := range raw {
			b = append(b, r...)
		}
	}
	b = append(b, fmt.Sprintf("%-80s", "END")...)
	b = pad(b, ' ')
	if _, err := s.w.Write(b); err != nil {
		return s.fail(err)
	}
	s.left, s.written = dataBytes, 0
	s.nhdu++
	return nil
}

func pad(b []byte, c byte) []byte {
	for len(b)%fits.BlockSize != 0 {
		b = append(b, c)
	}
	return b
}

func (s *stream) endHDU() error {
	if s.nhdu == 0 {
		return nil
	}
	if s.left != 0 {
		return s.fail(fmt.Errorf("HDU %d: %d data bytes missing", s.nhdu-1, s.left))
	}
	if r := s.written % fits.BlockSize; r != 0 {
		if _, err := s.w.Write(make([]byte, fits.BlockSize-r)); err != nil {
			return s.fail(err)
		}
	}
	s.written = 0
	return nil
}

// Write appends raw (big-endian) data bytes to the current HDU.
func (s *stream) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if int64(len(p)) > s.left {
		return 0, s.fail(fmt.Errorf("HDU %d: more data than its header declares", s.nhdu-1))
	}
	n, err := s.w.Write(p)
	s.left -= int64(n)
	s.written += int64(n)
	return n, s.fail(err)
}

// float32s appends values as big-endian IEEE float32 (BITPIX -32).
func (s *stream) float32s(v []float64) error {
	s.buf = s.buf[:0]
	for _, x := range v {
		s.buf = binary.BigEndian.AppendUint32(s.buf, math.Float32bits(float32(x)))
	}
	_, err := s.Write(s.buf)
	return err
}

// copyFrom appends n raw data bytes from r.
func (s *stream) copyFrom(r io.Reader, n int64) error {
	if s.err != nil {
		return s.err
	}
	if n > s.left {
		return s.fail(fmt.Errorf("HDU %d: more data than its header declares", s.nhdu-1))
	}
	m, err := io.CopyN(s.w, r, n)
	s.left -= m
	s.written += m
	return s.fail(err)
}

// Close finishes the file and renames it into place; after any error
// nothing appears at the path.
func (s *stream) Close() error {
	if s.f == nil {
		return s.err
	}
	err := s.endHDU()
	if err == nil {
		err = s.fail(s.w.Flush())
	}
	if err == nil {
		err = s.fail(s.f.Chmod(0o644))
	}
	if cerr := s.f.Close(); err == nil {
		err = s.fail(cerr)
	}
	s.f = nil
	if err == nil {
		err = s.fail(os.Rename(s.tmp, s.path))
	}
	if err != nil {
		os.Remove(s.tmp)
	}
	return err
}

// Abort drops the temporary file.
func (s *stream) Abort() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
		os.Remove(s.tmp)
	}
}

// imageHeader returns the mandatory cards of an image HDU with BITPIX -32
// and the given axes (NAXIS1 first).
func imageHeader(primary bool, axes ...int) *fits.Header {
	h := fits.NewHeader()
	if primary {
		h.Set("SIMPLE", true, "conforms to FITS standard")
	} else {
		h.Set("XTENSION", "IMAGE", "image extension")
	}
	h.Set("BITPIX", int64(-32), "IEEE single precision")
	h.Set("NAXIS", int64(len(axes)), "number of axes")
	for i, n := range axes {
		h.Set(fmt.Sprintf("NAXIS%d", i+1), int64(n), "")
	}
	if primary {
		h.Set("EXTEND", true, "")
	} else {
		h.Set("PCOUNT", int64(0), "")
		h.Set("GCOUNT", int64(1), "")
	}
	return h
}

func imageBytes(axes ...int) int64 {
	n := int64(4)
	for _, a := range axes {
		n *= int64(a)
	}
	return n
}

// atomicFile is a buffered file written under a temporary name in the
// target directory and renamed into place by Close.
type atomicFile struct {
	*bufio.Writer
	f    *os.File
	path string
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	return &atomicFile{Writer: bufio.NewWriterSize(f, 1<<16), f: f, path: path}, nil
}

// Close flushes, closes and renames the file; on error nothing appears.
func (a *atomicFile) Close() error {
	err := a.Flush()
	if err == nil {
		err = a.f.Chmod(0o644)
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("survey: writing %s: %w", a.path, err)
	}
	return nil
}

// Abort drops the temporary file.
func (a *atomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}
