package projections

import (
	"cmp"
	"io"
	"maps"
	"slices"
	"time"

	"cxtracker/events"
)

// savedFeedback is the feedback model as a checkpoint holds it: its
// aggregates only. The items are in the item store, which is a projection
// of its own; LastSeq says up to where the store must hold them, and a
// store found behind it on loading is brought up from the log before the
// tail is replayed (see catchUpFrom).
type savedFeedback struct {
	Places    []savedPlace
	All       events.Summary
	Weeks     []savedPeriod
	Months    []savedPeriod
	Days      []savedDay
	FollowUps map[string]bool
	// AccountItems and AccountClosed count each account's items and
	// closed follow-ups; OpenAccounts is the account of each open
	// follow-up whose item names one, which counts the open ones (see
	// accountTallies).
	AccountItems  map[string]int
	AccountClosed map[string]int
	OpenAccounts  map[string]string
	LastSeq       uint64
}

type savedPlace struct {
	TouchpointID, JourneyID, StageID string
}

// savedPeriod is one cell of a periodTable.
type savedPeriod struct {
	Start        time.Time
	TouchpointID string
	Sum          events.Summary
}

// savedDay is one cell of feedbackDays.
type savedDay struct {
	TouchpointID     string
	Occurred, Stored int32
	Segment          string
	Sum              events.Summary
}

// SaveCheckpoint implements Checkpointed. Every list is sorted, so that
// the same state saves the same bytes.
func (m *Feedback) SaveCheckpoint(w io.Writer) error {
	m.settle()
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.counts.Lock()
	defer m.counts.Unlock()
	s := savedFeedback{All: m.all, Weeks: m.weeks.saved(), Months: m.months.saved(), FollowUps: m.followUps, LastSeq: m.lastSeq,
		AccountItems: m.byAccount.items, AccountClosed: m.byAccount.closed, OpenAccounts: m.byAccount.openOf}
	for _, id := range slices.Sorted(maps.Keys(m.places)) {
		p := m.places[id]
		s.Places = append(s.Places, savedPlace{TouchpointID: id, JourneyID: p.journeyID, StageID: p.stageID})
	}
	for k, sum := range m.days {
		s.Days = append(s.Days, savedDay{TouchpointID: k.touchpointID, Occurred: k.occurred, Stored: k.stored, Segment: k.segment, Sum: sum})
	}
	slices.SortFunc(s.Days, func(a, b savedDay) int {
		return cmp.Or(cmp.Compare(a.TouchpointID, b.TouchpointID), cmp.Compare(a.Occurred, b.Occurred), cmp.Compare(a.Stored, b.Stored), cmp.Compare(a.Segment, b.Segment))
	})
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed. The item store is not read: a
// store behind the checkpoint is brought up by the projector (catchUpFrom).
func (m *Feedback) LoadCheckpoint(r io.Reader) error {
	var s savedFeedback
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts.Lock()
	defer m.counts.Unlock()
	m.known.reset()
	for _, p := range s.Places {
		m.places[p.TouchpointID] = feedbackPlace{journeyID: p.JourneyID, stageID: p.StageID}
	}
	m.all, m.lastSeq = s.All, s.LastSeq
	m.weeks.load(s.Weeks)
	m.months.load(s.Months)
	for _, d := range s.Days {
		m.days[dayCell{touchpointID: d.TouchpointID, occurred: d.Occurred, stored: d.Stored, segment: d.Segment}] = d.Sum
	}
	keepMap(&m.followUps, s.FollowUps)
	m.open = 0
	for _, open := range m.followUps {
		if open {
			m.open++
		}
	}
	m.byAccount = newAccountTallies()
	keepMap(&m.byAccount.items, s.AccountItems)
	keepMap(&m.byAccount.closed, s.AccountClosed)
	keepMap(&m.byAccount.openOf, s.OpenAccounts)
	for _, account := range m.byAccount.openOf {
		m.byAccount.open[account]++
	}
	return nil
}

func (t periodTable) saved() []savedPeriod {
	var out []savedPeriod
	for start, row := range t {
		for tp, sum := range row {
			out = append(out, savedPeriod{Start: start, TouchpointID: tp, Sum: *sum})
		}
	}
	slices.SortFunc(out, func(a, b savedPeriod) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.TouchpointID, b.TouchpointID))
	})
	return out
}

func (t periodTable) load(cells []savedPeriod) {
	for _, c := range cells {
		row := t[c.Start]
		if row == nil {
			row = map[string]*events.Summary{}
			t[c.Start] = row
		}
		sum := c.Sum
		row[c.TouchpointID] = &sum
	}
}

// catchUpFrom is the sequence after which the item store must take in the
// log again to hold what the checkpoint the model was restored from says
// it holds (LastSeq), and false when the store holds it already. A store
// that is missing, started afresh or lost its last transactions is behind.
func (m *Feedback) catchUpFrom() (uint64, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.store == nil {
		return 0, false
	}
	applied := m.store.Applied()
	return applied, applied < m.lastSeq
}

// catchUp writes one record of the log before the checkpoint into the item
// store only: the aggregates hold it already. A touchpoint's place is
// known from the checkpoint (a touchpoint keeps its stage), and the
// store's own follow-up state says whether a follow-up opens or closes.
func (m *Feedback) catchUp(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := p.(type) {
	case events.FeedbackLogged:
		return m.store.logItemLater(rec.Seq, rec.Stored, m.item(rec, e), func(FeedbackItem, bool) {})
	case events.FollowUpOpened:
		return m.storeOpen(rec, e)
	case events.FollowUpClosed:
		id, err := aggregateID(rec)
		if err != nil {
			return err
		}
		return m.storeClose(rec, id, e)
	}
	return nil
}
