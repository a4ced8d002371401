package main

import "io"

// demoSteps shows the demo's steps one after another, each as its own
// progress line: kept up to date in place on a terminal, printed every few
// seconds elsewhere, and ended with its count when the step is done.
type demoSteps struct {
	w    io.Writer
	cur  *progress
	done uint64
}

func newDemoSteps(w io.Writer) *demoSteps { return &demoSteps{w: w} }

// Step starts a step of total units (0 when it has no count).
func (d *demoSteps) Step(name string, total int) {
	d.Done()
	d.cur, d.done = newProgress(d.w, "demo: "+name, uint64(total)), 0
	d.cur.Update(0)
}

// Add counts n more units of the current step done.
func (d *demoSteps) Add(n int) {
	d.done += uint64(n)
	d.cur.Update(d.done)
}

// Done ends the current step, if any.
func (d *demoSteps) Done() {
	if d.cur != nil {
		d.cur.Done(d.done)
		d.cur = nil
	}
}
