package fits

import (
	"math"
	"strings"
)

// Cells returns the values of one column as plain Go values, one per row,
// for export: string (A), bool (L), int64 (integer columns with integral
// scaling), float64 (other scalar numbers), complex128 (C, M), []float64
// (vectors, bits, variable-length arrays), or nil for a null cell.
func (t *Table) Cells(name string) ([]any, error) {
	c, err := t.col(name)
	if err != nil {
		return nil, err
	}
	out := make([]any, t.rows)
	scalar := c.Repeat == 1 && c.Var == 0
	intScaled := c.Scale == 1 && c.Zero == math.Trunc(c.Zero) && (c.Type != 'K' || c.Zero == 0)
	var nulls []bool
	if scalar || t.ascii {
		if nulls, err = t.Nulls(name); err != nil {
			return nil, err
		}
	}
	fill := func(get func(i int) any) []any {
		for i := range out {
			if nulls != nil && nulls[i] {
				continue
			}
			out[i] = get(i)
		}
		return out
	}
	switch {
	case c.Type == 'A':
		s, err := t.Strings(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return s[i] }), nil
	case t.ascii && c.Type == 'I' && intScaled:
		v, err := t.Int64(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	case t.ascii:
		v, err := t.Float64(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	case scalar && c.Type == 'L':
		v, err := t.Bools(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	case scalar && strings.IndexByte("BIJK", c.Type) >= 0 && intScaled:
		v, err := t.Int64(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	case scalar && (c.Type == 'C' || c.Type == 'M'):
		v, err := t.Complex(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	case scalar && c.Type != 'X':
		v, err := t.Float64(name)
		if err != nil {
			return nil, err
		}
		return fill(func(i int) any { return v[i] }), nil
	}
	v, err := t.Vectors(name)
	if err != nil {
		return nil, err
	}
	return fill(func(i int) any { return v[i] }), nil
}
