package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/galforge/galforge/survey"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var out, shard string
		var workers, count int
		var quiet bool
		cmd := &cobra.Command{
			Use:   "survey CONFIG.yaml -o OUTDIR [--shard I/N] [--workers K]",
			Short: "Simulate a survey (stamps or a field) from a YAML config, with a truth catalog",
			Long: `survey renders the galaxies a YAML config describes (keys and defaults:
survey/CONFIG.md) into OUTDIR: stamps.fits (a cube, one plane per galaxy) or
image.fits (the field, with a TAN WCS), psf.fits, truth.fits and truth.csv,
preview.png and run.json.

--shard I/N renders part I (0-based, as a Kubernetes Indexed Job counts) of N;
"galforge survey merge OUTDIR SHARD_DIRS..." joins the parts into files
identical byte for byte to one run with the same config.

A re-used OUTDIR holds one run: galforge outputs this run does not write
(e.g. an old image.fits beside new stamps) are removed once it succeeds.
Ctrl-C removes this run's files and temporary files and exits with 130.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkWorkers(workers); err != nil {
					return err
				}
				c, err := loadConfig(cmd, args[0], count, 1)
				if err != nil {
					return err
				}
				opt := survey.Options{Workers: workers}
				if shard != "" {
					if opt.Shard, opt.Shards, err = parseShard(shard); err != nil {
						return err
					}
				}
				if !quiet {
					opt.Progress = progress(cmd, "rendering")
				}
				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				opt.Context = ctx
				info, err := survey.Run(c, out, opt)
				if errors.Is(err, context.Canceled) {
					if !quiet {
						fmt.Fprintln(cmd.ErrOrStderr()) // end the progress bar's line
					}
					return &exitError{130, fmt.Errorf("interrupted: this run's files in %s and its temporary files removed", out)}
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %d galaxies (shard %d/%d) to %s in %.1fs (%.1f galaxies/s)\n",
					info.Count, info.Shard, info.Shards, out, info.Timings["total"], info.Rate)
				return nil
			},
		}
		cmd.Flags().StringVarP(&out, "out", "o", "out/survey", "output folder")
		cmd.Flags().StringVar(&shard, "shard", "", "render shard I of N (I counts from 0), e.g. 2/8")
		cmd.Flags().IntVar(&workers, "workers", 0, "goroutines drawing stamps (0: all cores)")
		cmd.Flags().IntVar(&count, "count", 0, "override galaxies.count (e.g. for a quick run)")
		cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bar")

		merge := &cobra.Command{
			Use:   "merge OUTDIR SHARD_DIR...",
			Short: "Join the outputs of survey shards into one run's files",
			Args:  cobra.MinimumNArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				info, err := survey.Merge(args[0], args[1:])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "merged %d shards (%d galaxies) into %s\n", len(args)-1, info.Objects, args[0])
				return nil
			},
		}
		cmd.AddCommand(merge)
		return cmd
	})
}

// parseShard reads "I/N" with 0 <= I < N.
func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		i, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want I/N with 0 <= I < N, e.g. 0/4", s)
	}
	return i, n, nil
}

// loadConfig reads the survey config at path and applies --count when the
// flag was given, rejecting counts below minCount.
func loadConfig(cmd *cobra.Command, path string, count, minCount int) (*survey.Config, error) {
	c, err := survey.Load(path)
	if err != nil {
		return nil, err
	}
	if !cmd.Flags().Changed("count") {
		return c, nil
	}
	if count < minCount {
		return nil, fmt.Errorf("--count %d: must be at least %d", count, minCount)
	}
	return c.WithCount(count), nil
}

// checkWorkers rejects a negative --workers (0 means all cores).
func checkWorkers(n int) error {
	if n < 0 {
		return fmt.Errorf("--workers %d: must be >= 0 (0: all cores)", n)
	}
	return nil
}
