package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress shows how far a long job is. On a terminal it keeps one line up
// to date (carriage return, erase line); anywhere else (a log file, a pipe,
// CI) it prints a plain line when a step starts, every few seconds while it
// runs, and when it ends, so a log stays readable.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	interval time.Duration
	now      func() time.Time

	step        string
	done, total int
	started     time.Time
	shown       time.Time
}

// newProgress writes to w, as a single updating line when w is a terminal.
func newProgress(w io.Writer) *progress {
	p := &progress{w: w, tty: isTerminal(w), now: time.Now}
	p.interval = 5 * time.Second
	if p.tty {
		p.interval = 100 * time.Millisecond
	}
	return p
}

// isTerminal reports whether w is a character device such as a terminal.
// The check is Stat's mode rather than an ioctl, so it needs nothing beyond
// the standard library and works on every platform Go does; /dev/null also
// counts, which only means an invisible line is kept up to date.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Step starts a step of total units (0 when it has no count).
func (p *progress) Step(name string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLocked()
	p.step, p.done, p.total, p.started = name, 0, total, p.now()
	p.showLocked()
}

// Add counts n more units of the current step done.
func (p *progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.now().Sub(p.shown) >= p.interval {
		p.showLocked()
	}
}

// Done ends the current step and the display.
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLocked()
	p.step = ""
}

// endLocked shows the finished step with its count and duration.
func (p *progress) endLocked() {
	if p.step == "" {
		return
	}
	line := p.lineLocked() + fmt.Sprintf(" done in %s", p.now().Sub(p.started).Round(10*time.Millisecond))
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) showLocked() {
	p.shown = p.now()
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", p.lineLocked())
		return
	}
	fmt.Fprintln(p.w, p.lineLocked())
}

func (p *progress) lineLocked() string {
	line := "demo: " + p.step
	switch {
	case p.total > 0:
		line += fmt.Sprintf(" %d/%d (%d%%)", p.done, p.total, p.done*100/p.total)
	case p.done > 0:
		line += fmt.Sprintf(" %d", p.done)
	}
	return line
}
