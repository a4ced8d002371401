package events

import "fmt"

// KindInitiative is the aggregate of one CX initiative: its proposal, the
// council's votes and decision, and its later life. Votes are on the
// initiative's own stream, so "one vote per member" and "no vote after the
// decision" are checked by one aggregate under one expected sequence.
const KindInitiative = "initiative"

// initiativeEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var initiativeEvents = []EventType{
	def[InitiativeProposed](KindInitiative, 1),
	def[VoteCast](KindInitiative, 1),
	def[InitiativeDecided](KindInitiative, 1),
	def[OwnerAssigned](KindInitiative, 1),
	def[InitiativeStarted](KindInitiative, 1),
	def[ProgressReported](KindInitiative, 1),
	def[InitiativeCompleted](KindInitiative, 1),
	def[InitiativeCancelled](KindInitiative, 1),
	def[InitiativeReopened](KindInitiative, 1),
}

// Event names of the initiative aggregate.
const (
	EventInitiativeProposed  = "initiative_proposed"
	EventVoteCast            = "vote_cast"
	EventInitiativeDecided   = "initiative_decided"
	EventOwnerAssigned       = "owner_assigned"
	EventInitiativeStarted   = "initiative_started"
	EventProgressReported    = "progress_reported"
	EventInitiativeCompleted = "initiative_completed"
	EventInitiativeCancelled = "initiative_cancelled"
	EventInitiativeReopened  = "initiative_reopened"
)

// Votes a council member can cast.
const (
	VoteApprove = "approve"
	VoteReject  = "reject"
	VoteAbstain = "abstain"
)

// Votes lists the votes a council member can cast.
var Votes = []string{VoteApprove, VoteReject, VoteAbstain}

// Outcomes of a council decision.
const (
	OutcomeApproved = "approved"
	OutcomeRejected = "rejected"
	OutcomeDeferred = "deferred"
)

// Outcomes lists the outcomes of a council decision.
var Outcomes = []string{OutcomeApproved, OutcomeRejected, OutcomeDeferred}

// Statuses of an initiative; a decision's outcome becomes its status.
const (
	StatusProposed   = "proposed"
	StatusApproved   = OutcomeApproved
	StatusRejected   = OutcomeRejected
	StatusDeferred   = OutcomeDeferred
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
	StatusCancelled  = "cancelled"
)

// InitiativeProposed says a council member proposed an initiative: the
// problem (or big rock) it tackles, and what it targets.
type InitiativeProposed struct {
	InitiativeID  string   `json:"initiative_id"`
	Title         string   `json:"title"`
	Problem       string   `json:"problem"`
	ProposedBy    string   `json:"proposed_by"`
	StageIDs      []string `json:"stage_ids,omitempty"`
	TouchpointIDs []string `json:"touchpoint_ids,omitempty"`
	KPIIDs        []string `json:"kpi_ids,omitempty"`
}

// VoteCast says a council member voted, or changed their vote; Previous is
// the vote it replaces.
type VoteCast struct {
	PersonID     string `json:"person_id"`
	Vote         string `json:"vote"`
	Comment      string `json:"comment,omitempty"`
	PreviousVote string `json:"previous_vote,omitempty"`
}

// Tally is the count of votes a decision was taken on. Only the votes of
// members seated at the decision count; Seats is the number of seats then.
type Tally struct {
	Approve int `json:"approve"`
	Reject  int `json:"reject"`
	Abstain int `json:"abstain"`
	Voted   int `json:"voted"`
	Seats   int `json:"seats"`
}

// InitiativeDecided is the council's decision, with the tally it was taken
// on and why. Quorum says whether more than half the seats voted; without
// it, the decision is the chair's (ChairDecision) and carries a rationale.
type InitiativeDecided struct {
	Outcome       string `json:"outcome"`
	Rationale     string `json:"rationale,omitempty"`
	DecidedBy     string `json:"decided_by"`
	Tally         Tally  `json:"tally"`
	Quorum        bool   `json:"quorum"`
	ChairDecision bool   `json:"chair_decision"`
}

// OwnerAssigned says who owns the approved initiative from now on: a
// business-unit expert, a crew, or both.
type OwnerAssigned struct {
	PersonID string `json:"person_id,omitempty"`
	CrewID   string `json:"crew_id,omitempty"`
}

// InitiativeStarted says work on an approved initiative started.
type InitiativeStarted struct{}

// ProgressReported is a note on the work, with how far along it is when the
// reporter can say.
type ProgressReported struct {
	Note            string `json:"note"`
	PercentComplete *int   `json:"percent_complete,omitempty"`
}

// InitiativeCompleted says the work is done, and what came of it.
type InitiativeCompleted struct {
	Outcome string `json:"outcome"`
}

// InitiativeCancelled says the initiative was dropped, and why.
type InitiativeCancelled struct {
	Reason string `json:"reason"`
}

// InitiativeReopened says a council member brought a deferred initiative
// back before the council, and why. The votes and the decision before it
// stay in the log as an earlier round; votes are cast afresh.
type InitiativeReopened struct {
	ReopenedBy string `json:"reopened_by"`
	Rationale  string `json:"rationale"`
}

func (InitiativeProposed) EventName() string  { return EventInitiativeProposed }
func (VoteCast) EventName() string            { return EventVoteCast }
func (InitiativeDecided) EventName() string   { return EventInitiativeDecided }
func (OwnerAssigned) EventName() string       { return EventOwnerAssigned }
func (InitiativeStarted) EventName() string   { return EventInitiativeStarted }
func (ProgressReported) EventName() string    { return EventProgressReported }
func (InitiativeCompleted) EventName() string { return EventInitiativeCompleted }
func (InitiativeCancelled) EventName() string { return EventInitiativeCancelled }
func (InitiativeReopened) EventName() string  { return EventInitiativeReopened }

// Vote is one member's vote on an initiative.
type Vote struct {
	Vote    string
	Comment string
}

// Initiative is the current state of one initiative.
type Initiative struct {
	ID            string
	Title         string
	Problem       string
	ProposedBy    string
	StageIDs      []string
	TouchpointIDs []string
	KPIIDs        []string
	Status        string
	// Votes maps each voter's person id to their latest vote.
	Votes    map[string]Vote
	Decision *InitiativeDecided
	OwnerID  string
	CrewID   string
	// PercentComplete is the last reported progress that had one.
	PercentComplete int
	Result          string
	CancelReason    string
}

func (in *Initiative) apply(ev Payload) {
	switch e := ev.(type) {
	case InitiativeProposed:
		in.Title, in.Problem, in.ProposedBy = e.Title, e.Problem, e.ProposedBy
		in.StageIDs, in.TouchpointIDs, in.KPIIDs = e.StageIDs, e.TouchpointIDs, e.KPIIDs
		in.Status = StatusProposed
	case VoteCast:
		in.Votes[e.PersonID] = Vote{Vote: e.Vote, Comment: e.Comment}
	case InitiativeDecided:
		in.Decision = &e
		in.Status = e.Outcome
	case OwnerAssigned:
		in.OwnerID, in.CrewID = e.PersonID, e.CrewID
	case InitiativeStarted:
		in.Status = StatusInProgress
	case ProgressReported:
		if e.PercentComplete != nil {
			in.PercentComplete = *e.PercentComplete
		}
	case InitiativeCompleted:
		in.Status, in.Result = StatusCompleted, e.Outcome
	case InitiativeCancelled:
		in.Status, in.CancelReason = StatusCancelled, e.Reason
	case InitiativeReopened:
		// A new round: the tally of the next decision counts only the
		// votes cast after the reopening.
		in.Status, in.Votes, in.Decision = StatusProposed, map[string]Vote{}, nil
	}
}

func (in *Initiative) agg() Aggregate { return Aggregate{KindInitiative, in.ID} }

// Initiative is the initiative with id, and false if there is none.
func (s *State) Initiative(id string) (*Initiative, bool) {
	in, ok := s.initiatives[id]
	return in, ok
}

// initiative finds an initiative by id.
func (s *State) initiative(id string) (*Initiative, error) {
	in, ok := s.initiatives[id]
	if !ok {
		return nil, notFound("initiative", id)
	}
	return in, nil
}

// tally counts the votes on in of members who hold a seat and have not left.
func (s *State) tally(in *Initiative) Tally {
	t := Tally{Seats: s.seats()}
	for id, v := range in.Votes {
		if s.seated(id) != nil {
			continue
		}
		t.Voted++
		switch v.Vote {
		case VoteApprove:
			t.Approve++
		case VoteReject:
			t.Reject++
		case VoteAbstain:
			t.Abstain++
		}
	}
	return t
}

// HasQuorum reports whether more than half of the seats voted.
func (t Tally) HasQuorum() bool { return 2*t.Voted > t.Seats }

// ProposeInitiative puts an initiative before the council.
type ProposeInitiative struct {
	InitiativeID  string
	Title         string
	Problem       string
	ProposedBy    string
	StageIDs      []string
	TouchpointIDs []string
	KPIIDs        []string
}

// Decide accepts a proposal from a seated council member, whose targets all
// exist: stages, touchpoints not retired, KPIs not retired.
func (c ProposeInitiative) Decide(s *State) (Decision, error) {
	var v checks
	v.id("initiative_id", c.InitiativeID)
	v.name("title", c.Title)
	v.text("problem", c.Problem)
	v.id("proposed_by", c.ProposedBy)
	v.ids("stage_ids", c.StageIDs)
	v.ids("touchpoint_ids", c.TouchpointIDs)
	v.ids("kpi_ids", c.KPIIDs)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.initiatives[c.InitiativeID]; ok {
		return Decision{}, ruleForbids("initiative %q already exists", c.InitiativeID)
	}
	if err := s.seated(c.ProposedBy); err != nil {
		return Decision{}, err
	}
	for _, id := range c.StageIDs {
		if _, ok := s.stages[id]; !ok {
			return Decision{}, notFound("stage", id)
		}
	}
	for _, id := range c.TouchpointIDs {
		if _, err := s.liveTouchpoint(id); err != nil {
			return Decision{}, err
		}
	}
	for _, id := range c.KPIIDs {
		if _, err := s.liveKPI(id); err != nil {
			return Decision{}, err
		}
	}
	return decide(Aggregate{KindInitiative, c.InitiativeID}, InitiativeProposed{
		InitiativeID: c.InitiativeID, Title: c.Title, Problem: c.Problem, ProposedBy: c.ProposedBy,
		StageIDs: c.StageIDs, TouchpointIDs: c.TouchpointIDs, KPIIDs: c.KPIIDs,
	})
}

// CastVote records a council member's vote, or their change of mind.
type CastVote struct {
	InitiativeID string
	PersonID     string
	Vote         string
	Comment      string
}

// Decide takes votes from seated members while the initiative is proposed.
// A member has one vote: voting again replaces it, and voting the same again
// changes nothing.
func (c CastVote) Decide(s *State) (Decision, error) {
	var v checks
	v.id("initiative_id", c.InitiativeID)
	v.id("person_id", c.PersonID)
	v.oneOf("vote", c.Vote, Votes)
	v.optionalText("comment", c.Comment)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.memberActsOn(c.InitiativeID, c.PersonID, "votes are taken only before the decision", StatusProposed)
	if err != nil {
		return Decision{}, err
	}
	prev, voted := in.Votes[c.PersonID]
	if voted && prev.Vote == c.Vote && prev.Comment == c.Comment {
		return decide(in.agg())
	}
	return decide(in.agg(), VoteCast{PersonID: c.PersonID, Vote: c.Vote, Comment: c.Comment, PreviousVote: prev.Vote})
}

// memberActsOn is the initiative a council member votes on, decides or
// reopens: it must be in one of the statuses (rule says why otherwise), and
// the member must hold a seat.
func (s *State) memberActsOn(initiativeID, memberID, rule string, statuses ...string) (*Initiative, error) {
	in, err := s.initiativeIn(initiativeID, rule, statuses...)
	if err != nil {
		return nil, err
	}
	if err := s.seated(memberID); err != nil {
		return nil, err
	}
	return in, nil
}

// DecideInitiative records the council's decision on a proposed initiative.
// DecidedBy is the seated member who records it.
type DecideInitiative struct {
	InitiativeID string
	DecidedBy    string
	Outcome      string
	Rationale    string
}

// Decide takes a decision only on a proposed initiative, and only with a
// quorum (more than half of the seats voted) unless the chair records it
// with a rationale. The event carries the tally it was taken on.
func (c DecideInitiative) Decide(s *State) (Decision, error) {
	var v checks
	v.id("initiative_id", c.InitiativeID)
	v.id("decided_by", c.DecidedBy)
	v.oneOf("outcome", c.Outcome, Outcomes)
	v.optionalText("rationale", c.Rationale)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.memberActsOn(c.InitiativeID, c.DecidedBy, "only a proposed initiative can be decided", StatusProposed)
	if err != nil {
		return Decision{}, err
	}
	t := s.tally(in)
	quorum := t.HasQuorum()
	if !quorum {
		if c.DecidedBy != s.council.ChairID {
			return Decision{}, ruleForbids("no quorum: %s; only the chair decides without a quorum", quorumText(t))
		}
		if c.Rationale == "" {
			return Decision{}, invalidField("rationale", fmt.Sprintf("is required when the chair decides without a quorum (%s)", quorumText(t)))
		}
	}
	return decide(in.agg(), InitiativeDecided{
		Outcome: c.Outcome, Rationale: c.Rationale, DecidedBy: c.DecidedBy,
		Tally: t, Quorum: quorum, ChairDecision: !quorum,
	})
}

func quorumText(t Tally) string {
	return fmt.Sprintf("%d of %d seats voted, more than half are needed", t.Voted, t.Seats)
}

// ReopenInitiative brings a deferred initiative back before the council.
// ReopenedBy is the seated member who reopens it.
type ReopenInitiative struct {
	InitiativeID string
	ReopenedBy   string
	Rationale    string
}

// Decide reopens only a deferred initiative, for a seated member who says
// why: a deferral is the one decision that expects the council to return.
func (c ReopenInitiative) Decide(s *State) (Decision, error) {
	var v checks
	v.id("initiative_id", c.InitiativeID)
	v.id("reopened_by", c.ReopenedBy)
	v.text("rationale", c.Rationale)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.memberActsOn(c.InitiativeID, c.ReopenedBy, "only a deferred initiative can be reopened", StatusDeferred)
	if err != nil {
		return Decision{}, err
	}
	return decide(in.agg(), InitiativeReopened{ReopenedBy: c.ReopenedBy, Rationale: c.Rationale})
}

// AssignOwner makes a business-unit expert, a crew, or both the owners of an
// approved initiative.
type AssignOwner struct {
	InitiativeID string
	PersonID     string
	CrewID       string
}

// Decide assigns owners to an initiative that was approved and is not over:
// the person must be a named business-unit expert who has not left, and the
// crew must not be disbanded.
func (c AssignOwner) Decide(s *State) (Decision, error) {
	var v checks
	v.id("initiative_id", c.InitiativeID)
	v.optionalID("person_id", c.PersonID)
	v.optionalID("crew_id", c.CrewID)
	if c.PersonID == "" && c.CrewID == "" {
		v.fail("person_id", "or crew_id is required")
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.initiativeIn(c.InitiativeID, "owners are assigned once it is approved and until it is over", StatusApproved, StatusInProgress)
	if err != nil {
		return Decision{}, err
	}
	if c.PersonID != "" {
		p, err := s.activePerson(c.PersonID)
		if err != nil {
			return Decision{}, err
		}
		if _, ok := s.program.Experts[p.ID]; !ok {
			return Decision{}, ruleForbids("%s is not a business-unit expert", p.Name)
		}
	}
	if c.CrewID != "" {
		if _, err := s.activeCrew(c.CrewID); err != nil {
			return Decision{}, err
		}
	}
	if in.OwnerID == c.PersonID && in.CrewID == c.CrewID {
		return decide(in.agg())
	}
	return decide(in.agg(), OwnerAssigned{PersonID: c.PersonID, CrewID: c.CrewID})
}

// StartInitiative starts work on an initiative.
type StartInitiative struct {
	InitiativeID string
}

// Decide starts only an approved initiative.
func (c StartInitiative) Decide(s *State) (Decision, error) {
	in, err := s.initiativeIn(c.InitiativeID, "work starts only on an approved initiative", StatusApproved)
	if err != nil {
		return Decision{}, err
	}
	return decide(in.agg(), InitiativeStarted{})
}

// ReportProgress notes progress on an initiative in progress.
type ReportProgress struct {
	InitiativeID string
	Note         string
	// PercentComplete is how far along the work is, 0 to 100, when known.
	PercentComplete *int
}

// Decide takes progress only while work is in progress.
func (c ReportProgress) Decide(s *State) (Decision, error) {
	var v checks
	v.text("note", c.Note)
	if p := c.PercentComplete; p != nil && (*p < 0 || *p > 100) {
		v.fail("percent_complete", "must be from 0 to 100")
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.initiativeIn(c.InitiativeID, "progress is reported only while work is in progress", StatusInProgress)
	if err != nil {
		return Decision{}, err
	}
	return decide(in.agg(), ProgressReported{Note: c.Note, PercentComplete: c.PercentComplete})
}

// CompleteInitiative records that the work is done, and its outcome.
type CompleteInitiative struct {
	InitiativeID string
	Outcome      string
}

// Decide completes only an initiative in progress.
func (c CompleteInitiative) Decide(s *State) (Decision, error) {
	var v checks
	v.text("outcome", c.Outcome)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.initiativeIn(c.InitiativeID, "only work in progress can be completed", StatusInProgress)
	if err != nil {
		return Decision{}, err
	}
	return decide(in.agg(), InitiativeCompleted{Outcome: c.Outcome})
}

// CancelInitiative drops an initiative, for a reason.
type CancelInitiative struct {
	InitiativeID string
	Reason       string
}

// Decide cancels an initiative that is not over: proposed, deferred,
// approved or in progress.
func (c CancelInitiative) Decide(s *State) (Decision, error) {
	var v checks
	v.text("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	in, err := s.initiativeIn(c.InitiativeID, "only an initiative that is not over can be cancelled",
		StatusProposed, StatusDeferred, StatusApproved, StatusInProgress)
	if err != nil {
		return Decision{}, err
	}
	return decide(in.agg(), InitiativeCancelled{Reason: c.Reason})
}

// initiativeIn finds an initiative and checks that it is in one of the
// statuses; rule says which rule a wrong status breaks.
func (s *State) initiativeIn(id, rule string, statuses ...string) (*Initiative, error) {
	var v checks
	v.id("initiative_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	in, err := s.initiative(id)
	if err != nil {
		return nil, err
	}
	for _, st := range statuses {
		if in.Status == st {
			return in, nil
		}
	}
	return nil, ruleForbids("initiative %q is %s; %s", in.Title, in.Status, rule)
}
