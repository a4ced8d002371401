package projections

import (
	"slices"
	"time"

	"cxtracker/events"
)

// What the council knew, and what came of it: for each decision, the
// figures of the stages, touchpoints and KPIs its initiative targeted as
// the council could have seen them when it decided, and the same figures
// after the work started and after it completed. The figures are the
// period figures (Figures, margins and all) of period_figures.go.

// KnownWindow is how far back the figures known at a decision reach: the
// feedback of the 90 days before it, as a council reads the last quarter.
// The period after completion is as long, so that it is compared like for
// like, and ends now while that is sooner.
const KnownWindow = 90 * 24 * time.Hour

// DecisionOutcome is a decision's targets before and after: Before is the
// window known at the decision, AfterStart the work (start to completion,
// cancellation, or the program clock's now: ProgramClock.End), AfterCompletion
// the KnownWindow after completion.
// The after windows are null for a decision whose work has not started
// (or not completed), and for a decision that a later round replaced.
type DecisionOutcome struct {
	Before          OutcomeWindow   `json:"before"`
	AfterStart      *OutcomeWindow  `json:"after_start"`
	AfterCompletion *OutcomeWindow  `json:"after_completion"`
	Stages          []TargetOutcome `json:"stages"`
	Touchpoints     []TargetOutcome `json:"touchpoints"`
	KPIs            []KPIOutcome    `json:"kpis"`
}

// OutcomeWindow is one window of business time, [From, To). KnownAt, when
// set, keeps only what the log had recorded by then: for the window
// before a decision, what it recorded before the decision's recorded
// time; in a council report, every window keeps what the log recorded at
// or before the report's known_at. Ongoing says the window ends now (in a
// report, at the period's end) and will grow.
type OutcomeWindow struct {
	From    time.Time  `json:"from"`
	To      time.Time  `json:"to"`
	KnownAt *time.Time `json:"known_at,omitempty"`
	Ongoing bool       `json:"ongoing"`
	// storedBefore is the recorded time the window counts what the log
	// stored before (zero: all); atDecision marks the window known at the
	// decision.
	storedBefore time.Time
	atDecision   bool
}

// TargetOutcome is a stage's or touchpoint's figures in each window, and
// the change from before the decision to each window after it (with its
// margin, and whether it is larger than the margin).
type TargetOutcome struct {
	ID                    string        `json:"id"`
	Name                  string        `json:"name"`
	Before                Figures       `json:"before"`
	AfterStart            *Figures      `json:"after_start"`
	AfterCompletion       *Figures      `json:"after_completion"`
	ChangeAfterStart      *FigureChange `json:"change_after_start"`
	ChangeAfterCompletion *FigureChange `json:"change_after_completion"`
}

// outcomeWindows are a decision's windows: before it, and those after
// that apply (nil otherwise).
type outcomeWindows struct {
	before                     OutcomeWindow
	afterStart, afterCompleted *OutcomeWindow
}

// outcomeBasis is what decisions' outcomes are computed from: the
// feedback model, the names of the stages and touchpoints, the KPIs, the
// time the windows still open end (now), and, when set, the recorded time
// every window is cut at (knownAt: what the log recorded at or before it),
// and the latest recorded time of a record the feedback model has taken in
// as far as the caller knows (settled, zero for none; see knownSumsOf).
// The decision log computes them from the read models as they stand; the
// council report from what the log knew at its known_at and as of its
// period's end (see reportBuilder.impacts).
type outcomeBasis struct {
	feedback *Feedback
	names    map[string]string
	kpi      func(id string) (KPIView, bool)
	now      time.Time
	knownAt  time.Time
	settled  time.Time
}

// sums are the period sums of the touchpoints in only (all when nil) over
// window w, of segment ("" for all): the window known at a decision from
// the sums the feedback model keeps once the log has settled it, computed
// once (knownSumsOf); the windows after it from the daily cells, with the
// item store for their first and last days and, in a report, the day of
// its known_at.
func (b outcomeBasis) sums(only map[string]bool, w OutcomeWindow, segment string) (map[string]events.Summary, map[string]feedbackPlace, error) {
	if w.atDecision {
		return b.feedback.knownSumsOf(only, w.From, w.To, w.storedBefore, segment, b.settled)
	}
	return b.feedback.periodSumsOf(only, w.From, w.To, w.storedBefore, segment)
}

// windowsOf are the windows of decision d.
func (b outcomeBasis) windowsOf(d DecisionView) outcomeWindows {
	now := b.now
	decided := d.Decision.DecidedAt
	knownAt := d.Decision.RecordedAt
	if knownAt.IsZero() { // a checkpoint of a version that did not keep it
		knownAt = decided
	}
	w := outcomeWindows{before: OutcomeWindow{From: decided.Add(-KnownWindow), To: decided, KnownAt: &knownAt, storedBefore: knownAt, atDecision: true}}
	a := d.Afterwards
	if d.Reopening != nil || a.StartedAt == nil {
		return w
	}
	upTo := func(from, end time.Time, ended bool) *OutcomeWindow {
		if !ended || end.After(now) {
			end, ended = now, false
		}
		if end.Before(from) {
			end = from
		}
		out := &OutcomeWindow{From: from, To: end, Ongoing: !ended}
		if !b.knownAt.IsZero() {
			out.KnownAt, out.storedBefore = &b.knownAt, b.knownAt.Add(time.Nanosecond)
		}
		return out
	}
	switch {
	case a.Completion != nil:
		w.afterStart = upTo(*a.StartedAt, a.Completion.CompletedAt, true)
		done := a.Completion.CompletedAt
		w.afterCompleted = upTo(done, done.Add(KnownWindow), true)
	case a.Cancellation != nil:
		w.afterStart = upTo(*a.StartedAt, a.Cancellation.CancelledAt, true)
	default:
		w.afterStart = upTo(*a.StartedAt, now, false)
	}
	return w
}

// Outcomes fills in the outcome of each decision in ds, as of now. Each
// decision costs two period sums of its targeted touchpoints after it,
// from the daily cells (see periodSumsOf), and one figure per window after
// it of each KPI it targets that is computed from the feedback, of the
// KPI's touchpoints alone; the window known at the decision is read once,
// then kept (knownSumsOf). The report history's latest record (which a
// checkpoint keeps) says how far the log has settled after a restart.
func (v *Views) Outcomes(ds []DecisionView, now time.Time) error {
	return outcomeBasis{feedback: v.Feedback, names: v.Journeys.placeNames(), kpi: v.KPIs.Get, now: now, settled: v.History.lastStored()}.fill(ds)
}

// fill fills in the outcome of each decision in ds.
func (b outcomeBasis) fill(ds []DecisionView) error {
	for i := range ds {
		o, err := b.outcome(ds[i])
		if err != nil {
			return err
		}
		ds[i].Outcome = o
	}
	return nil
}

// outcome is one decision's outcome.
func (b outcomeBasis) outcome(d DecisionView) (*DecisionOutcome, error) {
	w := b.windowsOf(d)
	p := d.Proposal
	o := &DecisionOutcome{Before: w.before, AfterStart: w.afterStart, AfterCompletion: w.afterCompleted,
		Stages: targets(p.StageIDs, b.names), Touchpoints: targets(p.TouchpointIDs, b.names), KPIs: []KPIOutcome{}}
	only := b.feedback.touchpointsIn(p.StageIDs, p.TouchpointIDs)
	// Each window's sums once, then every target's share of them.
	for _, win := range []struct {
		w   *OutcomeWindow
		set func(t *TargetOutcome, f Figures)
	}{
		{&w.before, func(t *TargetOutcome, f Figures) { t.Before = f }},
		{w.afterStart, func(t *TargetOutcome, f Figures) {
			c := ChangeOf(t.Before, f)
			t.AfterStart, t.ChangeAfterStart = &f, &c
		}},
		{w.afterCompleted, func(t *TargetOutcome, f Figures) {
			c := ChangeOf(t.Before, f)
			t.AfterCompletion, t.ChangeAfterCompletion = &f, &c
		}},
	} {
		if win.w == nil {
			continue
		}
		sums, places, err := b.sums(only, *win.w, "")
		if err != nil {
			return nil, err
		}
		for i := range o.Stages {
			win.set(&o.Stages[i], FiguresOf(scopeSum(sums, places, FigureScope{StageID: o.Stages[i].ID})))
		}
		for i := range o.Touchpoints {
			win.set(&o.Touchpoints[i], FiguresOf(scopeSum(sums, places, FigureScope{TouchpointID: o.Touchpoints[i].ID})))
		}
	}
	for _, id := range p.KPIIDs {
		k, ok := b.kpi(id)
		if !ok {
			continue
		}
		ko, err := b.kpiOutcome(k, w)
		if err != nil {
			return nil, err
		}
		o.KPIs = append(o.KPIs, ko)
	}
	return o, nil
}

// targets are the stages or touchpoints with ids, named, figures to come.
func targets(ids []string, names map[string]string) []TargetOutcome {
	out := make([]TargetOutcome, 0, len(ids))
	for _, id := range ids {
		out = append(out, TargetOutcome{ID: id, Name: names[id]})
	}
	return out
}

// touchpointsIn is the set of touchpoints at one of stages, or in
// touchpoints: those the feedback model knows.
func (m *Feedback) touchpointsIn(stages, touchpoints []string) map[string]bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]bool{}
	for tp, p := range m.places {
		if slices.Contains(stages, p.stageID) || slices.Contains(touchpoints, tp) {
			out[tp] = true
		}
	}
	return out
}

// placeNames names every stage and touchpoint by id.
func (m *Journeys) placeNames() map[string]string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]string{}
	for _, j := range m.journeys {
		for _, st := range j.stages {
			out[st.id] = st.name
		}
	}
	for id, tp := range m.touchpoints {
		out[id] = tp.view.Name
	}
	return out
}
