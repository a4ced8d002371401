package projections

import (
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"cxtracker/events"
)

// What the log knew by a recorded time it has passed: the period sums of a
// window cut at a recorded time (the figures known at a decision, cut at
// the decision's recorded time) are fixed once the log holds a record
// stored after that time, for nothing is ever recorded earlier later. The
// feedback model keeps those sums, per touchpoint, once computed, so that
// the decision log and the council report read each decision's window
// known at the decision from the item store once, not at every read (a
// year recorded in a day would have them read thousands of items each
// time). The cache is not state: it is in no checkpoint, a restore empties
// it, and it never changes an answer (TestKnownSumsAreThoseComputedAfresh).

// maxKnownWindows bounds the windows kept: one per decision and segment
// read, far more than a program decides.
const maxKnownWindows = 4096

// knownSums are the settled windows' sums kept, by window, and the latest
// time the log stored a record the model took in (Unix nanoseconds; zero
// after a restore, until the next record).
type knownSums struct {
	stored  atomic.Int64
	mu      sync.Mutex
	windows map[knownKey]*knownWindow
}

// knownKey is one window: [from, to) of business time, what the log
// stored before knownAt, of one segment ("" for all), in Unix nanoseconds.
type knownKey struct {
	from, to, knownAt int64
	segment           string
}

// knownWindow is a window's sums of the touchpoints computed (done), one
// a touchpoint that has none there.
type knownWindow struct {
	sums map[string]events.Summary
	done map[string]bool
}

// took notes a record the model took in, stored at stored.
func (k *knownSums) took(stored time.Time) {
	if n := stored.UnixNano(); n > k.stored.Load() {
		k.stored.Store(n)
	}
}

// settled says whether the log has settled what it stored before t: the
// model has taken in a record stored after it, or the caller knows one
// (settled, a record the model has taken in).
func (k *knownSums) settled(t, settled time.Time) bool {
	return !t.IsZero() && (k.stored.Load() > t.UnixNano() || settled.After(t))
}

// reset forgets every window and every record: for a model that loads a
// checkpoint.
func (k *knownSums) reset() {
	k.mu.Lock()
	k.windows = nil
	k.stored.Store(0)
	k.mu.Unlock()
}

// knownSumsOf is periodSumsOf(only, from, to, knownAt, segment), taken
// from the sums kept when the log has settled what it stored before
// knownAt: when the model has taken in a record stored after it, or the
// caller has (settled, a record at least as far on in the log as the
// model has taken in; zero when the caller knows none). It then computes
// only the touchpoints not kept yet, and keeps them. Any other window is
// computed afresh.
func (m *Feedback) knownSumsOf(only map[string]bool, from, to, knownAt time.Time, segment string, settled time.Time) (map[string]events.Summary, map[string]feedbackPlace, error) {
	k := &m.known
	if !k.settled(knownAt, settled) {
		return m.periodSumsOf(only, from, to, knownAt, segment)
	}
	m.mu.RLock()
	places := maps.Clone(m.places)
	m.mu.RUnlock()
	key := knownKey{from: from.UnixNano(), to: to.UnixNano(), knownAt: knownAt.UnixNano(), segment: segment}
	wanted := map[string]bool{}
	for tp := range places {
		if only == nil || only[tp] {
			wanted[tp] = true
		}
	}
	out := map[string]events.Summary{}
	missing := map[string]bool{}
	k.mu.Lock()
	w := k.windows[key]
	for tp := range wanted {
		switch {
		case w == nil || !w.done[tp]:
			missing[tp] = true
		case w.sums[tp] != events.Summary{}:
			out[tp] = w.sums[tp]
		}
	}
	k.mu.Unlock()
	if len(missing) == 0 {
		return out, places, nil
	}
	sums, _, err := m.periodSumsOf(missing, from, to, knownAt, segment)
	if err != nil {
		return nil, nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.windows == nil {
		k.windows = map[knownKey]*knownWindow{}
	}
	if w = k.windows[key]; w == nil {
		if len(k.windows) >= maxKnownWindows {
			for old := range k.windows { // any one: a window dropped is computed again
				delete(k.windows, old)
				break
			}
		}
		w = &knownWindow{sums: map[string]events.Summary{}, done: map[string]bool{}}
		k.windows[key] = w
	}
	for tp := range missing {
		if s, ok := sums[tp]; ok {
			w.sums[tp], out[tp] = s, s
		}
		w.done[tp] = true
	}
	return out, places, nil
}

// scopeTouchpoints are the touchpoints the model knows in scope's journey,
// stage and touchpoint, or nil (all) when scope names none of them: the
// only ones whose feedback a figure of the scope reads.
func (m *Feedback) scopeTouchpoints(scope FigureScope) map[string]bool {
	if scope.JourneyID == "" && scope.StageID == "" && scope.TouchpointID == "" {
		return nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	in := m.inScope(events.FeedbackScope{JourneyID: scope.JourneyID, StageID: scope.StageID, TouchpointID: scope.TouchpointID})
	out := map[string]bool{}
	for tp := range m.places {
		if in(tp) {
			out[tp] = true
		}
	}
	return out
}
