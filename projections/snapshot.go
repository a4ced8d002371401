package projections

import (
	"context"
	"errors"
	"math"
	"time"

	"cxtracker/events"
)

// Snapshot is the whole program as the views show it at one point of the
// log: what `cxtracker replay` writes.
type Snapshot struct {
	AsOf        time.Time        `json:"as_of"`
	Digest      DigestRef        `json:"digest"`
	Roles       ProgramRoles     `json:"roles"`
	Council     CouncilView      `json:"council"`
	Decisions   []DecisionView   `json:"decisions"`
	People      []PersonView     `json:"people"`
	Crews       []CrewView       `json:"crews"`
	Initiatives []InitiativeCard `json:"initiatives"`
	Journeys    []JourneyView    `json:"journeys"`
	Feedback    []FeedbackItem   `json:"feedback"`
	KPIs        []KPIView        `json:"kpis"`
	ActionPlans []ActionPlanView `json:"action_plans"`
}

// Snapshot takes every view as it stands.
func (v *Views) Snapshot() Snapshot {
	items, _ := v.Feedback.List(FeedbackFilter{}, "", math.MaxInt)
	return Snapshot{
		Roles: v.People.Roles(), Council: v.Council.Roster(), Decisions: v.Initiatives.Decisions(DecisionFilter{}),
		People: v.People.List(), Crews: v.Crews.List(""), Initiatives: v.Initiatives.List("", ""), Journeys: v.Journeys.List(),
		Feedback: items, KPIs: v.KPIs.List(), ActionPlans: v.ActionPlans.List(),
	}
}

// ReplayUntil builds fresh views from the log up to and including the last
// event stored at or before until (the whole log when until is zero), and
// answers them with the digest there. progress, if not nil, is told each
// sequence.
func ReplayUntil(ctx context.Context, store events.Store, until time.Time, progress func(seq uint64)) (*Views, events.Digest, error) {
	v := NewViews()
	models := v.Models()
	var d events.Digest
	err := store.Read(ctx, events.FromSeq(1), func(rec events.Record) error {
		if !until.IsZero() && rec.Stored.After(until) {
			return errPastPeriod
		}
		p, err := events.DecodePayload(rec.Event)
		if err != nil {
			return &events.CorruptError{Seq: rec.Seq, Subject: rec.Subject, Err: err}
		}
		for _, m := range models {
			if err := applySafely(m, rec, p); err != nil {
				return &events.CorruptError{Seq: rec.Seq, Subject: rec.Subject, Err: err}
			}
		}
		d = d.Next(rec)
		if progress != nil {
			progress(rec.Seq)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPastPeriod) {
		return nil, events.Digest{}, err
	}
	return v, d, nil
}
