package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/galforge/galforge/cosmos"
	"github.com/galforge/galforge/dataset"
	"github.com/galforge/galforge/pix"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   "data",
			Short: "List, preview and fetch real astronomical data sets",
			Long: `The bundled real data sets live in data/ (or $GALFORGE_DATA); each folder's
README gives provenance, licence and layout. Some carry non-commercial terms
(FIRST/NVSS pixels) or copyleft licences (GPL-3, LGPL-3): read them before
redistributing.`,
		}
		cmd.AddCommand(dataListCmd(), dataShowCmd(), dataFetchCmd())
		return cmd
	})
}

func dataListCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the bundled data sets with counts read from their files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			infos, err := dataset.List(dir)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tOBJECTS\tBANDS\tSCALE(\")\tUNIT\tSIZE\tWHAT")
			for _, in := range infos {
				what := in.Kind
				if in.Note != "" {
					what += "; " + in.Note
				}
				fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", in.Name, in.Objects, in.Bands,
					formatScales(in.Scales), in.Unit, formatBytes(in.Bytes), what)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "data directory (default $GALFORGE_DATA or the repository's data/)")
	return cmd
}

func formatScales(s []float64) string {
	var parts []string
	for i, v := range s {
		if i > 0 && v == s[i-1] {
			continue
		}
		if v == 0 {
			parts = append(parts, "varies")
		} else {
			parts = append(parts, strconv.FormatFloat(float64(float32(v)), 'g', 4, 64))
		}
	}
	return strings.Join(parts, "/")
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func dataShowCmd() *cobra.Command {
	var (
		n    int
		seed uint64
		out  string
		cols int
	)
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Write a PNG mosaic of a data set's stamps or images",
		Long: `Draws n stamps at random (seeded) from a stamp set, or the images a folder
holds, into one PNG mosaic: optical images with an asinh stretch, radio
Jy/beam maps black below 3 sigma of the noise with a square-root stretch,
8-bit colour cubes as RGB. The PNG is written atomically.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("data show: flag -o: output PNG path required")
			}
			p, err := dataset.MakePreview(args[0], n, seed)
			if err != nil {
				return err
			}
			o := pix.MosaicOptions{Cols: p.Cols, Cell: p.Cell, Fit: true}
			if cols > 0 {
				o.Cols = cols
			}
			m := pix.Mosaic(p.Tiles, o)
			if err := pix.WritePNG(out, m); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d tiles, %dx%d pixels\n", out, len(p.Tiles), m.Bounds().Dx(), m.Bounds().Dy())
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "n", "n", 64, "number of stamps")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed for choosing stamps")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output PNG path")
	cmd.Flags().IntVar(&cols, "cols", 0, "mosaic columns (default: chosen for the set)")
	return cmd
}

func dataFetchCmd() *cobra.Command {
	var sample, dest, url, sum string
	cmd := &cobra.Command{
		Use:   "fetch cosmos",
		Short: "Download and unpack GalSim's public COSMOS training sample",
		Long: `Downloads COSMOS_<sample>_training_sample.tar.gz (Zenodo record 3242143,
about 4-5 GB) into --dest with a progress bar, resumes an interrupted
download, checks the SHA-256 when --sha256 is given (and prints it), and
unpacks it with every path confined to --dest.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "cosmos" {
				return fmt.Errorf("data fetch: unknown data set %q (only cosmos can be fetched)", args[0])
			}
			if dest == "" {
				return fmt.Errorf("data fetch: flag --dest: destination directory required")
			}
			if url == "" {
				var err error
				if url, err = cosmos.SampleURL(sample); err != nil {
					return fmt.Errorf("data fetch: flag --sample: %w", err)
				}
			}
			res, err := cosmos.Fetch(cmd.Context(), cosmos.FetchOptions{URL: url, Dest: dest, SHA256: sum, Progress: os.Stderr})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if res.Resumed > 0 {
				fmt.Fprintf(w, "resumed after %d bytes\n", res.Resumed)
			}
			fmt.Fprintf(w, "%s sha256 %s\nunpacked %d files into %s\n", filepath.Base(res.Archive), res.SHA256, res.Files, dest)
			return nil
		},
	}
	cmd.Flags().StringVar(&sample, "sample", "25.2", "COSMOS sample: 23.5 or 25.2 (F814W limiting magnitude)")
	cmd.Flags().StringVar(&dest, "dest", "", "destination directory")
	cmd.Flags().StringVar(&url, "url", "", "download URL (default: GalSim's Zenodo address for --sample)")
	cmd.Flags().StringVar(&sum, "sha256", "", "expected SHA-256 of the archive (hex)")
	return cmd
}
