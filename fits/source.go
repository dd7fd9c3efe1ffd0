package fits

import (
	"bufio"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
)

// errShort marks reads that ran past the end of the file.
var errShort = errors.New("unexpected end of file")

// source gives positioned reads of the (decompressed) FITS byte stream.
type source interface {
	// readAt fills p from offset off; a short read is errShort.
	readAt(p []byte, off int64) error
	// size returns the stream length when known cheaply (plain files), else -1.
	size() int64
	close() error
}

// fileSource reads a plain file with ReadAt (seeks, no buffering needed).
type fileSource struct {
	f *os.File
	n int64
}

func (s *fileSource) readAt(p []byte, off int64) error {
	n, err := s.f.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return errShort
	}
	return err
}

func (s *fileSource) size() int64  { return s.n }
func (s *fileSource) close() error { return s.f.Close() }

// streamSource reads a compressed file forward; going back restarts the
// decompression from the start of the file.
type streamSource struct {
	f      *os.File
	kind   string // "gzip" or "bzip2"
	r      io.Reader
	closer io.Closer
	pos    int64
}

func (s *streamSource) reset() error {
	if s.closer != nil {
		s.closer.Close()
		s.closer = nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	br := bufio.NewReaderSize(s.f, 1<<16)
	switch s.kind {
	case "gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		zr.Multistream(true)
		s.r, s.closer = zr, zr
	default:
		s.r = bzip2.NewReader(br)
	}
	s.pos = 0
	return nil
}

func (s *streamSource) readAt(p []byte, off int64) error {
	if off < s.pos || s.r == nil {
		if err := s.reset(); err != nil {
			return err
		}
	}
	if off > s.pos {
		n, err := io.CopyN(io.Discard, s.r, off-s.pos)
		s.pos += n
		if err != nil {
			return streamErr(err)
		}
	}
	n, err := io.ReadFull(s.r, p)
	s.pos += int64(n)
	if err != nil {
		return streamErr(err)
	}
	return nil
}

func streamErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errShort
	}
	return fmt.Errorf("decompressing: %w", err)
}

func (s *streamSource) size() int64 { return -1 }
func (s *streamSource) close() error {
	if s.closer != nil {
		s.closer.Close()
	}
	return s.f.Close()
}

// openSource opens path, recognising gzip and bzip2 by their magic bytes
// (whatever the file is called).
func openSource(path string) (source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, errors.New("is a directory")
	}
	var magic [3]byte
	n, _ := f.ReadAt(magic[:], 0)
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return &streamSource{f: f, kind: "gzip"}, nil
	case n == 3 && string(magic[:]) == "BZh":
		return &streamSource{f: f, kind: "bzip2"}, nil
	}
	return &fileSource{f: f, n: st.Size()}, nil
}

// readerSource reads from an io.ReaderAt of known size.
type readerSource struct {
	r io.ReaderAt
	n int64
}

func (s *readerSource) readAt(p []byte, off int64) error {
	if off < 0 || off+int64(len(p)) > s.n {
		return errShort
	}
	n, err := s.r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return errShort
	}
	return err
}

func (s *readerSource) size() int64  { return s.n }
func (s *readerSource) close() error { return nil }
