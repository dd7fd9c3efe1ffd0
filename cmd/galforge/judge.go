package main

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/galforge/galforge/judge"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var (
			dir, out string
			opt      judge.Options
		)
		cmd := &cobra.Command{
			Use:   "judge",
			Short: "Realism check of a trained generative model against held-out real stamps",
			Long: `Compare generated stamps with held-out real stamps of the set the model was
trained on (--split test, the default, for final figures; --split val, the
validation subset of train, for every development choice): distributions of flux, half-light radius, ellipticity and concentration,
the pixel-value histogram, the radial power spectrum, a memorisation check
(distance to the nearest training stamp, generated vs held-out real) and the
conditioning checks. Writes PNG plots and summary.json.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if dir == "" {
					return fmt.Errorf("judge: --model is required")
				}
				out = judgeOutDir(dir, out)
				r, err := judge.Run(dir, opt)
				if err != nil {
					return err
				}
				if err := r.Write(out); err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s on %s: %d generated vs %d real %s stamps\n", r.Model, r.Data, r.NGen, r.NReal, r.Split)
				for _, name := range judge.StatNames {
					d := r.Stats[name]
					fmt.Fprintf(w, "  %-13s median real %.4g gen %.4g  KS %.3f\n", name, d.RealMedian, d.GenMedian, d.KS)
				}
				fmt.Fprintf(w, "  pixel histogram TV %.3f, power spectrum rms log10 ratio %.3f\n", r.PixelTV, r.PowerLogRMS)
				fmt.Fprintf(w, "  memorisation: nearest-train distance gen/real = %.3f (median %.3f / %.3f)\n", r.NNRatio, r.NNGenMedian, r.NNRealMedian)
				keys := make([]string, 0, len(r.Conditioning))
				for k := range r.Conditioning {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					fmt.Fprintf(w, "  %s = %.4g\n", k, r.Conditioning[k])
				}
				fmt.Fprintf(w, "plots and summary.json in %s\n", out)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&dir, "model", "", "model directory (run or models/<set>-<model>)")
		f.StringVarP(&out, "output", "o", "", "output directory (default out/judge/<model folder name>; never the model folder, whose judge/ holds the shipped report)")
		f.IntVarP(&opt.N, "n", "n", 0, "generated stamps (default: as many as test stamps, at least 64)")
		f.Uint64Var(&opt.Seed, "seed", 1, "random seed")
		f.StringVar(&opt.Data, "data", "", "data set (default: the one in the model card)")
		f.StringVar(&opt.Split, "split", "test", "real stamps to compare with: test (final figures) or val (development)")
		f.Float64Var(&opt.Guidance, "guidance", 0, "classifier-free guidance weight of a flow model (default: the card's)")
		return cmd
	})
}

// judgeOutDir is -o when given, else out/judge/<model folder name>, so a
// default run never overwrites the report shipped inside the model folder.
func judgeOutDir(model, out string) string {
	if out != "" {
		return out
	}
	return filepath.Join("out", "judge", filepath.Base(filepath.Clean(model)))
}
