package events

import "time"

// KindFollowUp is the aggregate of the follow-up of one feedback item (the
// closed loop with a detractor). Its id is the feedback item's id: a feedback
// item has at most one follow-up, and only the items that get one add a
// subject, so subjects grow with follow-ups, not with feedback.
const KindFollowUp = "followup"

// followupEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var followupEvents = []EventType{
	def[FollowUpOpened](KindFollowUp, 2, upcastFollowUpOpenedV1),
	def[FollowUpClosed](KindFollowUp, 1),
	def[FollowUpEscalated](KindFollowUp, 1),
}

// Event names of the follow-up aggregate.
const (
	EventFollowUpOpened    = "followup_opened"
	EventFollowUpClosed    = "followup_closed"
	EventFollowUpEscalated = "followup_escalated"
)

// FollowUpOpened says someone will get back to the customer about a feedback
// item, at schema version 2: a follow-up a rule opened names the rule and
// when it is due (version 1, opened only by hand, had neither; see
// upcastFollowUpOpenedV1).
type FollowUpOpened struct {
	FeedbackID   string `json:"feedback_id"`
	TouchpointID string `json:"touchpoint_id"`
	// AssigneeID is the person who follows up, when one is named.
	AssigneeID string `json:"assignee_id,omitempty"`
	Note       string `json:"note,omitempty"`
	// RuleID is the follow-up rule that opened it; none when opened by hand.
	RuleID string `json:"rule_id,omitempty"`
	// DueAt is when the follow-up is due, when it has a due time: past it,
	// an open follow-up is escalated once.
	DueAt time.Time `json:"due_at,omitzero"`
}

// FollowUpEscalated says an open follow-up went past its due time and was
// handed to the CX manager (none named when the program had none).
type FollowUpEscalated struct {
	DueAt       time.Time `json:"due_at"`
	EscalatedTo string    `json:"escalated_to,omitempty"`
}

// FollowUpClosed says what was done about the feedback, and whether the
// customer was told: the loop is closed only for the customer if they were.
type FollowUpClosed struct {
	ActionTaken      string `json:"action_taken"`
	CustomerInformed bool   `json:"customer_informed"`
}

func (FollowUpOpened) EventName() string    { return EventFollowUpOpened }
func (FollowUpClosed) EventName() string    { return EventFollowUpClosed }
func (FollowUpEscalated) EventName() string { return EventFollowUpEscalated }

// FollowUp is the current state of one feedback item's follow-up.
type FollowUp struct {
	FeedbackID       string
	TouchpointID     string
	AssigneeID       string
	Note             string
	RuleID           string    `json:",omitempty"`
	DueAt            time.Time `json:",omitzero"`
	Escalated        bool      `json:",omitempty"`
	EscalatedTo      string    `json:",omitempty"`
	Closed           bool
	ActionTaken      string
	CustomerInformed bool
}

// Overdue says the follow-up is open and past its due time at now.
func (f *FollowUp) Overdue(now time.Time) bool {
	return !f.Closed && !f.DueAt.IsZero() && now.After(f.DueAt)
}

func (f *FollowUp) apply(ev Payload) {
	switch e := ev.(type) {
	case FollowUpOpened:
		f.TouchpointID, f.AssigneeID, f.Note, f.RuleID, f.DueAt = e.TouchpointID, e.AssigneeID, e.Note, e.RuleID, e.DueAt
	case FollowUpEscalated:
		f.Escalated, f.EscalatedTo = true, e.EscalatedTo
	case FollowUpClosed:
		f.Closed, f.ActionTaken, f.CustomerInformed = true, e.ActionTaken, e.CustomerInformed
	}
}

// FollowUp is the follow-up of the feedback item with id, and false if none
// was opened.
func (s *State) FollowUp(feedbackID string) (*FollowUp, bool) {
	f, ok := s.followUps[feedbackID]
	return f, ok
}

// OpenFollowUp opens the follow-up of a feedback item.
type OpenFollowUp struct {
	FeedbackID string
	AssigneeID string
	Note       string
	// RuleID and DueAt are set by the rule manager on a follow-up a rule
	// opens.
	RuleID string
	DueAt  time.Time
}

// Decide opens one follow-up per feedback item, only for feedback that was
// logged, assigned (if at all) to a person who has not left.
func (c OpenFollowUp) Decide(s *State) (Decision, error) {
	var v checks
	v.id("feedback_id", c.FeedbackID)
	v.optionalID("assignee_id", c.AssigneeID)
	v.optionalText("note", c.Note)
	v.optionalID("rule_id", c.RuleID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if c.RuleID != "" {
		if _, ok := s.followUpRules[c.RuleID]; !ok {
			return Decision{}, notFound("follow-up rule", c.RuleID)
		}
	}
	fb, ok := s.Feedback(c.FeedbackID)
	if !ok {
		return Decision{}, notFound("feedback", c.FeedbackID)
	}
	if _, ok := s.followUps[c.FeedbackID]; ok {
		return Decision{}, ruleForbids("feedback %q already has a follow-up", c.FeedbackID)
	}
	if c.AssigneeID != "" {
		if _, err := s.activePerson(c.AssigneeID); err != nil {
			return Decision{}, err
		}
	}
	return decide(Aggregate{KindFollowUp, c.FeedbackID}, FollowUpOpened{
		FeedbackID: c.FeedbackID, TouchpointID: fb.TouchpointID, AssigneeID: c.AssigneeID, Note: c.Note,
		RuleID: c.RuleID, DueAt: c.DueAt.UTC(),
	})
}

// CloseFollowUp closes a feedback item's follow-up.
type CloseFollowUp struct {
	FeedbackID       string
	ActionTaken      string
	CustomerInformed bool
}

// Decide closes an open follow-up once, saying what was done.
func (c CloseFollowUp) Decide(s *State) (Decision, error) {
	var v checks
	v.id("feedback_id", c.FeedbackID)
	v.text("action_taken", c.ActionTaken)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	f, ok := s.followUps[c.FeedbackID]
	if !ok {
		return Decision{}, notFound("follow-up of feedback", c.FeedbackID)
	}
	if f.Closed {
		return Decision{}, ruleForbids("the follow-up of feedback %q is already closed", c.FeedbackID)
	}
	return decide(Aggregate{KindFollowUp, c.FeedbackID}, FollowUpClosed{ActionTaken: c.ActionTaken, CustomerInformed: c.CustomerInformed})
}

// DueFollowUps are the follow-ups not yet closed nor escalated that have a
// due time, in no order: those the rule manager watches.
func (s *State) DueFollowUps() []FollowUp {
	var out []FollowUp
	for _, f := range s.followUps {
		if !f.Closed && !f.DueAt.IsZero() && !f.Escalated {
			out = append(out, *f)
		}
	}
	return out
}

// EscalateFollowUp hands an overdue follow-up to the CX manager.
type EscalateFollowUp struct {
	FeedbackID string
	// Now is the time the follow-up is judged overdue at.
	Now time.Time
}

// Decide escalates a follow-up once, only while it is open and past its due
// time; an escalated one again changes nothing.
func (c EscalateFollowUp) Decide(s *State) (Decision, error) {
	var v checks
	v.id("feedback_id", c.FeedbackID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	f, ok := s.followUps[c.FeedbackID]
	if !ok {
		return Decision{}, notFound("follow-up of feedback", c.FeedbackID)
	}
	agg := Aggregate{KindFollowUp, c.FeedbackID}
	if f.Escalated {
		return decide(agg)
	}
	if !f.Overdue(c.Now) {
		return Decision{}, ruleForbids("the follow-up of feedback %q is not overdue", c.FeedbackID)
	}
	return decide(agg, FollowUpEscalated{DueAt: f.DueAt, EscalatedTo: s.program.CXManagerID})
}
