package projections

import (
	"slices"
	"strings"
	"sync"
	"time"

	"cxtracker/events"
)

// LateAfter is how far the program must have moved on past an event's
// business time, when the event was stored, for the event to count as
// recorded late (ProgramClock.Late). It is the one place of the rule's
// threshold: the API marks such events recorded_late and the dashboard
// notes beside them when they were recorded.
const LateAfter = 24 * time.Hour

// clockStep is how far the program's time must advance before the clock
// keeps another breakpoint: a year of history is at most a few thousand
// breakpoints, and the clock may read up to a step behind the log's true
// latest business time (never ahead of it).
const clockStep = time.Hour

// ProgramClock is the read model of the program's own clock: the latest
// business time (an event's occurred_at) the log held at each sequence.
// Lateness is judged against it, not against the wall clock: an event is
// recorded late when, as it was stored, the log already held events that
// happened more than LateAfter after it, so the program had moved on
// without it. In a log written live, where events are recorded as they
// happen, that is the same as being recorded more than a day after it
// happened; a year loaded at once in business-time order (the demo, a
// migration) reads the same as if it had been written live, and only what
// it records out of order is late.
//
// Tokens do not move the clock: issuing one is access, not the program's
// history, and the token a load is written with is issued when the load
// runs, before the past it loads.
//
// It keeps the running maximum as breakpoints, appended when the maximum
// has advanced at least clockStep since the last one, and the exact
// maximum with the sequence that set it.
type ProgramClock struct {
	mu sync.RWMutex
	// points are the breakpoints in sequence order: from Seq on, the log's
	// latest business time is at least At, and under the next point's At
	// (or latest + clockStep).
	points []clockPoint
	// latest is the latest business time applied, set at latestSeq.
	latest    time.Time
	latestSeq uint64
	// seq is the last sequence applied.
	seq uint64
}

// clockPoint is one breakpoint: the sequence where the log's latest
// business time reached At (Unix seconds).
type clockPoint struct {
	Seq uint64 `json:"seq"`
	At  int64  `json:"at"`
}

// NewProgramClock is a clock that has seen nothing.
func NewProgramClock() *ProgramClock { return &ProgramClock{} }

// Name implements Model.
func (c *ProgramClock) Name() string { return "clock" }

// Ignores implements the coverage test's contract: the clock takes in
// every event, if only its sequence.
func (c *ProgramClock) Ignores() []string { return nil }

// tokenSubjects open the subjects of the tokens' events.
var tokenSubjects = events.SubjectPrefix + "." + events.KindToken + "."

// Apply implements Model: the event's business time moves the clock on
// when it is later than any before (a token's never does).
func (c *ProgramClock) Apply(rec events.Record, _ events.Payload) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq = rec.Seq
	at := rec.Event.Time.UTC()
	if !at.After(c.latest) || strings.HasPrefix(rec.Subject, tokenSubjects) {
		return nil
	}
	c.latest, c.latestSeq = at, rec.Seq
	if n := len(c.points); n == 0 || at.Unix()-c.points[n-1].At >= int64(clockStep/time.Second) {
		c.points = append(c.points, clockPoint{Seq: rec.Seq, At: at.Unix()})
	}
	return nil
}

// before is the log's latest business time over the sequences before seq,
// as far as the clock has applied them: exact once the latest was set
// before seq, otherwise the breakpoint's, up to clockStep early. The lock
// is held.
func (c *ProgramClock) before(seq uint64) (time.Time, bool) {
	if c.latestSeq != 0 && c.latestSeq < seq {
		return c.latest, true
	}
	i, _ := slices.BinarySearchFunc(c.points, seq, func(p clockPoint, s uint64) int {
		switch {
		case p.Seq < s:
			return -1
		case p.Seq > s:
			return 1
		}
		return 0
	})
	if i == 0 {
		return time.Time{}, false
	}
	return time.Unix(c.points[i-1].At, 0).UTC(), true
}

// LateBy is how far the program had moved on past occurred when the log
// stored the event at seq: the latest business time of the events before
// it less occurred, or zero when none of them happened after it.
func (c *ProgramClock) LateBy(seq uint64, occurred time.Time) time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	at, ok := c.before(seq)
	if !ok || !at.After(occurred) {
		return 0
	}
	return at.Sub(occurred)
}

// Late reports whether the event at seq, which happened at occurred, was
// recorded late: when the log stored it, it already held events that
// happened more than LateAfter after it. A nil clock finds nothing late.
func (c *ProgramClock) Late(seq uint64, occurred time.Time) bool {
	return c != nil && c.LateBy(seq, occurred) > LateAfter
}

// Applied is the last sequence the clock has applied: it judges the
// events up to the one after it.
func (c *ProgramClock) Applied() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.seq
}
