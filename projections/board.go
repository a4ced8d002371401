package projections

import (
	"maps"
	"slices"
	"sort"
	"time"

	"cxtracker/events"
)

// InitiativeCard is an initiative as the board shows it: where it stands,
// who proposed and who owns it, without the detail.
type InitiativeCard struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Status          string     `json:"status"`
	Proposer        PersonRef  `json:"proposer"`
	ProposedAt      time.Time  `json:"proposed_at"`
	Votes           int        `json:"votes"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	Owner           *OwnerView `json:"owner,omitempty"`
	PercentComplete *int       `json:"percent_complete,omitempty"`
}

// Get is the initiative with id in full, and false if there is none.
func (m *Initiatives) Get(id string) (InitiativeView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.initiatives, id, m.view)
}

// List is the board: the initiatives with status (any when "") owned by
// owner, a person or a crew id (any when ""), ordered by id.
func (m *Initiatives) List(status, owner string) []InitiativeCard {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []InitiativeCard{}
	for _, id := range slices.Sorted(maps.Keys(m.initiatives)) {
		in := m.initiatives[id]
		if status != "" && in.status != status {
			continue
		}
		if owner != "" && in.ownerPerson != owner && in.ownerCrew != owner {
			continue
		}
		card := InitiativeCard{
			ID: in.id, Title: in.title, Status: in.status, Proposer: m.who.ref(in.proposer), ProposedAt: in.proposedAt,
			Votes: len(in.votes), Owner: m.owner(in), PercentComplete: copyInt(in.percent),
		}
		if in.decision != nil {
			at := in.decision.at
			card.DecidedAt = &at
		}
		out = append(out, card)
	}
	return out
}

// InitiativeStatuses lists an initiative's statuses in the order of its
// life.
var InitiativeStatuses = []string{events.StatusProposed, events.StatusApproved, events.StatusRejected, events.StatusDeferred,
	events.StatusInProgress, events.StatusCompleted, events.StatusCancelled}

// CountByStatus counts the initiatives in each status, zero included.
func (m *Initiatives) CountByStatus() map[string]int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := map[string]int{}
	for _, st := range InitiativeStatuses {
		out[st] = 0
	}
	for _, in := range m.initiatives {
		out[in.status]++
	}
	return out
}

// ApprovedWithoutOwner lists, sorted, the initiatives approved or in
// progress that nobody owns: goals assigned to no one.
func (m *Initiatives) ApprovedWithoutOwner() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []string{}
	for _, in := range m.initiatives {
		live := in.status == events.StatusApproved || in.status == events.StatusInProgress
		if live && in.ownerPerson == "" && in.ownerCrew == "" {
			out = append(out, in.id)
		}
	}
	sort.Strings(out)
	return out
}

// view is a copy of an initiative in full.
func (m *Initiatives) view(in *initiativeRow) InitiativeView {
	v := InitiativeView{
		ID: in.id,
		ProposalView: ProposalView{Title: in.title, Problem: in.problem, Proposer: m.who.ref(in.proposer), ProposedAt: in.proposedAt,
			StageIDs: cloneIDs(in.stageIDs), TouchpointIDs: cloneIDs(in.touchpointIDs), KPIIDs: cloneIDs(in.kpiIDs)},
		Status: in.status, Votes: m.votes(in.votes), Decision: m.decision(in.decision), EarlierRounds: m.rounds(in), Owner: m.owner(in),
		PercentComplete: copyInt(in.percent), Progress: make([]ProgressView, len(in.progress)),
	}
	if in.startedAt != nil {
		at := *in.startedAt
		v.StartedAt = &at
	}
	for i, pr := range in.progress {
		pr.PercentComplete = copyInt(pr.PercentComplete)
		v.Progress[i] = pr
	}
	if in.completion != nil {
		c := *in.completion
		v.Completion = &c
	}
	if in.cancellation != nil {
		c := *in.cancellation
		v.Cancellation = &c
	}
	return v
}

// votes are the members' standing votes in the order they first voted,
// each with the votes it replaced.
func (m *Initiatives) votes(votes []*voteRow) []VoteView {
	out := make([]VoteView, 0, len(votes))
	for _, v := range votes {
		last := len(v.casts) - 1
		out = append(out, VoteView{PersonRef: m.who.ref(v.personID), VoteCastView: v.casts[last], Earlier: slices.Clone(v.casts[:last])})
	}
	return out
}

func (m *Initiatives) decision(d *decisionRow) *DecisionOf {
	if d == nil {
		return nil
	}
	e, t := d.event, d.event.Tally
	return &DecisionOf{
		Outcome: e.Outcome, Rationale: e.Rationale, DecidedBy: m.who.ref(e.DecidedBy), DecidedAt: d.at,
		Quorum: e.Quorum, ChairDecision: e.ChairDecision, Seq: d.seq,
		Tally: TallyView{Approve: t.Approve, Reject: t.Reject, Abstain: t.Abstain, Voted: t.Voted, Seats: t.Seats},
	}
}

func (m *Initiatives) owner(in *initiativeRow) *OwnerView {
	if in.ownerPerson == "" && in.ownerCrew == "" {
		return nil
	}
	o := &OwnerView{PersonID: in.ownerPerson, CrewID: in.ownerCrew, CrewName: m.crewNames[in.ownerCrew], AssignedAt: in.ownerAt}
	if in.ownerPerson != "" {
		o.PersonName = m.who.ref(in.ownerPerson).Name
	}
	return o
}

// cloneIDs copies a list of ids, empty rather than nil.
func cloneIDs(ids []string) []string { return append([]string{}, ids...) }
