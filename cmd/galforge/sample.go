package main

import (
	"fmt"
	"github.com/galforge/galforge/fits"

	"github.com/galforge/galforge/generator"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		var (
			dir, out, pngPath, known, mask string
			n                              int
			seed                           uint64
			conds                          []string
			guidance                       float64
			steps                          int
			quiet                          bool
		)
		cmd := &cobra.Command{
			Use:   "sample",
			Short: "Draw stamps from a trained generative model into a FITS cube",
			Long: `Draw stamps from a trained model (a run directory or models/<set>-<model>).
Conditions are given as --cond KEY=VALUE with keys and units from the model
card (e.g. ring=1, fr=FRII, size=4.5 in model pixels); conditions left out are
drawn from the training distribution. The FITS cube has NAXIS1=x, NAXIS2=y,
NAXIS3=band when there are several, last axis = sample, in the data's unit,
and a CATALOG table with each sample's conditions.

Inpainting (flow models): --known stamp.fits --mask mask.fits, both one stamp of
the model's shape; pixels where the mask is nonzero are held to the known
image and the rest are drawn.`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if dir == "" || out == "" {
					return fmt.Errorf("sample: --model and -o are required")
				}
				m, err := generator.Load(dir)
				if err != nil {
					return err
				}
				card := m.Card()
				c, err := card.ParseConds(conds)
				if err != nil {
					return fmt.Errorf("sample: --cond: %w", err)
				}
				for _, w := range card.RangeWarnings(c) {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: --cond: %s\n", w)
				}
				if err := fits.CheckOutput(out); err != nil {
					return fmt.Errorf("sample: -o: %w", err)
				}
				if pngPath != "" {
					if err := fits.CheckOutput(pngPath); err != nil {
						return fmt.Errorf("sample: --png: %w", err)
					}
				}
				if cmd.Flags().Changed("guidance") || cmd.Flags().Changed("steps") {
					f, ok := m.(*generator.Flow)
					if !ok {
						return fmt.Errorf("sample: --guidance and --steps apply to flow models, %s is a %s", dir, card.Model)
					}
					if cmd.Flags().Changed("guidance") {
						if err := f.SetGuidance(guidance); err != nil {
							return fmt.Errorf("sample: --guidance: %w", err)
						}
					}
					if cmd.Flags().Changed("steps") {
						if steps < 1 {
							return fmt.Errorf("sample: --steps %d must be >= 1", steps)
						}
						f.SetSteps(steps)
					}
				}
				var b *generator.Batch
				if known != "" || mask != "" {
					f, ok := m.(*generator.Flow)
					if !ok {
						return fmt.Errorf("sample: inpainting needs a flow model, %s is a %s", dir, card.Model)
					}
					if known == "" || mask == "" {
						return fmt.Errorf("sample: inpainting needs both --known and --mask")
					}
					kv, err := generator.ReadStamp(known, card)
					if err != nil {
						return err
					}
					mv, err := generator.ReadStamp(mask, card)
					if err != nil {
						return err
					}
					b, err = f.InpaintCond(c, n, seed, kv, mv)
					if err != nil {
						return err
					}
				} else if b, err = m.Sample(c, n, seed); err != nil {
					return err
				}
				if err := generator.WriteFITS(out, card, b, seed); err != nil {
					return err
				}
				if pngPath != "" {
					if err := generator.GridPNG(pngPath, card, b); err != nil {
						return err
					}
				}
				if quiet {
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %d %dx%d samples (%s) to %s\n", b.N, b.Size, b.Size, b.Unit, out)
				return nil
			},
		}
		f := cmd.Flags()
		f.StringVar(&dir, "model", "", "model directory (model.json + model.safetensors)")
		f.IntVarP(&n, "n", "n", 64, "number of samples")
		f.StringArrayVar(&conds, "cond", nil, "condition KEY=VALUE (units from the model card); repeatable")
		f.Float64Var(&guidance, "guidance", 1.5, "classifier-free guidance weight (flow)")
		f.IntVar(&steps, "steps", 24, "ODE sampler steps (flow)")
		f.Uint64Var(&seed, "seed", 1, "random seed")
		f.StringVarP(&out, "output", "o", "", "output FITS file")
		f.StringVar(&pngPath, "png", "", "also write a PNG mosaic of the samples")
		f.StringVar(&known, "known", "", "inpainting: FITS stamp with the known pixels (data units)")
		f.BoolVarP(&quiet, "quiet", "q", false, "no summary line (warnings still go to stderr)")
		f.StringVar(&mask, "mask", "", "inpainting: FITS mask, nonzero where pixels are known")
		return cmd
	})
}
