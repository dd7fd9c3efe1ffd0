package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/galforge/galforge/realism"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var (
			real, gen, out, dataDir string
			limit, steps            int
			field, size             int
			band                    string
			seed                    uint64
		)
		cmd := &cobra.Command{
			Use:   "compare --real A --generated B -o report/",
			Short: "Judge whether generated galaxy stamps are indistinguishable from real ones",
			Long: `compare measures the morphology of two sets of stamps (Gini, M20,
concentration, asymmetry, smoothness, half-light radius, ellipticity, Sérsic
index; statmorph definitions) and their radial power spectra, gives the
Wasserstein distance of each statistic, and runs a two-sample classifier test:
a small network trained on half of the objects to tell the sets apart, scored
on the other half (about 50 % accuracy means indistinguishable).

A and B are FITS stamp cubes (NAXIS3 = objects, or NAXIS4 = objects with
NAXIS3 colour channels, averaged) or bundled real sets NAME:SPLIT[:K/N] under
--data, e.g. gz-decals-rings:train, or gz-decals-rings:train:1/2 and :2/2
for two disjoint halves. The report directory gets index.html, image grids,
histograms, the spectra (PNG) and report.json.

The two sets must have the same stamp size, band count and unit; compare
says which differs. --real-field F --size N crops the central F pixels of the
real stamps and block-averages them to N pixels, as train --field/--size does
(use the crop and size in the model card, model.json); --band mean or --band K
averages the bands of both sets or keeps band K. For example, with the bundled
ring-galaxy model (trained on the 64 px centre of the 128 px stamps at 32 px):

  galforge sample --model models/gz-decals-rings-flow -n 128 -o gen.fits
  galforge compare --real gz-decals-rings:test --real-field 64 --size 32 \
      --generated gen.fits -o report/`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if real == "" || gen == "" {
					return fmt.Errorf("--real and --generated are both required")
				}
				if out == "" {
					return fmt.Errorf("-o: a report directory is required")
				}
				if limit < 0 || steps < 0 {
					return fmt.Errorf("--limit %d and --steps %d must not be negative", limit, steps)
				}
				if field < 0 || size < 0 || (field > 0 && size == 0) {
					return fmt.Errorf("--real-field %d needs --size N > 0 to block-average to, and neither may be negative", field)
				}
				if err := checkReportDir(out); err != nil {
					return err
				}
				a, err := realism.LoadWith(real, dataDir, realism.LoadOptions{Limit: limit, Field: field, Size: size, Band: band})
				if err != nil {
					return fmt.Errorf("--real/--real-field/--size/--band: %w", err)
				}
				b, err := realism.LoadWith(gen, dataDir, realism.LoadOptions{Limit: limit, Band: band})
				if err != nil {
					return fmt.Errorf("--generated/--band: %w", err)
				}
				if err := realism.Compatible(a, b); err != nil {
					return err
				}
				r, err := realism.Compare(a, b, realism.Options{Seed: seed, Steps: steps})
				if err != nil {
					return err
				}
				if err := realism.WriteReport(out, r, a, b); err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s (%d) vs %s (%d)\n", r.A, r.NA, r.B, r.NB)
				fmt.Fprintf(w, "classifier accuracy %.3f (±%.3f for chance) on %d held-out objects\n",
					r.Classifier.Accuracy, r.Classifier.StdErr, r.Classifier.NTest)
				for _, s := range r.Stats {
					fmt.Fprintf(w, "  %-14s W1 %.4g  W1/σ %.3f\n", s.Name, s.W1, s.W1Norm)
				}
				fmt.Fprintf(w, "power spectra: %.3f dex rms\nverdict: %s\nreport: %s/index.html\n", r.PowerDist, r.Verdict(), out)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&real, "real", "", "real stamps: FITS cube or bundled set NAME:SPLIT[:K/N]")
		f.StringVar(&gen, "generated", "", "generated stamps: FITS cube or bundled set")
		f.StringVarP(&out, "output", "o", "", "report directory")
		f.StringVar(&dataDir, "data", "data", "directory of the bundled real data sets")
		f.IntVar(&field, "real-field", 0, "crop the central F source pixels of the real stamps (0: whole stamp; needs --size)")
		f.IntVar(&size, "size", 0, "block-average the real stamps to N pixels (0: as they are)")
		f.StringVar(&band, "band", "", "bands: \"\" the sets must have as many, averaged; mean: average each set's; K: keep band K (1-based)")
		f.IntVar(&limit, "limit", 0, "use at most this many objects per set (0 = all)")
		f.IntVar(&steps, "steps", 400, "classifier training steps")
		f.Uint64Var(&seed, "seed", 1, "seed of the classifier split and training")
		return cmd
	})
}

// checkReportDir says, before any work, why the report directory cannot be
// written: its parent does not exist or it is a file.
func checkReportDir(dir string) error {
	parent := filepath.Dir(filepath.Clean(dir))
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return fmt.Errorf("-o: output directory %s does not exist (for the report %s)", parent, dir)
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("-o: %s is a file, want a report directory", dir)
	}
	return nil
}
