package main

import (
	"fmt"
	"io"
	"strings"

	"cxtracker/projections"
)

// quarantineLine names a record a replay skipped because it cannot be
// applied.
func quarantineLine(q projections.Quarantined) string {
	if q.Kind == projections.QuarantineMissing {
		return fmt.Sprintf("seq %d is missing (%s)", q.Seq, q.Reason)
	}
	return q.String()
}

// quarantineLines names the records in qs, all of them or the first most.
func quarantineLines(qs []projections.Quarantined, total uint64, most int) string {
	var lines []string
	for _, q := range qs[:min(len(qs), most)] {
		lines = append(lines, quarantineLine(q))
	}
	if more := total - uint64(len(lines)); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more", more))
	}
	return strings.Join(lines, "; ")
}

// warnedAtMost bounds the records a warning names: verify names them all.
const warnedAtMost = 10

// warnQuarantined says on one line that a replay (report, replay) skipped
// records, so that its output is known to lack them.
func warnQuarantined(w io.Writer, res projections.Result) {
	if res.Skipped == 0 {
		return
	}
	fmt.Fprintf(w, "warning: the output lacks what was quarantined and skipped (cxtracker verify names it all): %s\n",
		quarantineLines(res.Quarantined, res.Skipped, warnedAtMost))
}

// replayed is a replay's Progress that moves the progress line on.
func (p *progress) replayed(s projections.Step) error {
	p.Update(s.Digest.Seq)
	return nil
}
