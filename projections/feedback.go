package projections

import (
	"slices"
	"sort"
	"sync"
	"time"

	"cxtracker/events"
)

// Feedback is the read model of feedback items and their follow-ups, and of
// their trends. Items are kept ordered by feedback id, the order lists are
// paged in; trends are running aggregates per period and touchpoint, kept up
// to date on each event, so that no query scans the items to count them.
type Feedback struct {
	mu     sync.RWMutex
	items  []*FeedbackItem // ordered by id
	byID   map[string]*FeedbackItem
	places map[string]feedbackPlace // touchpoint id -> where it is
	all    events.Summary
	open   int
	weeks  periodTable
	months periodTable

	// atTouchpoint holds each touchpoint's items, ordered by id, so that a
	// list of one touchpoint walks its items only.
	atTouchpoint map[string][]*FeedbackItem
}

// Follow-up states of a feedback item, as the API filters them.
const (
	FollowUpNone   = "none"
	FollowUpOpen   = "open"
	FollowUpClosed = "closed"
)

// FeedbackItem is one feedback item as the API shows it. OccurredAt is when
// the customer gave it, or when it was logged if that is not known.
type FeedbackItem struct {
	ID           string        `json:"id"`
	TouchpointID string        `json:"touchpoint_id"`
	JourneyID    string        `json:"journey_id"`
	StageID      string        `json:"stage_id"`
	Metric       string        `json:"metric"`
	Score        int           `json:"score"`
	Comment      string        `json:"comment,omitempty"`
	Segment      string        `json:"segment,omitempty"`
	Source       string        `json:"source"`
	OccurredAt   time.Time     `json:"occurred_at"`
	LoggedAt     time.Time     `json:"logged_at"`
	FollowUp     *FollowUpView `json:"follow_up"`
}

// FollowUpView is the follow-up of a feedback item: open until closed with
// what was done and whether the customer was told.
type FollowUpView struct {
	Status           string     `json:"status"`
	AssigneeID       string     `json:"assignee_id,omitempty"`
	Note             string     `json:"note,omitempty"`
	OpenedAt         time.Time  `json:"opened_at"`
	ActionTaken      string     `json:"action_taken,omitempty"`
	CustomerInformed bool       `json:"customer_informed"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
}

// feedbackPlace is where a touchpoint stands: its journey and stage.
type feedbackPlace struct{ journeyID, stageID string }

// NewFeedback is an empty model.
func NewFeedback() *Feedback {
	return &Feedback{byID: map[string]*FeedbackItem{}, atTouchpoint: map[string][]*FeedbackItem{}, places: map[string]feedbackPlace{}, weeks: periodTable{}, months: periodTable{}}
}

// Name implements Model.
func (m *Feedback) Name() string { return "feedback" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it needs of a journey only the touchpoints feedback is logged
// at. A test (coverage_test.go) fails when a registered event type is
// neither handled nor listed here.
func (m *Feedback) Ignores() []string {
	return append(allKindsBut(events.KindFeedback, events.KindFollowUp, events.KindJourney),
		events.Type(events.KindJourney, events.EventJourneyMapped),
		events.Type(events.KindJourney, events.EventStageAdded),
		events.Type(events.KindJourney, events.EventStageMoved),
		events.Type(events.KindJourney, events.EventStageRenamed),
		events.Type(events.KindJourney, events.EventTouchpointOwnerChanged),
		events.Type(events.KindJourney, events.EventTouchpointRetired))
}

// Apply implements Model.
func (m *Feedback) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := p.(type) {
	case events.TouchpointAdded:
		id, err := aggregateID(rec)
		if err != nil {
			return err
		}
		m.places[e.TouchpointID] = feedbackPlace{journeyID: id, stageID: e.StageID}
	case events.FeedbackLogged:
		m.log(rec, e)
	case events.FollowUpOpened:
		if it := m.byID[e.FeedbackID]; it != nil && it.FollowUp == nil {
			it.FollowUp = &FollowUpView{Status: FollowUpOpen, AssigneeID: e.AssigneeID, Note: e.Note, OpenedAt: rec.Event.Time}
			m.open++
		}
	case events.FollowUpClosed:
		id, err := aggregateID(rec)
		if err != nil {
			return err
		}
		if it := m.byID[id]; it != nil && it.FollowUp != nil && it.FollowUp.Status == FollowUpOpen {
			at := rec.Event.Time
			f := it.FollowUp
			f.Status, f.ActionTaken, f.CustomerInformed, f.ClosedAt = FollowUpClosed, e.ActionTaken, e.CustomerInformed, &at
			m.open--
		}
	}
	return nil
}

// log adds one item in id order and counts it in every running aggregate.
func (m *Feedback) log(rec events.Record, e events.FeedbackLogged) {
	if _, ok := m.byID[e.FeedbackID]; ok {
		return
	}
	at := e.OccurredAt
	if at.IsZero() {
		at = rec.Event.Time
	}
	place := m.places[e.TouchpointID]
	it := &FeedbackItem{ID: e.FeedbackID, TouchpointID: e.TouchpointID, JourneyID: place.journeyID, StageID: place.stageID,
		Metric: e.Metric, Score: e.Score, Comment: e.Comment, Segment: e.Segment, Source: e.Source,
		OccurredAt: at.UTC(), LoggedAt: rec.Event.Time}
	m.byID[it.ID] = it
	m.items = insertByID(m.items, it)
	m.atTouchpoint[it.TouchpointID] = insertByID(m.atTouchpoint[it.TouchpointID], it)
	_ = m.all.Add(e.Metric, e.Score) // A score off its scale was never logged.
	m.weeks.add(isoWeekStart(it.OccurredAt), it.TouchpointID, e.Metric, e.Score)
	m.months.add(monthStart(it.OccurredAt), it.TouchpointID, e.Metric, e.Score)
}

// insertByID puts it into items, which are ordered by id, in its place.
// Ids are ULIDs made by the writers, so they mostly come in order; an id
// from a writer whose clock is behind is put in its place.
func insertByID(items []*FeedbackItem, it *FeedbackItem) []*FeedbackItem {
	if n := len(items); n == 0 || items[n-1].ID < it.ID {
		return append(items, it)
	}
	i := sort.Search(len(items), func(i int) bool { return items[i].ID > it.ID })
	return slices.Insert(items, i, it)
}

// Item is the feedback item with id.
func (m *Feedback) Item(id string) (FeedbackItem, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	it, ok := m.byID[id]
	if !ok {
		return FeedbackItem{}, false
	}
	return it.copy(), true
}

// Headline is the metrics of all the feedback logged.
func (m *Feedback) Headline() Metrics {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return MetricsOf(m.all)
}

// OpenFollowUps counts the follow-ups opened and not yet closed.
func (m *Feedback) OpenFollowUps() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.open
}

// copy is the item with its own copy of the follow-up.
func (it *FeedbackItem) copy() FeedbackItem {
	out := *it
	if it.FollowUp != nil {
		f := *it.FollowUp
		if f.ClosedAt != nil {
			at := *f.ClosedAt
			f.ClosedAt = &at
		}
		out.FollowUp = &f
	}
	return out
}

// followUpState is the item's follow-up state as the filter names it.
func (it *FeedbackItem) followUpState() string {
	if it.FollowUp == nil {
		return FollowUpNone
	}
	return it.FollowUp.Status
}
