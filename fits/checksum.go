package fits

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// onesSum adds b (a multiple of 4 bytes) as big-endian 32-bit words to sum in
// ones'-complement arithmetic, the FITS checksum.
func onesSum(sum uint32, b []byte) uint32 {
	var acc uint64 = uint64(sum)
	for i := 0; i+4 <= len(b); i += 4 {
		acc += uint64(binary.BigEndian.Uint32(b[i:]))
		if i&0xfffff == 0 { // fold now and then so acc cannot overflow
			acc = acc&0xffffffff + acc>>32
		}
	}
	for acc>>32 != 0 {
		acc = acc&0xffffffff + acc>>32
	}
	return uint32(acc)
}

// encodeChecksum turns a 32-bit value into the 16 characters of the CHECKSUM
// card: each byte spread over four printable characters (avoiding the
// punctuation between the digits and letters), then rotated one place right.
func encodeChecksum(value uint32) string {
	var asc [16]byte
	for i := 0; i < 4; i++ {
		b := int(value>>(24-8*uint(i))) & 0xff
		q, r := b/4+'0', b%4
		ch := [4]int{q + r, q, q, q}
		for again := true; again; {
			again = false
			for j := 0; j < 4; j += 2 {
				for _, x := range [2]int{j, j + 1} {
					if c := ch[x]; c >= 0x3a && c <= 0x40 || c >= 0x5b && c <= 0x60 {
						ch[j]++
						ch[j+1]--
						again = true
						break
					}
				}
			}
		}
		for j := 0; j < 4; j++ {
			asc[4*j+i] = byte(ch[j])
		}
	}
	var out [16]byte
	for i := range out {
		out[i] = asc[(i+15)%16]
	}
	return string(out[:])
}

// setChecksum adds DATASUM and CHECKSUM cards to h for the given data so
// that the whole HDU sums to -0.
func setChecksum(h *Header, data []byte) error {
	ds := onesSum(0, padData(data))
	h.Set("DATASUM", strconv.FormatUint(uint64(ds), 10), "data unit checksum")
	h.Set("CHECKSUM", "0000000000000000", "HDU checksum")
	hb, err := h.encode()
	if err != nil {
		return err
	}
	sum := onesSum(ds, hb)
	h.Set("CHECKSUM", encodeChecksum(^sum), "")
	return nil
}

func padData(data []byte) []byte {
	if len(data)%BlockSize == 0 {
		return data
	}
	p := make([]byte, padded(int64(len(data))))
	copy(p, data)
	return p
}

// VerifyChecksum checks the DATASUM and CHECKSUM cards of an HDU, if present.
// It returns the problems found (none when they match or are absent) and
// whether the cards were present.
func (h *HDU) VerifyChecksum() (problems []string, present bool, err error) {
	cs, hasCS := h.hdr.String("CHECKSUM")
	dsStr, hasDS := h.hdr.String("DATASUM")
	if !hasCS && !hasDS {
		return nil, false, nil
	}
	// the sums cover the fill after the data too, as stored
	data := make([]byte, padded(h.dataLen))
	if h.f.src.readAt(data, h.dataOff) != nil {
		clear(data)
		if err := h.readData(data[:h.dataLen], 0); err != nil {
			return nil, true, err
		}
	}
	ds := onesSum(0, data)
	if hasDS {
		want, perr := strconv.ParseUint(dsStr, 10, 32)
		if perr != nil || uint32(want) != ds {
			problems = append(problems, fmt.Sprintf("HDU %d: keyword DATASUM: %q does not match the data (%d)", h.index, dsStr, ds))
		}
	}
	if hasCS {
		hb := make([]byte, h.dataOff-h.hdrOff)
		if err := h.f.src.readAt(hb, h.hdrOff); err != nil {
			return nil, true, h.errf("reading header: %w", err)
		}
		if s := onesSum(ds, hb); s != 0xffffffff && s != 0 {
			problems = append(problems, fmt.Sprintf("HDU %d: keyword CHECKSUM: %q does not match the HDU (sum %08x)", h.index, cs, s))
		}
	}
	return problems, true, nil
}
