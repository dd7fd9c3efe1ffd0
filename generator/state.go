package generator

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/galforge/galforge/nn"
)

// netState holds what every model shares: the card, its parameter groups
// (one per network: "net", or "gen" and "disc"), their AdamW optimisers, an
// exponential moving average (EMA) of the exported group's weights, extra
// buffers (spectral-norm vectors) and the tape.
type netState struct {
	card     *Card
	groups   map[string]*params
	opts     map[string]*nn.Adam
	exported string       // group written by Export and used to sample
	ema      []*nn.Tensor // EMA of groups[exported], same order
	buffers  []*nn.Tensor
	decay    float32
	tape     *nn.Tape
}

func newNetState(c *Card, groups map[string]*params, training bool) *netState {
	s := &netState{card: c, groups: groups, opts: map[string]*nn.Adam{}, tape: nn.NewTape()}
	s.exported = "net"
	if _, ok := groups["gen"]; ok {
		s.exported = "gen"
	}
	if !training {
		return s
	}
	for _, name := range s.groupNames() {
		lr := c.Arch["lr"]
		if d, ok := c.Arch["lr_d"]; ok && name == "disc" {
			lr = d // two time-scale update rule: a faster critic
		}
		a := nn.NewAdam(groups[name].list, lr)
		if name == "disc" || name == "gen" {
			a.Beta1, a.Beta2 = 0.0, 0.9 // SN-GAN/BigGAN choice: no momentum, fast second moment
		}
		s.opts[name] = a
	}
	s.decay = float32(c.Arch["ema"])
	for _, p := range groups[s.exported].list {
		e := p.Clone()
		e.Name = "ema." + p.Name
		s.ema = append(s.ema, e)
	}
	return s
}

func (s *netState) groupNames() []string {
	var names []string
	for k := range s.groups {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// step applies the optimiser of a group and, for the exported group, the
// EMA update e = d e + (1-d) w with d = min(ema, (1+t)/(10+t)) at update t,
// so that short runs do not keep the initial weights in their average.
func (s *netState) step(group string) {
	a := s.opts[group]
	a.Step()
	if group != s.exported {
		return
	}
	t := float32(a.Steps())
	d := min(s.decay, (1+t)/(10+t))
	for k, p := range s.groups[group].list {
		e := s.ema[k].Data
		for i, w := range p.Data {
			e[i] = d*e[i] + (1-d)*w
		}
	}
}

// withEMA runs fn with the EMA weights in place of the exported group's
// (no-op swap for a loaded, inference-only model).
func (s *netState) withEMA(fn func() error) error {
	if s.ema == nil {
		return fn()
	}
	ps := s.groups[s.exported].list
	for k, p := range ps {
		p.Data, s.ema[k].Data = s.ema[k].Data, p.Data
	}
	defer func() {
		for k, p := range ps {
			p.Data, s.ema[k].Data = s.ema[k].Data, p.Data
		}
	}()
	return fn()
}

// checkpointTensors lists everything a checkpoint holds.
func (s *netState) checkpointTensors() []*nn.Tensor {
	var ts []*nn.Tensor
	for _, name := range s.groupNames() {
		ts = append(ts, s.groups[name].list...)
		if a, ok := s.opts[name]; ok {
			for _, t := range a.State() {
				c := *t
				c.Name = name + "." + t.Name
				ts = append(ts, &c)
			}
		}
	}
	ts = append(ts, s.ema...)
	return append(ts, s.buffers...)
}

func (s *netState) saveCheckpoint(path string) error {
	meta := map[string]string{}
	for name, a := range s.opts {
		meta["steps."+name] = fmt.Sprint(a.Steps())
	}
	if err := nn.Save(path, s.checkpointTensors(), meta); err != nil {
		return fmt.Errorf("generator: checkpoint: %w", err)
	}
	return nil
}

func (s *netState) loadCheckpoint(path string) error {
	meta, err := nn.Load(path, s.checkpointTensors())
	if err != nil {
		return fmt.Errorf("generator: checkpoint: %w", err)
	}
	for name, a := range s.opts {
		var n int
		if _, err := fmt.Sscan(meta["steps."+name], &n); err != nil {
			return fmt.Errorf("generator: checkpoint %s: no step count for %s", path, name)
		}
		a.SetSteps(n)
	}
	return nil
}

// export writes the exported group's EMA weights as
// dir/model.safetensors under the parameters' own names, and the card.
func (s *netState) export(dir string) error {
	ps := s.groups[s.exported].list
	ts := make([]*nn.Tensor, len(ps))
	for k, p := range ps {
		src := p
		if s.ema != nil {
			src = s.ema[k]
		}
		c := *src
		c.Name = p.Name
		ts[k] = &c
	}
	if err := nn.Save(filepath.Join(dir, "model.safetensors"), ts, map[string]string{"format": CardFormat, "model": s.card.Model}); err != nil {
		return fmt.Errorf("generator: export: %w", err)
	}
	return WriteCard(dir, s.card)
}

// loadWeights reads dir/model.safetensors into the exported group.
func (s *netState) loadWeights(dir string) error {
	if _, err := nn.Load(filepath.Join(dir, "model.safetensors"), s.groups[s.exported].list); err != nil {
		return fmt.Errorf("generator: %w", err)
	}
	return nil
}
