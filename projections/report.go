package projections

import (
	"context"
	"errors"
	"time"

	"cxtracker/events"
)

// CouncilReport is the quality council's report for a period, built by
// replaying the log from the start: what was decided and done in the period,
// and each stage's own figures for the period beside the previous period's,
// with the touchpoints that moved most between the two. The period
// [From, To) is business time (when things happened: the events' time, a
// feedback item's occurred_at); KnownAt cuts by recorded time: only the
// events the log recorded at or before it count. So the same From, To and
// KnownAt give the same report whenever it is run, even after events
// back-dated into the period are recorded later.
type CouncilReport struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	KnownAt time.Time `json:"known_at"`
	// Digest is the log's running digest at the last event recorded at or
	// before KnownAt.
	Digest     DigestRef          `json:"digest"`
	Decisions  []ReportDecision   `json:"decisions"`
	Started    []ReportInitiative `json:"initiatives_started"`
	Completed  []ReportInitiative `json:"initiatives_completed"`
	Cancelled  []ReportInitiative `json:"initiatives_cancelled"`
	Stages     []ReportStage      `json:"stages"`
	Movers     ReportMovers       `json:"touchpoint_movers"`
	FollowUps  int                `json:"open_follow_ups"`
	Formed     []ReportCrew       `json:"crews_formed"`
	Disbanded  []ReportCrew       `json:"crews_disbanded"`
	Coverage   []Coverage         `json:"ambassador_coverage"`
	KPIs       []ReportKPI        `json:"kpis"`
	EventsRead uint64             `json:"events_read"`
}

// DigestRef is a point of the log and its digest there.
type DigestRef struct {
	Seq    uint64 `json:"seq"`
	Digest string `json:"digest"`
}

// ReportDecision is one decision of the period.
type ReportDecision struct {
	InitiativeID  string       `json:"initiative_id"`
	Title         string       `json:"title"`
	Outcome       string       `json:"outcome"`
	Rationale     string       `json:"rationale,omitempty"`
	DecidedBy     string       `json:"decided_by"`
	DecidedAt     time.Time    `json:"decided_at"`
	Tally         events.Tally `json:"tally"`
	Quorum        bool         `json:"quorum"`
	ChairDecision bool         `json:"chair_decision"`
	// Impact is what the council knew of the initiative's targets when it
	// decided, and what came of them by the period's end, as the log knew
	// it at the report's known_at: the decision log's impact, cut there.
	Impact *DecisionOutcome `json:"impact"`
	seq    uint64
}

// ReportInitiative is an initiative started, completed or cancelled in the
// period; Note is the outcome or the reason.
type ReportInitiative struct {
	InitiativeID string    `json:"initiative_id"`
	Title        string    `json:"title"`
	At           time.Time `json:"at"`
	Note         string    `json:"note,omitempty"`
}

// ReportStage is a stage's own figures for the period, beside the previous
// period's.
type ReportStage struct {
	JourneyID string `json:"journey_id"`
	Journey   string `json:"journey"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	PeriodFigures
}

// reportMovers is how many fallers and how many risers a report lists.
const reportMovers = 5

// ReportMovers are the touchpoints that fell and rose most between the
// previous period and the report's, as GET /v1/feedback/movers finds them
// (Movers), at most reportMovers of each.
type ReportMovers struct {
	Fallers []Mover `json:"fallers"`
	Risers  []Mover `json:"risers"`
}

// ReportCrew is a crew formed or disbanded in the period.
type ReportCrew struct {
	CrewID string    `json:"crew_id"`
	Name   string    `json:"name"`
	Type   string    `json:"type"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// Coverage is one department's ambassadors at the period's end.
type Coverage struct {
	Department  string   `json:"department"`
	Ambassadors []string `json:"ambassadors"`
}

// ReportKPI is a KPI against its target. The value of a KPI measured by
// hand (Source "hand") is its last measurement recorded by the period's
// end; that of a KPI computed from the feedback (Source "feedback") is
// the period's own figure in its scope, from Count responses, with its
// 95% margin.
type ReportKPI struct {
	KPIID     string   `json:"kpi_id"`
	Name      string   `json:"name"`
	Metric    string   `json:"metric"`
	Target    float64  `json:"target"`
	Direction string   `json:"direction"`
	Source    string   `json:"source" enum:"feedback,hand"`
	Value     *float64 `json:"value"`
	Count     int      `json:"count,omitempty"`
	Margin    *float64 `json:"margin,omitempty"`
	Met       *bool    `json:"met"`
	OwnerID   string   `json:"owner_id,omitempty"`
}

// BuildCouncilReport replays the log recorded at or before knownAt into a
// fresh report for [from, to), and answers what the replay read: what was
// quarantined, unless opts.Strict stops it there.
func BuildCouncilReport(ctx context.Context, store events.Store, from, to, knownAt time.Time, opts Options) (*CouncilReport, Result, error) {
	if err := checkPeriod(from, to, knownAt); err != nil {
		return nil, Result{}, err
	}
	b := newReportBuilder(from.UTC(), to.UTC(), knownAt.UTC())
	// The feedback as the log knew it: what the decisions' impact and the
	// computed KPIs are read from, as the read models serve them.
	f := NewFeedback()
	defer f.Close()
	res, err := Replay(ctx, store, Range{Until: knownAt}, []Model{b, f}, opts)
	if err != nil {
		return nil, res, err
	}
	r, err := b.report(f)
	if err != nil {
		return nil, res, err
	}
	r.Digest = DigestRef{Seq: res.Digest.Seq, Digest: res.Digest.Hex()}
	r.EventsRead = res.Digest.Seq
	return r, res, nil
}

// checkPeriod refuses a period that ends before it starts, and a report
// that knows no time.
func checkPeriod(from, to, knownAt time.Time) error {
	if !from.Before(to) {
		return errors.New("the period's start must be before its end")
	}
	if knownAt.IsZero() {
		return errors.New("a report needs the recorded time it knows the log at (known_at)")
	}
	return nil
}

// KnownNow is the default known_at of a report asked for at now: now, or
// the time the log recorded its last event if that is later (a clock
// pinned behind the server's), so that the report knows the whole log and
// the known_at it prints gives it again.
func KnownNow(ctx context.Context, store events.Store, now time.Time) (time.Time, error) {
	last, err := store.LastSeq(ctx)
	if err != nil || last == 0 {
		return now.UTC(), err
	}
	var stored time.Time
	err = store.Read(ctx, events.FromSeq(last).WithDamage(), func(rec events.Record) error {
		stored = rec.Stored
		return errPastRange
	})
	if err != nil && !errors.Is(err, errPastRange) {
		return time.Time{}, err
	}
	if stored.After(now) {
		return stored.UTC(), nil
	}
	return now.UTC(), nil
}

// change is end minus start where both exist.
func change(start, end *float64) *float64 {
	if start == nil || end == nil {
		return nil
	}
	v := *end - *start
	return &v
}
