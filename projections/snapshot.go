package projections

import (
	"math"
	"time"
)

// Snapshot is the whole program as the views show it at one point of the
// log: what `cxtracker replay` writes.
type Snapshot struct {
	AsOf        time.Time        `json:"as_of"`
	KnownAt     time.Time        `json:"known_at,omitzero"`
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
