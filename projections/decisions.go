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
	// Reopening is, for a deferral the council came back to, who reopened
	// the initiative and why; the votes of the next round are in the
	// entry of its decision.
	Reopening  *ReopeningView `json:"reopening,omitempty"`
	Afterwards Aftermath      `json:"afterwards"`
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
	keep := func(d *decisionRow) bool {
		return d != nil && (f.From.IsZero() || !d.at.Before(f.From)) && (f.To.IsZero() || d.at.Before(f.To)) &&
			(f.Outcome == "" || d.event.Outcome == f.Outcome)
	}
	for _, in := range m.initiatives {
		if in.decision == nil && len(in.rounds) == 0 {
			continue
		}
		v := m.view(in)
		entry := func(votes []VoteView, d *DecisionOf, reopening *ReopeningView) DecisionView {
			return DecisionView{
				InitiativeID: in.id, Proposal: v.ProposalView, Votes: votes, Decision: *d, Reopening: reopening,
				Afterwards: Aftermath{Status: v.Status, Owner: v.Owner, StartedAt: v.StartedAt, PercentComplete: v.PercentComplete,
					Completion: v.Completion, Cancellation: v.Cancellation},
			}
		}
		// Each earlier round's decision is an entry of its own, with the
		// votes it was taken on and the reopening that followed it.
		for i, r := range in.rounds {
			if keep(r.decision) {
				round := v.EarlierRounds[i]
				out = append(out, entry(round.Votes, round.Decision, &round.Reopening))
			}
		}
		if keep(in.decision) {
			out = append(out, entry(v.Votes, v.Decision, nil))
		}
	}
	slices.SortFunc(out, func(a, b DecisionView) int { return cmp.Compare(a.Decision.Seq, b.Decision.Seq) })
	return out
}
