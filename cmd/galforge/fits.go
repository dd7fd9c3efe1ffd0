package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/galforge/galforge/fits"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   "fits",
			Short: "Inspect FITS files: HDUs, headers, tables, pixels, checksums",
			Long: `Inspect FITS files (.fits, .fits.gz, .fits.bz2, .fits.fz-style tile
compression, random groups). HDUs count from 0, as in astropy; --hdu also
takes an EXTNAME.`,
		}
		cmd.AddCommand(fitsInfoCmd(), fitsHeaderCmd(), fitsTableCmd(), fitsPixelsCmd(), fitsVerifyCmd())
		return cmd
	})
}

func fitsInfoCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info FILE",
		Short: "List the HDUs: index, name, type, dimensions (NAXIS1 first), BITPIX or TFORMs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := fits.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			// on damage, list the complete HDUs that precede it, then fail
			hdus, scanErr := f.HDUs()
			infos := make([]fits.HDUInfo, 0, len(hdus))
			for _, h := range hdus {
				if err := h.Complete(); err != nil {
					scanErr = err
					break
				}
				infos = append(infos, h.Info())
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(infos); err != nil {
					return err
				}
				return scanErr
			}
			for _, in := range infos {
				fmt.Fprintln(w, in)
			}
			return scanErr
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON list of objects")
	return cmd
}

// openHDU opens path and resolves --hdu in it; an empty spec means def (an
// index) or, if def < 0, the first HDU with data. The caller closes f.
func openHDU(path, spec string, def int) (f *fits.File, h *fits.HDU, err error) {
	if f, err = fits.Open(path); err != nil {
		return nil, nil, err
	}
	switch {
	case spec != "":
		h, err = f.Find(spec)
	case def >= 0:
		h, err = f.HDU(def)
	default:
		h, err = f.DataHDU()
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, h, nil
}

// checkFormat validates --format.
func checkFormat(format string) error {
	if format != "csv" && format != "json" {
		return fmt.Errorf("--format: %q, want csv or json", format)
	}
	return nil
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func fitsHeaderCmd() *cobra.Command {
	var hdu string
	var raw bool
	cmd := &cobra.Command{
		Use:   "header FILE",
		Short: "Print a header as KEY = value / comment lines, or the raw 80-character cards",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, h, err := openHDU(args[0], hdu, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			w := cmd.OutOrStdout()
			for _, c := range h.Header().Cards() {
				if raw {
					for _, img := range c.Raw() {
						fmt.Fprintln(w, img)
					}
				} else {
					fmt.Fprintln(w, c.String())
				}
			}
			if raw {
				fmt.Fprintf(w, "%-80s\n", "END")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&hdu, "hdu", "", "HDU index (0 = primary) or EXTNAME")
	cmd.Flags().BoolVar(&raw, "raw", false, "print the raw 80-character cards")
	return cmd
}

// csvFloat writes a float in shortest round-trip form, nan/inf/-inf as such.
func csvFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return csvFloat(x)
	case complex128:
		return csvFloat(real(x)) + " " + csvFloat(imag(x))
	case []float64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = csvFloat(e)
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v)
}

// jsonValue maps a cell to what encoding/json can write: NaN and ±Inf as null.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case complex128:
		return []any{jsonValue(real(x)), jsonValue(imag(x))}
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	}
	return v
}

// jsonRow keeps the column order when a row object is encoded.
type jsonRow struct {
	keys []string
	vals []any
}

func (r jsonRow) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range r.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(jsonValue(r.vals[i]))
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func fitsTableCmd() *cobra.Command {
	var hdu, columns, format string
	cmd := &cobra.Command{
		Use:   "table FILE --hdu N|NAME",
		Short: "Print a binary or ASCII table as CSV (with a header row) or JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			f, h, err := openHDU(args[0], hdu, 1)
			if err != nil {
				return err
			}
			defer f.Close()
			t, err := h.Table()
			if err != nil {
				return err
			}
			var names []string
			if columns != "" {
				for _, c := range strings.Split(columns, ",") {
					names = append(names, strings.TrimSpace(c))
				}
			} else {
				for _, c := range t.Columns() {
					names = append(names, c.Name)
				}
			}
			cells := make([][]any, len(names))
			for i, n := range names {
				if cells[i], err = t.Cells(n); err != nil {
					return fmt.Errorf("--columns: %w", err)
				}
			}
			return writeTable(cmd.OutOrStdout(), format, names, cells, t.Rows())
		},
	}
	cmd.Flags().StringVar(&hdu, "hdu", "", "HDU index or EXTNAME (default 1)")
	cmd.Flags().StringVar(&columns, "columns", "", "comma-separated column names (default all)")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}

func writeTable(w io.Writer, format string, names []string, cells [][]any, rows int) error {
	if format == "json" {
		out := make([]jsonRow, rows)
		for r := range out {
			vals := make([]any, len(names))
			for c := range names {
				vals[c] = cells[c][r]
			}
			out[r] = jsonRow{keys: names, vals: vals}
		}
		return writeJSONLine(w, out)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(names); err != nil {
		return err
	}
	rec := make([]string, len(names))
	for r := 0; r < rows; r++ {
		for c := range names {
			rec[c] = csvCell(cells[c][r])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func fitsPixelsCmd() *cobra.Command {
	var hdu, window, format string
	var plane int
	cmd := &cobra.Command{
		Use:   "pixels FILE",
		Short: "Print physical pixel values (0-based x,y, FITS orientation) as CSV x,y,value or JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			f, h, err := openHDU(args[0], hdu, -1)
			if err != nil {
				return err
			}
			defer f.Close()
			switch h.Kind() {
			case fits.KindPrimary, fits.KindImage, fits.KindCompressed:
			default:
				return fmt.Errorf("fits: %s: HDU %d is a %s HDU, not an image", args[0], h.Index(), h.Kind())
			}
			if err := h.Complete(); err != nil {
				return err
			}
			axes := h.Axes()
			if len(axes) == 0 {
				return fmt.Errorf("fits: %s: HDU %d has no pixels", args[0], h.Index())
			}
			nx, ny := axes[0], 1
			if len(axes) > 1 {
				ny = axes[1]
			}
			x0, y0, x1, y1 := 0, 0, nx, ny
			if window != "" {
				p := strings.Split(window, ",")
				if len(p) != 4 {
					return fmt.Errorf("--window: %q, want x0,y0,x1,y1", window)
				}
				v := make([]int, 4)
				for i, s := range p {
					if v[i], err = strconv.Atoi(strings.TrimSpace(s)); err != nil {
						return fmt.Errorf("--window: %q: %w", window, err)
					}
				}
				x0, y0, x1, y1 = v[0], v[1], v[2], v[3]
			}
			var img *fits.Image
			if len(axes) == 1 {
				if plane != 0 || y0 != 0 || y1 != 1 || x0 < 0 || x1 > nx || x0 >= x1 {
					return fmt.Errorf("--plane/--window: outside the 1-D array of %d values", nx)
				}
				full, err := h.Image()
				if err != nil {
					return err
				}
				img = &fits.Image{Axes: []int{x1 - x0, 1}, Data: full.Data[x0:x1]}
			} else {
				if x0 < 0 || y0 < 0 || x1 > nx || y1 > ny || x0 >= x1 || y0 >= y1 {
					return fmt.Errorf("--window %d,%d,%d,%d: outside the %dx%d image or empty", x0, y0, x1, y1, nx, ny)
				}
				np := 1
				for _, a := range axes[2:] {
					np *= a
				}
				if plane < 0 || plane >= np {
					return fmt.Errorf("--plane %d: out of range [0, %d)", plane, np)
				}
				if img, err = h.PlaneWindow(plane, x0, y0, x1, y1); err != nil {
					return err
				}
			}
			return writePixels(cmd.OutOrStdout(), format, img, x0, y0)
		},
	}
	cmd.Flags().StringVar(&hdu, "hdu", "", "HDU index or EXTNAME (default: the first HDU with data)")
	cmd.Flags().IntVar(&plane, "plane", 0, "plane of a cube (over NAXIS3..n, NAXIS3 fastest)")
	cmd.Flags().StringVar(&window, "window", "", "x0,y0,x1,y1: 0-based, x1 and y1 exclusive")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}

func writePixels(w io.Writer, format string, img *fits.Image, x0, y0 int) error {
	nx, ny := img.Axes[0], img.Axes[1]
	if format == "json" {
		rows := make([][]any, ny)
		for y := range rows {
			rows[y] = make([]any, nx)
			for x := range rows[y] {
				rows[y][x] = jsonValue(img.Data[y*nx+x])
			}
		}
		return writeJSONLine(w, map[string]any{"x0": x0, "y0": y0, "nx": nx, "ny": ny, "rows": rows})
	}
	var b strings.Builder
	b.WriteString("x,y,value\n")
	for y := 0; y < ny; y++ {
		for x := 0; x < nx; x++ {
			fmt.Fprintf(&b, "%d,%d,%s\n", x0+x, y0+y, csvFloat(img.Data[y*nx+x]))
		}
		if b.Len() > 1<<16 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fitsVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify FILE",
		Short: "Check structure and CHECKSUM/DATASUM; one line per problem, exit status 1 if any",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			probs := fits.Verify(args[0])
			w := cmd.OutOrStdout()
			for _, p := range probs {
				fmt.Fprintln(w, p)
			}
			if len(probs) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%s: %d problem(s) found", args[0], len(probs))}
			}
			fmt.Fprintf(w, "%s: OK\n", args[0])
			return nil
		},
	}
}
