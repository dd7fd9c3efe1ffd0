package main

import "bytes"

// runCmd runs the root command with args, as `galforge args...` would, and
// returns what it wrote to stdout and stderr together.
func runCmd(args ...string) (string, error) {
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}
