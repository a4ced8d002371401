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
// with the touchpoints that moved most between the two. It
// reads only events the log stored up to the period's end, so a report for a
// past period is the same whenever it is run.
type CouncilReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Digest is the log's running digest at the last event of the period.
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

// ReportKPI is a KPI against its target at the period's end.
type ReportKPI struct {
	KPIID     string   `json:"kpi_id"`
	Name      string   `json:"name"`
	Metric    string   `json:"metric"`
	Target    float64  `json:"target"`
	Direction string   `json:"direction"`
	Value     *float64 `json:"value"`
	Met       *bool    `json:"met"`
	OwnerID   string   `json:"owner_id,omitempty"`
}

// BuildCouncilReport replays the log into a fresh report for [from, to),
// and answers what the replay read: what was quarantined, unless
// opts.Strict stops it there.
func BuildCouncilReport(ctx context.Context, store events.Store, from, to time.Time, opts Options) (*CouncilReport, Result, error) {
	if !from.Before(to) {
		return nil, Result{}, errors.New("the period's start must be before its end")
	}
	b := newReportBuilder(from.UTC(), to.UTC())
	res, err := Replay(ctx, store, Range{Before: to}, []Model{b}, opts)
	if err != nil {
		return nil, res, err
	}
	r := b.report()
	r.Digest = DigestRef{Seq: res.Digest.Seq, Digest: res.Digest.Hex()}
	r.EventsRead = res.Digest.Seq
	return r, res, nil
}

// change is end minus start where both exist.
func change(start, end *float64) *float64 {
	if start == nil || end == nil {
		return nil
	}
	v := *end - *start
	return &v
}
