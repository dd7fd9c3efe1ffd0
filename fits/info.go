package fits

import (
	"fmt"
	"strconv"
	"strings"
)

// HDUInfo summarises one HDU without reading its data: what `galforge fits
// info` prints.
type HDUInfo struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	Type  string `json:"type"` // PRIMARY, IMAGE, BINTABLE, TABLE, GROUPS, COMPRESSED
	// Dims is NAXIS1xNAXIS2x... for arrays (ZNAXISn for compressed images,
	// NAXIS2..n for random groups) or <rows>x<columns> for tables.
	Dims string `json:"dims"`
	// Format is BITPIX (ZBITPIX) for arrays, the TFORMs comma-joined for tables.
	Format string `json:"format"`
	Axes   []int  `json:"axes,omitempty"`
	Rows   *int64 `json:"rows,omitempty"`
	Cols   *int64 `json:"columns,omitempty"`
	GCount *int64 `json:"gcount,omitempty"`
	PCount *int64 `json:"pcount,omitempty"`
}

// String returns the tab-separated line: index, name, type, dims, format.
func (in HDUInfo) String() string {
	return fmt.Sprintf("%d\t%s\t%s\t%s\t%s", in.Index, in.Name, in.Type, in.Dims, in.Format)
}

// Info summarises the HDU.
func (h *HDU) Info() HDUInfo {
	in := HDUInfo{Index: h.index, Name: h.Name(), Type: h.kind.String()}
	hd := h.hdr
	switch h.kind {
	case KindBinTable, KindTable:
		var rows int64
		if len(h.axes) >= 2 {
			rows = int64(h.axes[1])
		}
		nf, _ := hd.Int("TFIELDS")
		in.Rows, in.Cols = &rows, &nf
		in.Dims = fmt.Sprintf("%dx%d", rows, nf)
		forms := make([]string, 0, min(max(nf, 0), 999))
		for i := int64(1); i <= nf && i <= 999; i++ {
			s, _ := hd.String(fmt.Sprintf("TFORM%d", i))
			forms = append(forms, strings.TrimSpace(s))
		}
		in.Format = strings.Join(forms, ",")
	default:
		in.Axes = h.Axes()
		parts := make([]string, len(in.Axes))
		for i, a := range in.Axes {
			parts[i] = strconv.Itoa(a)
		}
		in.Dims = strings.Join(parts, "x")
		in.Format = strconv.Itoa(h.Bitpix())
		if h.kind == KindGroups {
			in.GCount, in.PCount = &h.gcount, &h.pcount
		}
	}
	return in
}
