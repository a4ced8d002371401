package projections

import (
	"sync"
	"time"

	"cxtracker/events"
)

// Feedback is the read model of feedback items and their follow-ups, and of
// their trends. The items themselves are on disk, in the item store (see
// itemStore), which lists them in id order, the order lists are paged in;
// memory holds only what grows with the program rather than with its
// feedback: the running aggregates of trends and the headline, kept up to
// date on each event so that no query scans the items to count them, the
// daily figures the council report reads (see feedbackDays), where each
// touchpoint stands, and the follow-ups, which are few.
type Feedback struct {
	mu     sync.RWMutex
	store  *itemStore
	places map[string]feedbackPlace // touchpoint id -> where it is
	// counts guards all, weeks and months, which count each item once:
	// the item store's writer goroutine adds an item there once it has
	// found its id new (see count).
	counts sync.Mutex
	all    events.Summary
	weeks  periodTable
	months periodTable
	days   feedbackDays
	// followUps holds each feedback item with a follow-up: true while it
	// is open.
	followUps map[string]bool
	open      int
	// byAccount counts what names each account (feedback_accounts.go).
	byAccount accountTallies
	// lastSeq is the sequence of the newest record that changed the item
	// store: a store whose applied sequence is behind it lacks records.
	lastSeq uint64
	// known keeps the sums of the windows the log has settled
	// (feedback_known.go).
	known knownSums
	// err is the item store's failure, which every list then answers.
	err error
	// counter is count, made once: a method value made for each item
	// would be one more allocation an item.
	counter func(it FeedbackItem, again bool)
}

// Follow-up states of a feedback item, as the API filters them.
const (
	FollowUpNone   = "none"
	FollowUpOpen   = "open"
	FollowUpClosed = "closed"
	// FollowUpDue lists the open follow-ups with a due time not yet
	// passed, FollowUpOverdue those past it (escalated or not), and
	// FollowUpEscalated those escalated (open or closed since).
	FollowUpDue       = "due"
	FollowUpOverdue   = "overdue"
	FollowUpEscalated = "escalated"
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
	AccountID    string        `json:"account_id,omitempty"`
	OccurredAt   time.Time     `json:"occurred_at"`
	LoggedAt     time.Time     `json:"logged_at"`
	FollowUp     *FollowUpView `json:"follow_up"`
}

// FollowUpView is the follow-up of a feedback item: open until closed with
// what was done and whether the customer was told.
type FollowUpView struct {
	Status           string     `json:"status"`
	AssigneeID       string     `json:"assignee_id,omitempty"`
	AssigneeName     string     `json:"assignee_name,omitempty"` // filled when read (Names)
	Note             string     `json:"note,omitempty"`
	OpenedAt         time.Time  `json:"opened_at"`
	ActionTaken      string     `json:"action_taken,omitempty"`
	CustomerInformed bool       `json:"customer_informed"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
	// RuleID is the rule that opened it, DueAt when it is due: past it,
	// an open follow-up is overdue, and is escalated once to the CX
	// manager (EscalatedTo; none named when the program had none).
	RuleID      string     `json:"rule_id,omitempty"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	Escalated   bool       `json:"escalated"`
	EscalatedTo string     `json:"escalated_to,omitempty"`
}

// feedbackPlace is where a touchpoint stands: its journey and stage.
type feedbackPlace struct{ journeyID, stageID string }

// NewFeedback is an empty model whose items are kept in memory: for
// replays that build a model and drop it (tests, `cxtracker replay`).
func NewFeedback() *Feedback {
	m, err := OpenFeedback("")
	if err != nil {
		// An SQLite database in memory opens unless memory is gone; the
		// model then answers the error on every read.
		return &Feedback{err: err, places: map[string]feedbackPlace{}, weeks: periodTable{}, months: periodTable{}, days: feedbackDays{}, followUps: map[string]bool{}, byAccount: newAccountTallies()}
	}
	return m
}

// OpenFeedback is the model with its items kept in dir (see ItemStoreFile),
// or in memory when dir is "". The store may hold items already, up to the
// sequence it reports (Applied): the model takes in only the records after
// it, and the running aggregates, which are in memory, from every record.
func OpenFeedback(dir string) (*Feedback, error) {
	store, err := openItemStore(dir)
	if err != nil {
		return nil, err
	}
	return &Feedback{store: store, places: map[string]feedbackPlace{}, weeks: periodTable{}, months: periodTable{}, days: feedbackDays{}, followUps: map[string]bool{}, byAccount: newAccountTallies()}, nil
}

// Close commits what the item store has taken in and closes it.
func (m *Feedback) Close() error {
	if m.store == nil {
		return nil
	}
	return m.store.Close()
}

// Name implements Model.
func (m *Feedback) Name() string { return "feedback" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it needs of a journey only the touchpoints feedback is logged
// at, and of an account only its erasure, which overwrites the comments of
// its items. A test (coverage_test.go) fails when a registered event type is
// neither handled nor listed here.
func (m *Feedback) Ignores() []string {
	return append(allKindsBut(events.KindFeedback, events.KindFollowUp, events.KindJourney, events.KindAccount),
		events.Type(events.KindAccount, events.EventAccountOpened),
		events.Type(events.KindAccount, events.EventAccountChanged),
		events.Type(events.KindJourney, events.EventJourneyMapped),
		events.Type(events.KindJourney, events.EventStageAdded),
		events.Type(events.KindJourney, events.EventStageMoved),
		events.Type(events.KindJourney, events.EventStageRenamed),
		events.Type(events.KindJourney, events.EventTouchpointOwnerChanged),
		events.Type(events.KindJourney, events.EventTouchpointRetired))
}

// Apply implements Model. After the item store failed, the model refuses
// the records of feedback and follow-ups with that failure (they are
// quarantined), and goes on with the others.
func (m *Feedback) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.known.took(rec.Stored)
	var err error
	switch e := p.(type) {
	case events.TouchpointAdded:
		id, idErr := aggregateID(rec)
		if idErr != nil {
			return idErr
		}
		m.places[e.TouchpointID] = feedbackPlace{journeyID: id, stageID: e.StageID}
		return nil
	case events.FeedbackLogged:
		err = m.err
		if err == nil {
			err = m.log(rec, e)
		}
	case events.FollowUpOpened:
		err = m.err
		if err == nil {
			err = m.openFollowUp(rec, e)
		}
	case events.AccountErased:
		err = m.err
		if err == nil {
			err = m.store.eraseLater(rec.Seq, e.AccountID)
			m.lastSeq = rec.Seq
		}
	case events.FollowUpClosed:
		id, idErr := aggregateID(rec)
		if idErr != nil {
			return idErr
		}
		err = m.err
		if err == nil {
			err = m.closeFollowUp(rec, id, e)
		}
	case events.FollowUpEscalated:
		id, idErr := aggregateID(rec)
		if idErr != nil {
			return idErr
		}
		err = m.err
		if _, had := m.followUps[id]; err == nil && had {
			// The store marks it only while it is open.
			m.lastSeq = rec.Seq
			err = m.store.writeLater(rec.Seq, func(st itemStmts) error {
				_, err := st.escalate.Exec(e.EscalatedTo, id)
				return err
			})
		}
	}
	if err != nil {
		m.err = err
	}
	return err
}

// item is the item a FeedbackLogged record logs, at its touchpoint's
// place.
func (m *Feedback) item(rec events.Record, e events.FeedbackLogged) FeedbackItem {
	at := e.OccurredAt
	if at.IsZero() {
		at = rec.Event.Time
	}
	place := m.places[e.TouchpointID]
	return FeedbackItem{ID: e.FeedbackID, TouchpointID: e.TouchpointID, JourneyID: place.journeyID, StageID: place.stageID,
		Metric: e.Metric, Score: e.Score, Comment: e.Comment, Segment: e.Segment, Source: e.Source, AccountID: e.AccountID,
		OccurredAt: at.UTC(), LoggedAt: rec.Event.Time}
}

// log stores one item and counts it in every running aggregate. An id
// logged before (which the write side refuses, but a log may hold) is kept
// once, with its first event, and counted once in the trends and the
// headline; the council report counts every event, as a replay does. The
// item goes to the store's writer goroutine, which tells count whether
// its id is new: the projector does not wait for the store, and reads
// wait for it (see itemStore.settle).
func (m *Feedback) log(rec events.Record, e events.FeedbackLogged) error {
	it := m.item(rec, e)
	if m.counter == nil {
		m.counter = m.count
	}
	if err := m.store.logItemLater(rec.Seq, rec.Stored, it, m.counter); err != nil {
		return err
	}
	m.lastSeq = rec.Seq
	if _, known := m.places[e.TouchpointID]; known {
		m.days.add(e.TouchpointID, it.OccurredAt, rec.Stored, e.Segment, e.Metric, e.Score)
	}
	return nil
}

// count counts a stored item in the headline and the trends, unless its
// id was logged before.
func (m *Feedback) count(it FeedbackItem, again bool) {
	if again {
		return
	}
	m.counts.Lock()
	defer m.counts.Unlock()
	_ = m.all.Add(it.Metric, it.Score) // A score off its scale was never logged.
	m.weeks.add(isoWeekStart(it.OccurredAt), it.TouchpointID, it.Metric, it.Score)
	m.months.add(monthStart(it.OccurredAt), it.TouchpointID, it.Metric, it.Score)
	m.byAccount.logged(it.AccountID)
}

// settle waits until the item store has written every record the model
// has taken in, and counted them: what a read must see.
func (m *Feedback) settle() {
	if m.store != nil {
		m.store.settle()
	}
}

// openFollowUp opens the follow-up of a logged item that has none yet.
func (m *Feedback) openFollowUp(rec events.Record, e events.FollowUpOpened) error {
	if _, had := m.followUps[e.FeedbackID]; had {
		return nil
	}
	account, logged, err := m.store.accountOf(e.FeedbackID)
	if err != nil || !logged {
		return err
	}
	m.followUps[e.FeedbackID] = true
	m.open++
	m.byAccount.followUpOpened(e.FeedbackID, account)
	m.lastSeq = rec.Seq
	return m.storeOpen(rec, e)
}

// closeFollowUp closes an open follow-up.
func (m *Feedback) closeFollowUp(rec events.Record, id string, e events.FollowUpClosed) error {
	if !m.followUps[id] {
		return nil
	}
	m.followUps[id] = false
	m.open--
	m.byAccount.followUpClosed(id)
	m.lastSeq = rec.Seq
	return m.storeClose(rec, id, e)
}

// storeOpen writes an opened follow-up into the item store, unless the
// item has had one.
func (m *Feedback) storeOpen(rec events.Record, e events.FollowUpOpened) error {
	opened, err := rec.Event.Time.MarshalText()
	if err != nil {
		return err
	}
	return m.store.writeLater(rec.Seq, func(st itemStmts) error {
		var due int64
		if !e.DueAt.IsZero() {
			due = dueKey(e.DueAt)
		}
		_, err := st.open.Exec(e.AssigneeID, e.Note, string(opened), e.RuleID, due, e.FeedbackID)
		return err
	})
}

// storeClose writes a closed follow-up into the item store, if it is open
// there.
func (m *Feedback) storeClose(rec events.Record, id string, e events.FollowUpClosed) error {
	closed, err := rec.Event.Time.MarshalText()
	if err != nil {
		return err
	}
	return m.store.writeLater(rec.Seq, func(st itemStmts) error {
		_, err := st.close.Exec(e.ActionTaken, e.CustomerInformed, string(closed), id)
		return err
	})
}

// Item is the feedback item with id; false when there is none, or when the
// item store cannot be read.
func (m *Feedback) Item(id string) (FeedbackItem, bool) {
	if m.store == nil {
		return FeedbackItem{}, false
	}
	it, ok, err := m.store.item(id)
	return it, ok && err == nil
}

// Err is the item store's failure, nil while it works: the model then
// takes in no more records.
func (m *Feedback) Err() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.err == nil && m.store != nil {
		return m.store.failure()
	}
	return m.err
}

// Headline is the metrics of all the feedback logged.
func (m *Feedback) Headline() Metrics {
	m.settle()
	m.counts.Lock()
	defer m.counts.Unlock()
	return MetricsOf(m.all)
}

// OpenFollowUps counts the follow-ups opened and not yet closed.
func (m *Feedback) OpenFollowUps() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.open
}
