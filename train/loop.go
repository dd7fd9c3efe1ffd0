package train

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/galforge/galforge/internal/atomicfile"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/galforge/galforge/generator"
	"github.com/schollz/progressbar/v3"
)

// Config is one training run.
type Config struct {
	Model    string             // "cvae", "cgan" or "flow"
	Size     int                // stamp side in pixels
	Field    int                // central field of the source stamps used, source pixels (0: all)
	Steps    int                // total optimiser steps of the run
	Batch    int                // stamps per step
	Out      string             // run directory
	Resume   bool               // continue from Out's checkpoint
	Seed     uint64             // seeds weights, data order, augmentation and noise
	Every    int                // checkpoint, PNGs and export every Every steps
	Arch     map[string]float64 // architecture knobs (defaults per model)
	Progress io.Writer          // progress bar destination; nil for none
	Command  string             // command line, kept in the card

	onStep func() // test hook, called after each step
}

// Result says how a run ended.
type Result struct {
	Step        int     // steps done
	Interrupted bool    // stopped by the context (SIGINT) after saving
	FirstLoss   float64 // mean loss over the first LossWindow steps of this run
	LastLoss    float64 // mean loss over the last LossWindow steps of this run
	LossSteps   int     // steps in each of the two means (fewer when the run is short)
}

// LossWindow is the number of steps averaged at each end of a run for
// Result.FirstLoss and Result.LastLoss, so the two compare like with like.
const LossWindow = 30

// record is one line of log.jsonl.
type record struct {
	Step      int                `json:"step"`
	Loss      map[string]float64 `json:"loss"`
	ImgPerSec float64            `json:"img_per_s"`
}

// state is the JSON part of a checkpoint (ckpt.json); the tensors are in
// ckpt.safetensors.
type state struct {
	Step    int          `json:"step"`
	Seed    uint64       `json:"seed"`
	Batch   int          `json:"batch"`
	Sampler samplerState `json:"sampler"`
}

// Run trains a model on the train split of raw. It stops after cfg.Steps
// steps in all, or when ctx is cancelled: then it finishes the current step,
// checkpoints and returns with Interrupted set.
func Run(ctx context.Context, cfg Config, raw *Raw) (*Result, error) {
	if cfg.Steps < 1 || cfg.Batch < 1 {
		return nil, fmt.Errorf("train: --steps %d and --batch %d must be >= 1", cfg.Steps, cfg.Batch)
	}
	if cfg.Every < 1 {
		cfg.Every = max(cfg.Steps/10, 1)
	}
	if cfg.Out == "" {
		return nil, fmt.Errorf("train: no output directory (--out)")
	}
	data, err := Prepare(raw, RecipeFor(raw.Name), cfg.Size, cfg.Field, "train")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	card := data.Card
	card.Model = cfg.Model
	card.Command = cfg.Command
	card.Arch = map[string]float64{}
	for k, v := range cfg.Arch {
		card.Arch[k] = v
	}
	ckptPath := filepath.Join(cfg.Out, "ckpt.safetensors")
	statePath := filepath.Join(cfg.Out, "ckpt.json")
	logPath := filepath.Join(cfg.Out, "log.jsonl")
	var step int
	sampler := NewSampler(data.N, cfg.Seed)
	var m generator.Trainer
	if cfg.Resume {
		old, err := generator.ReadCard(cfg.Out)
		if err != nil {
			return nil, fmt.Errorf("train: --resume: %w", err)
		}
		if old.Model != cfg.Model || old.Size != cfg.Size || old.Crop != card.Crop || old.Data != card.Data {
			return nil, fmt.Errorf("train: --resume: %s holds a %s model of %s at %d px from a %d px field, not %s of %s at %d px from %d px",
				cfg.Out, old.Model, old.Data, old.Size, old.Crop, cfg.Model, card.Data, cfg.Size, card.Crop)
		}
		card.Arch = old.Arch
		var st state
		b, err := os.ReadFile(statePath)
		if err != nil {
			return nil, fmt.Errorf("train: --resume: %w", err)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("train: --resume: %s: %w", statePath, err)
		}
		if st.Seed != cfg.Seed || st.Batch != cfg.Batch {
			return nil, fmt.Errorf("train: --resume: %s was run with seed %d and batch %d, not %d and %d", cfg.Out, st.Seed, st.Batch, cfg.Seed, cfg.Batch)
		}
		if m, err = generator.NewTrainer(card, cfg.Seed); err != nil {
			return nil, err
		}
		if err := m.LoadCheckpoint(ckptPath); err != nil {
			return nil, fmt.Errorf("train: --resume: %w", err)
		}
		if err := sampler.restore(st.Sampler); err != nil {
			return nil, fmt.Errorf("train: --resume: %s: %w", statePath, err)
		}
		step = st.Step
		if err := truncateLog(logPath, step); err != nil {
			return nil, err
		}
	} else {
		if m, err = generator.NewTrainer(card, cfg.Seed); err != nil {
			return nil, err
		}
		if err := os.WriteFile(logPath, nil, 0o644); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	logf, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer logf.Close()

	var bar *progressbar.ProgressBar
	if cfg.Progress != nil {
		bar = progressbar.NewOptions(cfg.Steps,
			progressbar.OptionSetWriter(cfg.Progress),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetWidth(25),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionShowDescriptionAtLineEnd(),
		)
		_ = bar.Set(step)
	}
	save := func() error {
		card.Steps = step
		st, err := sampler.state()
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if err := m.SaveCheckpoint(ckptPath); err != nil {
			return err
		}
		b, _ := json.Marshal(state{Step: step, Seed: cfg.Seed, Batch: cfg.Batch, Sampler: st})
		if err := atomicfile.WriteFile(statePath, b); err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if err := m.Export(cfg.Out); err != nil {
			return err
		}
		if err := LossPNG(filepath.Join(cfg.Out, "loss.png"), logPath); err != nil {
			return err
		}
		// The sample grid draws from its own fixed seed: no effect on training.
		s, err := m.Sample(nil, 16, 1)
		if err != nil {
			return err
		}
		return generator.GridPNG(filepath.Join(cfg.Out, "samples.png"), card, s)
	}
	w := card.CondWidth()
	plane := card.Bands * card.Size * card.Size
	x := make([]float32, cfg.Batch*plane)
	c := make([]float32, cfg.Batch*w)
	res := &Result{Step: step}
	var first, window []float64
	for step < cfg.Steps {
		t0 := time.Now()
		data.Batch(sampler, cfg.Batch, x, c)
		loss, err := m.Step(x, c, cfg.Batch, sampler.Rand())
		if err != nil {
			return nil, fmt.Errorf("train: step %d: %w", step+1, err)
		}
		step++
		ips := float64(cfg.Batch) / time.Since(t0).Seconds()
		line, _ := json.Marshal(record{Step: step, Loss: loss, ImgPerSec: ips})
		if _, err := logf.Write(append(line, '\n')); err != nil {
			return nil, fmt.Errorf("train: %s: %w", logPath, err)
		}
		if len(first) < LossWindow {
			first = append(first, loss["loss"])
		}
		window = append(window, loss["loss"])
		if len(window) > LossWindow {
			window = window[1:]
		}
		if bar != nil {
			bar.Describe(fmt.Sprintf("loss %.4f  %.1f img/s", loss["loss"], ips))
			_ = bar.Set(step)
		}
		if cfg.onStep != nil {
			cfg.onStep()
		}
		interrupted := ctx.Err() != nil
		if step%cfg.Every == 0 || step == cfg.Steps || interrupted {
			if err := save(); err != nil {
				return nil, err
			}
		}
		if interrupted {
			res.Interrupted = true
			break
		}
	}
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(cfg.Progress)
	}
	res.Step = step
	res.FirstLoss, res.LastLoss, res.LossSteps = mean(first), mean(window), len(window)
	return res, nil
}

// truncateLog drops log lines beyond step (written after the checkpoint
// that a resume starts from).
func truncateLog(path string, step int) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("train: %w", err)
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		var r record
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Step > step {
			continue
		}
		keep.Write(sc.Bytes())
		keep.WriteByte('\n')
	}
	return atomicfile.WriteFile(path, keep.Bytes())
}

// ReadLog reads the records of a log.jsonl file.
func ReadLog(path string) ([]record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var out []record
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("train: %s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	if len(v) == 0 {
		return 0
	}
	return s / float64(len(v))
}
