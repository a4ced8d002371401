package events

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// KindFeedback is the aggregate of the feedback logged at one touchpoint: its
// id is the touchpoint's, so subjects are cx.feedback.<touchpoint_id>.
// feedback_logged and grow with touchpoints, never with feedback volume (the
// server keeps state per subject). Each item carries its own feedback_id.
// No rule of the partition can reject an item (a feedback item is a fact
// about the customer, not a change of the partition), so items are appended
// without an expected sequence and high-volume touchpoints do not contend.
// For the same reason the aggregate version on these events is the writer's
// view and may repeat under concurrent writers; the State counts the events
// it applies.
const KindFeedback = "feedback"

// feedbackEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var feedbackEvents = []EventType{
	def[FeedbackLogged](KindFeedback, 2, upcastFeedbackLoggedV1),
}

// EventFeedbackLogged is the name of the feedback partition's one event.
const EventFeedbackLogged = "feedback_logged"

// Sources of feedback the program names; others may be written as
// lower-case words.
const (
	SourceSurvey     = "survey"
	SourceCallCentre = "call_centre"
	SourceAmbassador = "ambassador"
)

// FeedbackLogged is one piece of customer feedback at a touchpoint, at
// schema version 2: version 1 had no source (see upcastFeedbackLoggedV1).
// OccurredAt is when the customer gave it, when known; otherwise the event's
// time stands for it.
type FeedbackLogged struct {
	FeedbackID   string    `json:"feedback_id"`
	TouchpointID string    `json:"touchpoint_id"`
	Metric       string    `json:"metric"`
	Score        int       `json:"score"`
	Comment      string    `json:"comment,omitempty"`
	Segment      string    `json:"segment,omitempty"`
	Source       string    `json:"source"`
	OccurredAt   time.Time `json:"occurred_at,omitzero"`
	// AccountID names the account the customer belongs to, when known.
	AccountID string `json:"account_id,omitempty"`
}

func (FeedbackLogged) EventName() string { return EventFeedbackLogged }

// FeedbackRef is what the write side keeps of each feedback item: enough to
// open a follow-up on it (see feedbackIndex).
type FeedbackRef struct {
	TouchpointID string
}

// FeedbackPartition is the feedback logged at one touchpoint so far.
type FeedbackPartition struct {
	TouchpointID string
	Summary      Summary
}

func (p *FeedbackPartition) apply(ev Payload) {
	if e, ok := ev.(FeedbackLogged); ok {
		_ = p.Summary.Add(e.Metric, e.Score) // A score off its scale was never logged, and counts for nothing.
	}
}

// applyFeedback applies a feedback item to its touchpoint's partition and
// remembers the item.
func (s *State) applyFeedback(touchpointID string, ev Payload) {
	created(s.partitions, touchpointID, func() *FeedbackPartition { return &FeedbackPartition{TouchpointID: touchpointID} }).apply(ev)
	if e, ok := ev.(FeedbackLogged); ok {
		s.feedback.put(e.FeedbackID, touchpointID)
	}
}

// Feedback is what is known of the feedback item with id, and false if it
// was never logged.
func (s *State) Feedback(id string) (FeedbackRef, bool) {
	tp, ok := s.feedback.get(id)
	return FeedbackRef{TouchpointID: tp}, ok
}

// FeedbackAt is the feedback logged at a touchpoint, and false if none was.
func (s *State) FeedbackAt(touchpointID string) (*FeedbackPartition, bool) {
	p, ok := s.partitions[touchpointID]
	return p, ok
}

// sourcePattern is a source's form: a lower-case snake_case word.
var sourcePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// LogFeedback logs one piece of customer feedback.
type LogFeedback struct {
	FeedbackID   string
	TouchpointID string
	Metric       string
	Score        int
	Comment      string
	Segment      string
	Source       string
	OccurredAt   time.Time
	AccountID    string
}

// Decide logs a score on its metric's scale at a touchpoint that exists and
// is not retired, under an id not used before.
func (c LogFeedback) Decide(s *State) (Decision, error) {
	var v checks
	v.id("feedback_id", c.FeedbackID)
	v.id("touchpoint_id", c.TouchpointID)
	v.checkScore(c.Metric, c.Score)
	v.optionalText("comment", c.Comment)
	if c.Segment != "" {
		v.name("segment", c.Segment)
	}
	if len(c.Source) > 40 || !sourcePattern.MatchString(c.Source) {
		v.fail("source", "must be a lower-case word such as %s, %s or %s", SourceSurvey, SourceCallCentre, SourceAmbassador)
	}
	s.checkAccount(&v, c.AccountID)
	s.checkAccountComment(&v, c.AccountID, c.Comment)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, err := s.liveTouchpoint(c.TouchpointID); err != nil {
		return Decision{}, err
	}
	if _, ok := s.feedback.get(c.FeedbackID); ok {
		return Decision{}, ruleForbids("feedback %q is already logged", c.FeedbackID)
	}
	return decide(Aggregate{KindFeedback, c.TouchpointID}, FeedbackLogged{
		FeedbackID: c.FeedbackID, TouchpointID: c.TouchpointID, Metric: c.Metric, Score: c.Score,
		Comment: c.Comment, Segment: c.Segment, Source: c.Source, OccurredAt: c.OccurredAt.UTC(),
		AccountID: c.AccountID,
	})
}

// MaxFeedbackBatch is the most items one LogFeedbackBatch may log: the most
// events the log takes in one atomic append.
const MaxFeedbackBatch = 1000

// LogFeedbackBatch logs many feedback items at one touchpoint in one
// decision, so that an import appends them together in one atomic append
// instead of one round trip per item.
type LogFeedbackBatch struct {
	TouchpointID string
	Items        []LogFeedback
}

// Decide logs every item by the rules of LogFeedback, or none: an item that
// breaks a rule rejects the batch, naming the item (items[i]) in the fields
// or the message, so that the caller can tell which one to drop.
func (c LogFeedbackBatch) Decide(s *State) (Decision, error) {
	switch {
	case len(c.Items) == 0:
		return Decision{}, invalidField("items", "needs at least one item")
	case len(c.Items) > MaxFeedbackBatch:
		return Decision{}, invalidField("items", fmt.Sprintf("holds %d items, at most %d", len(c.Items), MaxFeedbackBatch))
	}
	seen := make(map[string]bool, len(c.Items))
	evs := make([]Payload, 0, len(c.Items))
	for i, item := range c.Items {
		// The item's name is spelled only for an error: a batch that
		// passes (most do) formats nothing per item.
		at := func() string { return fmt.Sprintf("items[%d]", i) }
		if item.TouchpointID != c.TouchpointID {
			return Decision{}, invalidField(at()+".touchpoint_id", "must be the batch's touchpoint "+c.TouchpointID)
		}
		if seen[item.FeedbackID] {
			return Decision{}, ruleForbids("%s: feedback %q is twice in the batch", at(), item.FeedbackID)
		}
		seen[item.FeedbackID] = true
		d, err := item.Decide(s)
		if err != nil {
			return Decision{}, itemError(at(), err)
		}
		evs = append(evs, d.Events...)
	}
	return decide(Aggregate{KindFeedback, c.TouchpointID}, evs...)
}

// itemError says which item of a batch a rejection is about.
func itemError(at string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	out := &Error{Code: e.Code, Message: at + ": " + e.Message}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, FieldError{Field: at + "." + f.Field, Message: f.Message})
	}
	return out
}
