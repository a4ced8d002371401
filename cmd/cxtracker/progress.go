package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress shows how far a long task (a replay, an import, a report) has
// come: one line rewritten in place on a terminal, a line every few seconds
// in a log.
type progress struct {
	w     io.Writer
	tty   bool
	label string
	total uint64
	start time.Time
	shown time.Time
}

func newProgress(w io.Writer, label string, total uint64) *progress {
	return &progress{w: w, tty: isTerminal(w), label: label, total: total, start: time.Now()}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Update shows n done, at most five times a second on a terminal and every
// five seconds elsewhere.
func (p *progress) Update(n uint64) {
	every := 5 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if time.Since(p.shown) < every {
		return
	}
	p.shown = time.Now()
	p.show(n, false)
}

// Done shows the final count and ends the line.
func (p *progress) Done(n uint64) { p.show(n, true) }

func (p *progress) show(n uint64, final bool) {
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-9)
	line := fmt.Sprintf("%s: %d", p.label, n)
	if p.total > 0 {
		line = fmt.Sprintf("%s: %d of %d (%.0f%%)", p.label, n, p.total, 100*float64(n)/float64(p.total))
	}
	line += fmt.Sprintf(", %.0f/s", rate)
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}
