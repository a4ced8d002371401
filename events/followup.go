package events

// KindFollowUp is the aggregate of the follow-up of one feedback item (the
// closed loop with a detractor). Its id is the feedback item's id: a feedback
// item has at most one follow-up, and only the items that get one add a
// subject, so subjects grow with follow-ups, not with feedback.
const KindFollowUp = "followup"

// followupEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var followupEvents = []EventType{
	def[FollowUpOpened](KindFollowUp, 1),
	def[FollowUpClosed](KindFollowUp, 1),
}

// Event names of the follow-up aggregate.
const (
	EventFollowUpOpened = "followup_opened"
	EventFollowUpClosed = "followup_closed"
)

// FollowUpOpened says someone will get back to the customer about a feedback
// item.
type FollowUpOpened struct {
	FeedbackID   string `json:"feedback_id"`
	TouchpointID string `json:"touchpoint_id"`
	// AssigneeID is the person who follows up, when one is named.
	AssigneeID string `json:"assignee_id,omitempty"`
	Note       string `json:"note,omitempty"`
}

// FollowUpClosed says what was done about the feedback, and whether the
// customer was told: the loop is closed only for the customer if they were.
type FollowUpClosed struct {
	ActionTaken      string `json:"action_taken"`
	CustomerInformed bool   `json:"customer_informed"`
}

func (FollowUpOpened) EventName() string { return EventFollowUpOpened }
func (FollowUpClosed) EventName() string { return EventFollowUpClosed }

// FollowUp is the current state of one feedback item's follow-up.
type FollowUp struct {
	FeedbackID       string
	TouchpointID     string
	AssigneeID       string
	Note             string
	Closed           bool
	ActionTaken      string
	CustomerInformed bool
}

func (f *FollowUp) apply(ev Payload) {
	switch e := ev.(type) {
	case FollowUpOpened:
		f.TouchpointID, f.AssigneeID, f.Note = e.TouchpointID, e.AssigneeID, e.Note
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
}

// Decide opens one follow-up per feedback item, only for feedback that was
// logged, assigned (if at all) to a person who has not left.
func (c OpenFollowUp) Decide(s *State) (Decision, error) {
	var v checks
	v.id("feedback_id", c.FeedbackID)
	v.optionalID("assignee_id", c.AssigneeID)
	v.optionalText("note", c.Note)
	if err := v.err(); err != nil {
		return Decision{}, err
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
