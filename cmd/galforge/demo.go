package main

import (
	"fmt"

	"github.com/galforge/galforge/calibrate"
	"github.com/galforge/galforge/survey"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var out, models string
		var workers int
		var quiet bool
		cmd := &cobra.Command{
			Use:   "demo [-o OUTDIR]",
			Short: "Run the whole chain on bundled data: generator -> lensed stamps -> shapes -> recovered shear",
			Long: `demo draws 200 galaxies (100 ring pairs) from a bundled generator model
(parametric galaxies when models/ has none, and it says so), lenses them by a
known constant shear, adds noise at S/N 200, measures every stamp by
metacalibration, and prints the recovered shear beside the true one. It writes
OUTDIR/index.html with the preview, a sample grid and the table. The last line
is g_true=(<g1>,<g2>) g_measured=(<g1>+/-<err1>,<g2>+/-<err2>).`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if err := checkWorkers(workers); err != nil {
					return err
				}
				opt := calibrate.Options{Workers: workers}
				if !quiet {
					opt.Progress = stageProgress(cmd)
				}
				if err := survey.CheckOutDir(out); err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				r, err := calibrate.Demo(out, models, w, opt)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "measured %d stamps (%d flagged) in %.1fs; <R> = [[%.4f %.4f] [%.4f %.4f]]\n",
					r.N, r.Failed, r.Timings["measure"], r.R[0][0], r.R[0][1], r.R[1][0], r.R[1][1])
				fmt.Fprintf(w, "         g1         g2\ntrue     %.5f   %.5f\nmeasured %.5f   %.5f\nerror    %.5f   %.5f\n",
					r.True[0], r.True[1], r.Measured[0], r.Measured[1], r.Err[0], r.Err[1])
				fmt.Fprintf(w, "report: %s/index.html (total %.1fs)\n", out, r.Timings["total"])
				fmt.Fprintln(w, r.Line())
				return nil
			},
		}
		cmd.Flags().StringVarP(&out, "out", "o", "out/demo", "output folder")
		cmd.Flags().StringVar(&models, "models", "models", "folder of bundled generator models")
		cmd.Flags().IntVar(&workers, "workers", 0, "goroutines (0: all cores)")
		cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
		return cmd
	})
}
