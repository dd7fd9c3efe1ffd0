// Command galforge makes realistic synthetic astronomical images with
// analytic profiles and deep generative networks, and uses them for science:
// lensed survey simulations with truth catalogs, shear calibration and
// realism checks. Each subcommand lives in its own file and is a thin layer
// over the library packages.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "galforge:", err)
		os.Exit(exitCode(err))
	}
}
