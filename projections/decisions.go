package projections

import (
	"cmp"
	"slices"
	"time"
)

// DecisionView is one entry of the council's decision log: what was
// proposed and by whom, how every member voted (and changed their vote),
// what was decided, by whom and why, and what became of the initiative.
type DecisionView struct {
	InitiativeID string       `json:"initiative_id"`
	Proposal     ProposalView `json:"proposal"`
	Votes        []VoteView   `json:"votes"`
	Decision     DecisionOf   `json:"decision"`
	Afterwards   Aftermath    `json:"afterwards"`
}

// ProposalView is an initiative as it was put before the council.
type ProposalView struct {
	Title         string    `json:"title"`
	Problem       string    `json:"problem"`
	Proposer      PersonRef `json:"proposer"`
	ProposedAt    time.Time `json:"proposed_at"`
	StageIDs      []string  `json:"stage_ids"`
	TouchpointIDs []string  `json:"touchpoint_ids"`
	KPIIDs        []string  `json:"kpi_ids"`
}

// Aftermath is what became of a decided initiative: where it stands now,
// who owns it, how far the work got, and how it ended.
type Aftermath struct {
	Status          string            `json:"status"`
	Owner           *OwnerView        `json:"owner,omitempty"`
	StartedAt       *time.Time        `json:"started_at,omitempty"`
	PercentComplete *int              `json:"percent_complete,omitempty"`
	Completion      *CompletionView   `json:"completion,omitempty"`
	Cancellation    *CancellationView `json:"cancellation,omitempty"`
}

// DecisionFilter selects decisions: taken at or after From and before To
// (either zero for no bound), with Outcome ("" for any).
type DecisionFilter struct {
	From, To time.Time
	Outcome  string
}

// Decisions is the council's decision log, filtered, oldest decision first.
func (m *Initiatives) Decisions(f DecisionFilter) []DecisionView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []DecisionView{}
	for _, in := range m.initiatives {
		d := in.decision
		switch {
		case d == nil,
			!f.From.IsZero() && d.at.Before(f.From),
			!f.To.IsZero() && !d.at.Before(f.To),
			f.Outcome != "" && d.event.Outcome != f.Outcome:
			continue
		}
		v := m.view(in)
		out = append(out, DecisionView{
			InitiativeID: in.id,
			Proposal:     v.ProposalView,
			Votes:        v.Votes,
			Decision:     *v.Decision,
			Afterwards: Aftermath{Status: v.Status, Owner: v.Owner, StartedAt: v.StartedAt, PercentComplete: v.PercentComplete,
				Completion: v.Completion, Cancellation: v.Cancellation},
		})
	}
	slices.SortFunc(out, func(a, b DecisionView) int { return cmp.Compare(a.Decision.Seq, b.Decision.Seq) })
	return out
}
