package fits

import (
	"fmt"
	"strings"
)

// Groups is the data of a random-groups primary HDU (as in UVFITS): GCOUNT
// groups, each with PCOUNT parameters and an array of shape Axes.
type Groups struct {
	ParamNames []string    // PTYPEn
	Axes       []int       // NAXIS2..NAXISn, FITS order
	Params     [][]float64 // [group][param], PSCALn/PZEROn applied
	Data       [][]float64 // [group][pixel], BSCALE/BZERO applied, BLANK as NaN
}

// Param returns parameter name (case-insensitive) of every group; UVFITS
// splits some parameters (DATE) over two PTYPEs of the same name, which are
// summed, as the convention says.
func (g *Groups) Param(name string) ([]float64, error) {
	var idx []int
	for i, n := range g.ParamNames {
		if strings.EqualFold(strings.TrimSpace(n), name) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("fits: no random-groups parameter %q", name)
	}
	out := make([]float64, len(g.Params))
	for k, p := range g.Params {
		for _, i := range idx {
			out[k] += p[i]
		}
	}
	return out, nil
}

// Groups reads a random-groups HDU.
func (h *HDU) Groups() (*Groups, error) {
	if h.kind != KindGroups {
		return nil, h.errf("%s HDU is not random groups", h.kind)
	}
	if err := h.available(); err != nil {
		return nil, err
	}
	g := &Groups{Axes: h.Axes()}
	np := int(h.pcount)
	npix := product(g.Axes)
	per := np + npix
	if per == 0 && h.gcount > 1<<20 {
		return nil, h.errf("keyword GCOUNT: %d empty groups", h.gcount)
	}
	all := make([]float64, int(h.gcount)*per)
	s := h.imageScaling()
	// parameters have their own scaling: read raw values, scale below
	if err := h.readPhysicalWith(all, 0, scaling{scale: 1}); err != nil {
		return nil, err
	}
	pscale := make([]float64, np)
	pzero := make([]float64, np)
	g.ParamNames = make([]string, np)
	for i := 0; i < np; i++ {
		pscale[i] = 1
		if v, ok := h.hdr.Float(fmt.Sprintf("PSCAL%d", i+1)); ok {
			pscale[i] = v
		}
		pzero[i], _ = h.hdr.Float(fmt.Sprintf("PZERO%d", i+1))
		g.ParamNames[i], _ = h.hdr.String(fmt.Sprintf("PTYPE%d", i+1))
	}
	g.Params = make([][]float64, h.gcount)
	g.Data = make([][]float64, h.gcount)
	for k := range g.Params {
		grp := all[k*per : (k+1)*per]
		p := grp[:np:np]
		for i := range p {
			p[i] = p[i]*pscale[i] + pzero[i]
		}
		d := grp[np:]
		if !s.identity() {
			for i, v := range d {
				if s.hasBlank && h.bitpix > 0 && v == float64(s.blank) {
					d[i] = nan
				} else {
					d[i] = v*s.scale + s.zero
				}
			}
		}
		g.Params[k], g.Data[k] = p, d
	}
	return g, nil
}
