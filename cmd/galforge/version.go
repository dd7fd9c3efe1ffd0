package main

import (
	"fmt"
	"runtime"

	"github.com/galforge/galforge/internal/version"
	"github.com/galforge/galforge/nn"
	"github.com/spf13/cobra"
)

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:   "version",
			Short: "Print the galforge version, Go version and the BLAS in use",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "galforge %s\n", version.Version)
				fmt.Fprintf(w, "go %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
				fmt.Fprintf(w, "blas %s\n", nn.BLASName())
				return nil
			},
		}
	})
}
