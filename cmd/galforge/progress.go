package main

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// progress returns a progress callback drawing a bar on stderr.
func progress(cmd *cobra.Command, what string) func(done, total int) {
	var bar *progressbar.ProgressBar
	last := 0
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(cmd.ErrOrStderr()),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(cmd.ErrOrStderr()) }),
			)
		}
		bar.Add(done - last)
		last = done
	}
}

// stageProgress returns a progress callback for work in named stages: one
// bar per stage, started when the stage first reports.
func stageProgress(cmd *cobra.Command) func(what string, done, total int) {
	bars := map[string]func(int, int){}
	return func(what string, done, total int) {
		if bars[what] == nil {
			bars[what] = progress(cmd, what)
		}
		bars[what](done, total)
	}
}
