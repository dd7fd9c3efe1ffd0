package main

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// progress returns a progress callback drawing a bar on stderr. The bar's
// clock starts at the first report, so the items of that report are added
// only at the next one: the rate then covers a real interval instead of
// reading millions of items per second. A job done in one report shows no
// rate at all.
func progress(cmd *cobra.Command, what string) func(done, total int) {
	var bar *progressbar.ProgressBar
	last := 0
	return func(done, total int) {
		if bar == nil {
			opts := []progressbar.Option{
				progressbar.OptionSetWriter(cmd.ErrOrStderr()),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200 * time.Millisecond),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(cmd.ErrOrStderr()) }),
			}
			if done < total {
				opts = append(opts, progressbar.OptionShowIts())
			}
			bar = progressbar.NewOptions(total, opts...)
			bar.RenderBlank() // starts the clock
			if done < total {
				return
			}
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
