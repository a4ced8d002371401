package projections

import (
	"cmp"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"cxtracker/events"
)

// Initiatives is the read model of the CX initiatives: the board, each
// initiative's detail, and the council's decision log. It
// keeps every vote a member cast, not only the last, because the log shows
// how minds changed before a decision.
type Initiatives struct {
	mu          sync.RWMutex
	who         directory
	crewNames   map[string]string
	initiatives map[string]*initiativeRow
	// clock judges which decisions were recorded late; nil judges none.
	clock *ProgramClock
}

// initiativeRow holds an initiative as the log says; views are built from
// it when read, with people's and crews' names as they are then.
type initiativeRow struct {
	id, title, problem, proposer    string
	stageIDs, touchpointIDs, kpiIDs []string
	status                          string
	proposedAt                      time.Time
	votes                           []*voteRow // in the order members first voted
	decision                        *decisionRow
	rounds                          []roundRow // the rounds before each reopening, oldest first
	ownerPerson, ownerCrew          string
	ownerAt                         time.Time
	startedAt                       *time.Time
	percent                         *int
	progress                        []ProgressView
	completion                      *CompletionView
	cancellation                    *CancellationView
}

// roundRow is a round of the council's that a reopening closed: the votes
// cast in it, its decision (a deferral), and the reopening.
type roundRow struct {
	votes     []*voteRow
	decision  *decisionRow
	reopening events.InitiativeReopened
	at        time.Time
	seq       uint64
}

type voteRow struct {
	personID string
	casts    []VoteCastView // oldest first; the last is the vote that stands
}

type decisionRow struct {
	event  events.InitiativeDecided
	at     time.Time // the business time: when the council decided
	stored time.Time // when the log recorded it
	seq    uint64
}

// InitiativeView is one initiative in full: the proposal, the votes, the
// decision and the work that followed.
type InitiativeView struct {
	ID string `json:"id"`
	ProposalView
	Status          string            `json:"status"`
	Votes           []VoteView        `json:"votes"`
	Decision        *DecisionOf       `json:"decision,omitempty"`
	EarlierRounds   []RoundView       `json:"earlier_rounds"`
	Owner           *OwnerView        `json:"owner,omitempty"`
	StartedAt       *time.Time        `json:"started_at,omitempty"`
	PercentComplete *int              `json:"percent_complete,omitempty"`
	Progress        []ProgressView    `json:"progress"`
	Completion      *CompletionView   `json:"completion,omitempty"`
	Cancellation    *CancellationView `json:"cancellation,omitempty"`
}

// VoteView is the vote a member stands by, with the votes it replaced
// (Earlier, oldest first).
type VoteView struct {
	PersonRef
	VoteCastView
	Earlier []VoteCastView `json:"earlier"`
}

// VoteCastView is one vote as cast.
type VoteCastView struct {
	Vote    string    `json:"vote"`
	Comment string    `json:"comment,omitempty"`
	CastAt  time.Time `json:"cast_at"`
}

// DecisionOf is the council's decision on an initiative: the outcome, the
// tally it was taken on and why. Without a quorum it is the chair's
// (ChairDecision) and carries a rationale. Seq is the stream sequence of
// the decision in the audit log. OccurredAt is when it was taken (the
// event's business time, the same as DecidedAt), RecordedAt when the log
// recorded it: later for a decision recorded after the meeting.
// RecordedLate marks a decision recorded after the program had moved on
// more than a day past it (ProgramClock.Late).
type DecisionOf struct {
	Outcome       string    `json:"outcome"`
	Rationale     string    `json:"rationale,omitempty"`
	DecidedBy     PersonRef `json:"decided_by"`
	DecidedAt     time.Time `json:"decided_at"`
	OccurredAt    time.Time `json:"occurred_at"`
	RecordedAt    time.Time `json:"recorded_at"`
	RecordedLate  bool      `json:"recorded_late,omitempty" doc:"present (true) when the decision was recorded late: when it was stored, the log already held events that happened more than a day after it"`
	Quorum        bool      `json:"quorum"`
	ChairDecision bool      `json:"chair_decision"`
	Tally         TallyView `json:"tally"`
	Seq           uint64    `json:"seq"`
}

// RoundView is an earlier round of the council on an initiative: the votes
// cast and the decision taken, before a member reopened it.
type RoundView struct {
	Votes     []VoteView    `json:"votes"`
	Decision  *DecisionOf   `json:"decision,omitempty"`
	Reopening ReopeningView `json:"reopening"`
}

// ReopeningView is who brought a deferred initiative back before the
// council, when and why. Seq is the stream sequence of the reopening.
type ReopeningView struct {
	ReopenedBy PersonRef `json:"reopened_by"`
	Rationale  string    `json:"rationale"`
	ReopenedAt time.Time `json:"reopened_at"`
	Seq        uint64    `json:"seq"`
}

// TallyView counts the votes a decision was taken on, of the Seats there
// were then.
type TallyView struct {
	Approve int `json:"approve"`
	Reject  int `json:"reject"`
	Abstain int `json:"abstain"`
	Voted   int `json:"voted"`
	Seats   int `json:"seats"`
}

// OwnerView is who owns an initiative: a business-unit expert, a crew, or
// both.
type OwnerView struct {
	PersonID   string    `json:"person_id,omitempty"`
	PersonName string    `json:"person_name,omitempty"`
	CrewID     string    `json:"crew_id,omitempty"`
	CrewName   string    `json:"crew_name,omitempty"`
	AssignedAt time.Time `json:"assigned_at"`
}

// ProgressView is one progress report; ReportedBy is the event's actor.
type ProgressView struct {
	Note            string    `json:"note"`
	PercentComplete *int      `json:"percent_complete,omitempty"`
	ReportedBy      string    `json:"reported_by,omitempty"`
	ReportedAt      time.Time `json:"reported_at"`
}

// CompletionView is what came of the work.
type CompletionView struct {
	Outcome     string    `json:"outcome"`
	CompletedAt time.Time `json:"completed_at"`
}

// CancellationView is why the initiative was dropped.
type CancellationView struct {
	Reason      string    `json:"reason"`
	CancelledAt time.Time `json:"cancelled_at"`
}

// NewInitiatives is an empty model.
func NewInitiatives() *Initiatives {
	return &Initiatives{who: directory{}, crewNames: map[string]string{}, initiatives: map[string]*initiativeRow{}}
}

// JudgedBy makes the model mark the decisions clock finds recorded late
// (see ProgramClock), and answers it. A model fed an entity's own events
// (time travel) is judged by the views' clock, which knows the whole log.
func (m *Initiatives) JudgedBy(clock *ProgramClock) *Initiatives {
	m.clock = clock
	return m
}

// Name implements Model.
func (m *Initiatives) Name() string { return "initiatives" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it names people and crews, and follows nothing else outside
// the initiatives. A test (coverage_test.go) fails when a registered event
// type is neither handled nor listed here.
func (m *Initiatives) Ignores() []string {
	return append(allKindsBut(events.KindInitiative, events.KindPerson, events.KindCrew),
		events.Type(events.KindCrew, events.EventCrewDisbanded),
		events.Type(events.KindCrew, events.EventMemberJoined),
		events.Type(events.KindCrew, events.EventMemberLeft),
		events.Type(events.KindCrew, events.EventPurposeChanged))
}

// Apply implements Model.
func (m *Initiatives) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.who.apply(p)
	at := rec.Event.Time
	switch e := p.(type) {
	case events.CrewFormed:
		m.crewNames[e.CrewID] = e.Name
		return nil
	case events.InitiativeProposed:
		m.initiatives[e.InitiativeID] = &initiativeRow{
			id: e.InitiativeID, title: e.Title, problem: e.Problem, proposer: e.ProposedBy,
			stageIDs: e.StageIDs, touchpointIDs: e.TouchpointIDs, kpiIDs: e.KPIIDs,
			status: events.StatusProposed, proposedAt: at,
		}
		return nil
	}
	// Every other event of an initiative changes its row; what the model
	// leaves alone is listed in Ignores.
	if et, _ := events.LookupEventType(rec.Event.Type); et.Kind != events.KindInitiative {
		return nil
	}
	in, err := rowOf(m.initiatives, rec, "initiative")
	if err != nil {
		return err
	}
	switch e := p.(type) {
	case events.VoteCast:
		in.vote(e.PersonID, VoteCastView{Vote: e.Vote, Comment: e.Comment, CastAt: at})
	case events.InitiativeDecided:
		in.decision, in.status = &decisionRow{event: e, at: at, stored: rec.Stored, seq: rec.Seq}, e.Outcome
	case events.OwnerAssigned:
		in.ownerPerson, in.ownerCrew, in.ownerAt = e.PersonID, e.CrewID, at
	case events.InitiativeStarted:
		started := at // its own copy: taking at's address would move it to the heap for every event
		in.status, in.startedAt = events.StatusInProgress, &started
	case events.ProgressReported:
		pr := ProgressView{Note: e.Note, PercentComplete: copyInt(e.PercentComplete), ReportedBy: rec.Event.Actor, ReportedAt: at}
		in.progress = append(in.progress, pr)
		if e.PercentComplete != nil {
			in.percent = copyInt(e.PercentComplete)
		}
	case events.InitiativeCompleted:
		in.status, in.completion = events.StatusCompleted, &CompletionView{Outcome: e.Outcome, CompletedAt: at}
	case events.InitiativeCancelled:
		in.status, in.cancellation = events.StatusCancelled, &CancellationView{Reason: e.Reason, CancelledAt: at}
	case events.InitiativeReopened:
		// The round closes with its votes and decision kept; the next
		// round starts with no votes.
		in.rounds = append(in.rounds, roundRow{votes: in.votes, decision: in.decision, reopening: e, at: at, seq: rec.Seq})
		in.votes, in.decision, in.status = nil, nil, events.StatusProposed
	}
	return nil
}

// rounds are the initiative's earlier rounds, oldest first, with names as
// they are now.
func (m *Initiatives) rounds(in *initiativeRow) []RoundView {
	out := make([]RoundView, 0, len(in.rounds))
	for _, r := range in.rounds {
		out = append(out, RoundView{Votes: m.votes(r.votes), Decision: m.decision(r.decision), Reopening: m.reopening(r)})
	}
	return out
}

func (m *Initiatives) reopening(r roundRow) ReopeningView {
	return ReopeningView{ReopenedBy: m.who.ref(r.reopening.ReopenedBy), Rationale: r.reopening.Rationale, ReopenedAt: r.at, Seq: r.seq}
}

// vote adds a member's vote to their history.
func (in *initiativeRow) vote(personID string, cast VoteCastView) {
	for _, v := range in.votes {
		if v.personID == personID {
			v.casts = append(v.casts, cast)
			return
		}
	}
	in.votes = append(in.votes, &voteRow{personID: personID, casts: []VoteCastView{cast}})
}

func copyInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// The board and each initiative's detail.

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
		OccurredAt: d.at, RecordedAt: d.stored, RecordedLate: m.clock.Late(d.seq, d.at), Quorum: e.Quorum, ChairDecision: e.ChairDecision, Seq: d.seq,
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

// The council's decision log.

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
	// Outcome is what the council knew of the initiative's targets when
	// it decided, and what came of them (see Views.Outcomes); absent until
	// filled in. Its JSON name is impact, beside the decision's own
	// outcome (approved, rejected, deferred).
	Outcome *DecisionOutcome `json:"impact,omitempty"`
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
