package main

import (
	"io"
	"sync"
)

// lockedWriter lets the goroutines of one command (its progress lines, the
// log lines of the tracker it runs, the rules manager's and the webhooks'
// warnings) share a writer that is not safe for concurrent use, such as a
// test's buffer, one whole line at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// locked wraps w, unless it is wrapped already.
func locked(w io.Writer) io.Writer {
	if _, ok := w.(*lockedWriter); ok {
		return w
	}
	return &lockedWriter{w: w}
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
