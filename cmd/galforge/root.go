package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// subcommands are registered by the init functions of the files beside this
// one, so that each subcommand stays in its own file.
var subcommands []func() *cobra.Command

func register(f func() *cobra.Command) { subcommands = append(subcommands, f) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "galforge",
		Short: "Synthetic astronomical images from physics and generative networks",
		Long: `galforge simulates realistic galaxy images — analytic profiles, real HST
galaxies and trained generative networks — lenses them, adds noise, and
measures them: survey simulations with truth catalogs, shear calibration,
realism checks. Data in and out is FITS.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}

// exitError carries a specific exit status (for example 1 from `fits verify`
// when problems were found) without printing anything more.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
