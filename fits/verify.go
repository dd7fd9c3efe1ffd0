package fits

import (
	"fmt"
)

// Verify checks a file's structure and checksums and returns one line per
// problem: unreadable or damaged headers, mandatory keywords out of place,
// unparsable cards, data shorter than NAXIS says, bytes after the last HDU,
// CHECKSUM/DATASUM mismatches. An empty result means none was found.
func Verify(path string) []string {
	f, err := Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	var probs []string
	n := f.Len()
	for i := 0; i < n; i++ {
		h := f.hdus[i]
		pre := fmt.Sprintf("%s: HDU %d", path, i)
		for _, note := range h.notes {
			probs = append(probs, pre+": "+note)
		}
		for _, c := range h.hdr.cards {
			if c.bad != "" {
				probs = append(probs, fmt.Sprintf("%s: keyword %s: %s", pre, c.Key, c.bad))
			}
		}
		if h.short != nil {
			// reading the data or its checksum would report it again
			probs = append(probs, h.short.Error())
			continue
		}
		cs, present, err := h.VerifyChecksum()
		if err != nil {
			probs = append(probs, err.Error())
			continue
		}
		for _, p := range cs {
			probs = append(probs, path+": "+p)
		}
		if !present && h.dataLen > 0 {
			// read the data through to find a truncated stream
			buf := make([]byte, min(h.dataLen, 1<<20))
			for off := int64(0); off < h.dataLen; off += int64(len(buf)) {
				m := min(int64(len(buf)), h.dataLen-off)
				if err := h.readData(buf[:m], off); err != nil {
					probs = append(probs, err.Error())
					break
				}
			}
		}
		if h.kind == KindBinTable || h.kind == KindTable || h.kind == KindCompressed {
			if _, err := h.tableColumns(); err != nil {
				probs = append(probs, err.Error())
			}
		}
	}
	if f.scanErr != nil {
		probs = append(probs, f.scanErr.Error())
	}
	if f.trailer {
		probs = append(probs, fmt.Sprintf("%s: bytes after the last HDU are not a FITS extension", path))
	}
	return probs
}
