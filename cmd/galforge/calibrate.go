package main

import (
	"fmt"

	"github.com/galforge/galforge/calibrate"
	"github.com/galforge/galforge/survey"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var out string
		var workers, count int
		var quiet bool
		cmd := &cobra.Command{
			Use:   "calibrate CONFIG.yaml [-o OUTDIR]",
			Short: "Fit shear bias m, c by metacalibration of survey stamps at known shears",
			Long: `calibrate simulates the config's stamps at input shears (+-g, 0) and (0, +-g)
(g = calibrate.shear, default 0.02), measures every stamp by metacalibration
with the known PSF, and fits g_obs = (1+m) g_true + c per component with
bootstrap errors, for the config's galaxy source and each source in
calibrate.compare. It writes OUTDIR/report.md, report.json and a PNG plot, and
prints as its last line, for the first source:
m1=<v>+/-<err> m2=<v>+/-<err> c1=<v>+/-<err> c2=<v>+/-<err>`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkWorkers(workers); err != nil {
					return err
				}
				if err := survey.CheckOutDir(out); err != nil {
					return err
				}
				c, err := loadConfig(cmd, args[0], count, 2)
				if err != nil {
					return err
				}
				opt := calibrate.Options{Workers: workers}
				if !quiet {
					opt.Progress = stageProgress(cmd)
				}
				rs, err := calibrate.Run(c, opt)
				if err != nil {
					return err
				}
				if err := calibrate.WriteReport(out, args[0], rs); err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				for _, r := range rs {
					fmt.Fprintf(w, "%-10s %s (%d objects/run, %d failed)\n", r.Source, r.Bias.Line(), r.N, r.Failed)
				}
				fmt.Fprintf(w, "report: %s\n", out)
				fmt.Fprintln(w, rs[0].Bias.Line())
				return nil
			},
		}
		cmd.Flags().StringVarP(&out, "out", "o", "out/calibrate", "report folder")
		cmd.Flags().IntVar(&workers, "workers", 0, "goroutines (0: all cores)")
		cmd.Flags().IntVar(&count, "count", 0, "override galaxies.count")
		cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
		return cmd
	})
}
