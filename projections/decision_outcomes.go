package projections

import (
	"slices"
	"time"
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
// set, keeps only what the log had recorded before it: for the window
// before a decision, the decision's recorded time. Ongoing says the window
// ends now and will grow.
type OutcomeWindow struct {
	From    time.Time  `json:"from"`
	To      time.Time  `json:"to"`
	KnownAt *time.Time `json:"known_at,omitempty"`
	Ongoing bool       `json:"ongoing"`
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

// windowsOf are the windows of decision d as of now.
func windowsOf(d DecisionView, now time.Time) outcomeWindows {
	decided := d.Decision.DecidedAt
	knownAt := d.Decision.RecordedAt
	if knownAt.IsZero() { // a checkpoint of a version that did not keep it
		knownAt = decided
	}
	w := outcomeWindows{before: OutcomeWindow{From: decided.Add(-KnownWindow), To: decided, KnownAt: &knownAt}}
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
		return &OutcomeWindow{From: from, To: end, Ongoing: !ended}
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
// decision costs at most three period sums of its targeted touchpoints
// (see periodSumsOf), whatever the length of the log.
func (v *Views) Outcomes(ds []DecisionView, now time.Time) error {
	names := v.Journeys.placeNames()
	for i := range ds {
		o, err := v.outcome(ds[i], now, names)
		if err != nil {
			return err
		}
		ds[i].Outcome = o
	}
	return nil
}

// outcome is one decision's outcome.
func (v *Views) outcome(d DecisionView, now time.Time, names map[string]string) (*DecisionOutcome, error) {
	w := windowsOf(d, now)
	p := d.Proposal
	o := &DecisionOutcome{Before: w.before, AfterStart: w.afterStart, AfterCompletion: w.afterCompleted,
		Stages: targets(p.StageIDs, names), Touchpoints: targets(p.TouchpointIDs, names), KPIs: []KPIOutcome{}}
	only := v.Feedback.touchpointsIn(p.StageIDs, p.TouchpointIDs)
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
		var knownAt time.Time
		if win.w.KnownAt != nil {
			knownAt = *win.w.KnownAt
		}
		sums, places, err := v.Feedback.periodSumsOf(only, win.w.From, win.w.To, knownAt, "")
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
		k, ok := v.KPIs.Get(id)
		if !ok {
			continue
		}
		ko, err := v.kpiOutcome(k, w)
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
