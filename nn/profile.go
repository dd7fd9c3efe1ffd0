package nn

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Profile accumulates wall time per operation, forward and backward, when
// set as a Tape's Profile (for finding where a training step spends its
// time; it costs a runtime.Caller per op, so leave it nil otherwise).
// Forward time of an op is measured from the previous op's end.
type Profile struct {
	Forward, Backward map[string]time.Duration
	last              time.Time
}

// NewProfile returns an empty profile.
func NewProfile() *Profile {
	return &Profile{Forward: map[string]time.Duration{}, Backward: map[string]time.Duration{}}
}

// Mark starts the forward clock (call before the first op of a step).
func (p *Profile) Mark() { p.last = time.Now() }

func (p *Profile) forward(name string) {
	now := time.Now()
	if !p.last.IsZero() {
		p.Forward[name] += now.Sub(p.last)
	}
	p.last = now
}

// opName returns the outermost Tape method on the stack above record
// ("Conv2d", "HingeD"), so composite ops are charged as one.
func opName() string {
	var pcs [12]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	name := "?"
	for {
		f, more := frames.Next()
		i := strings.Index(f.Function, "nn.(*Tape).")
		if i < 0 {
			break
		}
		name = strings.TrimSuffix(f.Function[i+len("nn.(*Tape)."):], ".func1")
		if !more {
			break
		}
	}
	return name
}

// String lists operations by total time.
func (p *Profile) String() string {
	type row struct {
		name   string
		fw, bw time.Duration
	}
	m := map[string]*row{}
	for k, v := range p.Forward {
		if m[k] == nil {
			m[k] = &row{name: k}
		}
		m[k].fw += v
	}
	for k, v := range p.Backward {
		if m[k] == nil {
			m[k] = &row{name: k}
		}
		m[k].bw += v
	}
	var rows []*row
	var tot time.Duration
	for _, r := range m {
		rows = append(rows, r)
		tot += r.fw + r.bw
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].fw+rows[i].bw > rows[j].fw+rows[j].bw })
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %10s %10s %6s\n", "op", "forward", "backward", "share")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-28s %10.4f %10.4f %5.1f%%\n", r.name, r.fw.Seconds(), r.bw.Seconds(),
			100*float64(r.fw+r.bw)/float64(max(tot, 1)))
	}
	return b.String()
}
