package projections

import (
	"cmp"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"cxtracker/events"
)

// ReportHistory keeps what the council report needs of the log besides the
// feedback, so that a report for any period is built without replaying the
// log (see CouncilReportOf). It grows with the program, never with its
// feedback:
//
//   - every record that is not a feedback item's or a follow-up's (people,
//     crews, initiatives, journeys, KPIs...), as stored;
//   - each follow-up's sequences and business times of opening and closing;
//   - the log's digest, chained over every record, and kept at every
//     markEvery-th sequence and at the last record of each day (UTC) the
//     log stored, so that the digest at any sequence is a short read away;
//   - the last sequence of each day the log stored.
type ReportHistory struct {
	mu      sync.RWMutex
	records []keptRecord
	follow  map[string]followSeqs
	digest  events.Digest
	stored  time.Time // when the log stored the record at digest.Seq
	marks   []events.Digest
	dayEnds []dayEnd
	// gap is the first sequence the model did not see (a record that did
	// not decode): digests from there on are not the log's, and a report
	// reaching it is built by a replay.
	gap uint64
}

// keptRecord is one record as the log stored it.
type keptRecord struct {
	Seq     uint64
	Subject string
	Stored  time.Time
	Raw     []byte
}

// followSeqs are the sequences at which a follow-up opened and closed (0:
// not yet), and when each happened (the events' business time).
type followSeqs struct {
	Open, Close     uint64
	OpenAt, CloseAt time.Time
}

// openAt says whether the follow-up is open at sequence seq as of the
// business time to: opened, and not closed, by events up to seq that
// happened before to.
func (f followSeqs) openAt(seq uint64, to time.Time) bool {
	opened := f.Open != 0 && f.Open <= seq && f.OpenAt.Before(to)
	closed := f.Close != 0 && f.Close <= seq && f.CloseAt.Before(to)
	return opened && !closed
}

// dayEnd is the last sequence the log stored on a day (days since
// 1970-01-01, UTC).
type dayEnd struct {
	Day int32
	Seq uint64
}

// markEvery is how many sequences apart the digest is kept.
const markEvery = 4096

// NewReportHistory is an empty model.
func NewReportHistory() *ReportHistory {
	return &ReportHistory{follow: map[string]followSeqs{}}
}

// Name implements Model.
func (m *ReportHistory) Name() string { return "reporthistory" }

// lastStored is when the log stored the last record the model took in.
func (m *ReportHistory) lastStored() time.Time {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.stored
}

// Ignores implements the coverage test's contract: the model takes in every
// record (its digest chains them all).
func (m *ReportHistory) Ignores() []string { return nil }

// Apply implements Model, chaining the digest itself; a replay calls
// ApplyChained instead.
func (m *ReportHistory) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.apply(rec, p, m.digest.Next(rec))
}

// ApplyChained is Apply given the log's digest after rec, which the
// replay has chained already.
func (m *ReportHistory) ApplyChained(rec events.Record, p events.Payload, after events.Digest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.apply(rec, p, after)
}

// apply takes rec in, after being the digest after it; m.mu is held.
func (m *ReportHistory) apply(rec events.Record, p events.Payload, after events.Digest) error {
	if m.gap == 0 && rec.Seq != m.digest.Seq+1 {
		m.gap = m.digest.Seq + 1
	}
	if m.digest.Seq > 0 && dayOf(rec.Stored) > dayOf(m.stored) {
		m.dayEnds = append(m.dayEnds, dayEnd{Day: dayOf(m.stored), Seq: m.digest.Seq})
		m.mark(m.digest)
	}
	m.digest, m.stored = after, rec.Stored
	if rec.Seq%markEvery == 0 {
		m.mark(m.digest)
	}
	switch e := p.(type) {
	case events.FeedbackLogged:
	case events.FollowUpOpened:
		if f := m.follow[e.FeedbackID]; f.Open == 0 {
			m.follow[e.FeedbackID] = followSeqs{Open: rec.Seq, OpenAt: rec.Event.Time.UTC()}
		}
	case events.FollowUpClosed:
		id, err := aggregateID(rec)
		if err != nil {
			return err
		}
		if f, ok := m.follow[id]; ok && f.Close == 0 {
			f.Close, f.CloseAt = rec.Seq, rec.Event.Time.UTC()
			m.follow[id] = f
		}
	default:
		m.records = append(m.records, keptRecord{Seq: rec.Seq, Subject: rec.Subject, Stored: rec.Stored, Raw: rec.Raw})
	}
	return nil
}

func (m *ReportHistory) mark(d events.Digest) {
	if n := len(m.marks); n == 0 || m.marks[n-1].Seq < d.Seq {
		m.marks = append(m.marks, d)
	}
}

// historyCut is what a report takes from the model, at the sequence
// before (the last record stored before a day) and up to the report's
// last sequence.
type historyCut struct {
	records []keptRecord // up to before
	open    []string     // follow-ups open at before, as of the period's end
	before  uint64
	from    events.Digest // the newest digest kept at or before before
	gap     uint64
}

// cut is the model's part of a report for a period ending at to (business
// time) whose last sequence is last and whose last recorded day (UTC) is
// day: before is the last sequence the log stored before that day (at most
// last).
func (m *ReportHistory) cut(last uint64, day int32, to time.Time) historyCut {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := historyCut{before: last, gap: m.gap}
	if m.digest.Seq > 0 && dayOf(m.stored) >= day {
		i, _ := slices.BinarySearchFunc(m.dayEnds, day, func(e dayEnd, d int32) int { return int(e.Day) - int(d) })
		c.before = 0
		if i > 0 {
			c.before = min(m.dayEnds[i-1].Seq, last)
		}
	}
	n, _ := slices.BinarySearchFunc(m.records, c.before+1, func(r keptRecord, seq uint64) int { return cmp.Compare(r.Seq, seq) })
	c.records = m.records[:n:n]
	for id, f := range m.follow {
		if f.openAt(c.before, to) {
			c.open = append(c.open, id)
		}
	}
	if m.digest.Seq <= c.before {
		c.from = m.digest
	} else if i, _ := slices.BinarySearchFunc(m.marks, c.before+1, func(d events.Digest, seq uint64) int { return cmp.Compare(d.Seq, seq) }); i > 0 {
		c.from = m.marks[i-1]
	}
	return c
}

// savedHistory is the model as a checkpoint holds it.
type savedHistory struct {
	Records []keptRecord
	Follow  map[string]followSeqs
	Seq     uint64
	Digest  string
	Stored  time.Time
	Marks   []savedMark
	DayEnds []dayEnd
	Gap     uint64
}

type savedMark struct {
	Seq    uint64
	Digest string
}

// SaveCheckpoint implements Checkpointed.
func (m *ReportHistory) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := savedHistory{Records: m.records, Follow: m.follow, Seq: m.digest.Seq, Digest: m.digest.Hex(), Stored: m.stored, DayEnds: m.dayEnds, Gap: m.gap}
	for _, d := range m.marks {
		s.Marks = append(s.Marks, savedMark{Seq: d.Seq, Digest: d.Hex()})
	}
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed.
func (m *ReportHistory) LoadCheckpoint(r io.Reader) error {
	var s savedHistory
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	d, err := digestOf(s.Seq, s.Digest)
	if err != nil {
		return err
	}
	marks := make([]events.Digest, 0, len(s.Marks))
	for _, mk := range s.Marks {
		md, err := digestOf(mk.Seq, mk.Digest)
		if err != nil {
			return err
		}
		marks = append(marks, md)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records, m.digest, m.stored, m.marks, m.dayEnds, m.gap = s.Records, d, s.Stored, marks, s.DayEnds, s.Gap
	if s.Follow != nil {
		m.follow = maps.Clone(s.Follow)
	}
	return nil
}
