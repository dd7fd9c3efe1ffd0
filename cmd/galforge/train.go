package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/galforge/galforge/generator"
	"github.com/galforge/galforge/train"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var cfg train.Config
		var data string
		var arch []string
		cmd := &cobra.Command{
			Use:   "train",
			Short: "Train a generative model (cvae, cgan, flow) on a real stamp set",
			Long: `Train a generative model on the train split of a bundled set (gz-decals-rings,
mirabest-first) or a directory in the dataset layout. Progress shows step,
loss, images/s and ETA; every --every steps (and on Ctrl-C, after finishing
the step) the run directory gets a checkpoint, model.safetensors + model.json,
loss.png and samples.png; log.jsonl has one line per step. --resume continues
bit-identically to an uninterrupted run with the same seed.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if data == "" {
					return fmt.Errorf("train: --data is required")
				}
				if cfg.Out == "" {
					return fmt.Errorf("train: --out is required")
				}
				cfg.Arch = map[string]float64{}
				for _, a := range arch {
					k, v, ok := strings.Cut(a, "=")
					x, err := strconv.ParseFloat(v, 64)
					if !ok || err != nil {
						return fmt.Errorf("train: --arch %q: want KEY=NUMBER", a)
					}
					cfg.Arch[k] = x
				}
				raw, err := train.Open(data)
				if err != nil {
					return err
				}
				cfg.Progress = cmd.ErrOrStderr()
				cfg.Command = "galforge " + strings.Join(os.Args[1:], " ")
				parent := cmd.Context()
				if parent == nil {
					parent = context.Background()
				}
				ctx, stop := signal.NotifyContext(parent, os.Interrupt)
				defer stop()
				res, err := train.Run(ctx, cfg, raw)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if res.Interrupted {
					fmt.Fprintf(w, "interrupted at step %d; checkpoint saved in %s (continue with --resume)\n", res.Step, cfg.Out)
					return &exitError{130, fmt.Errorf("interrupted")}
				}
				fmt.Fprintf(w, "trained %s for %d steps: mean loss of the first %d steps %.4g -> of the last %d %.4g; model in %s\n",
					cfg.Model, res.Step, res.LossSteps, res.FirstLoss, res.LossSteps, res.LastLoss, cfg.Out)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&cfg.Model, "model", "flow", "model: "+strings.Join(generator.Kinds(), ", "))
		f.StringVar(&data, "data", "", "bundled set name or data directory")
		f.IntVar(&cfg.Size, "size", 32, "stamp size in pixels (block-averaged from the source stamps)")
		f.IntVar(&cfg.Field, "field", 0, "central field of the source stamps to use, source pixels (0: whole stamp)")
		f.IntVar(&cfg.Steps, "steps", 1000, "total optimiser steps")
		f.IntVar(&cfg.Batch, "batch", 32, "stamps per step")
		f.IntVar(&cfg.Every, "every", 100, "checkpoint, PNGs and model export every N steps")
		f.Uint64Var(&cfg.Seed, "seed", 1, "random seed (weights, data order, augmentation, noise)")
		f.StringVar(&cfg.Out, "out", "", "run directory")
		f.BoolVar(&cfg.Resume, "resume", false, "continue the run in --out from its checkpoint")
		f.StringArrayVar(&arch, "arch", nil, "architecture knob KEY=VALUE (e.g. channels=16, lr=1e-3, beta=1); repeatable")
		return cmd
	})
}
