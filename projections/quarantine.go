package projections

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"cxtracker/events"
)

// The kinds of quarantined record.
const (
	// QuarantineUndecodable: the stored bytes are not an event of ours (bad
	// JSON, a bad envelope, data not matching its schema, or a subject that
	// does not match the envelope).
	QuarantineUndecodable = "undecodable"
	// QuarantineUnknownType: a well-formed event of a type or schema version
	// this build does not know, most likely written by a newer release.
	QuarantineUnknownType = "unknown_type"
	// QuarantineMissing: a sequence within the log's range that the server
	// cannot deliver (a gap, or a message damaged on disk).
	QuarantineMissing = "missing"
	// QuarantineRejected: an event that decoded but that a read model
	// returned an error for or panicked on.
	QuarantineRejected = "rejected"
)

// QuarantineKinds are every kind, so that each has a metric from zero.
var QuarantineKinds = []string{QuarantineUndecodable, QuarantineUnknownType, QuarantineMissing, QuarantineRejected}

// Quarantined is one record of the log that was skipped rather than applied.
type Quarantined struct {
	Seq     uint64 `json:"seq"`
	Subject string `json:"subject,omitempty"`
	// Type is the event's type, when its envelope could be read.
	Type   string `json:"type,omitempty"`
	Kind   string `json:"kind" enum:"undecodable,unknown_type,missing,rejected"`
	Reason string `json:"reason"`
	// Model is the read model that refused the event, for kind rejected.
	Model string `json:"model,omitempty"`
}

func (q Quarantined) String() string {
	s := fmt.Sprintf("seq %d", q.Seq)
	if q.Subject != "" {
		s += " (" + q.Subject + ")"
	}
	return s + " " + q.detail()
}

// detail is what is wrong with the record, and where.
func (q Quarantined) detail() string {
	s := q.Kind + ": " + q.Reason
	if q.Model != "" {
		s += " [read model " + q.Model + "]"
	}
	return s
}

// corrupt is q as the error that ends a strict replay.
func (q Quarantined) corrupt() error {
	return &events.CorruptError{Seq: q.Seq, Subject: q.Subject, Err: errors.New(q.detail())}
}

// Error makes a Quarantined usable where an error is wanted.
func (q Quarantined) Error() string { return q.String() }

// Inspect is the one step that decides whether a stored record can be
// applied: it answers the record's payload, decoded and upcast, or why the
// record is to be quarantined. Every replay of the log goes through it (see
// applyRecord), so that they all judge records alike.
func Inspect(rec events.Record) (events.Payload, *Quarantined) {
	p, kind, why := inspect(rec)
	if kind == "" {
		return p, nil
	}
	return nil, &Quarantined{Seq: rec.Seq, Subject: rec.Subject, Type: rec.Event.Type, Kind: kind, Reason: why}
}

// inspect is Inspect's judgement: the payload, or the kind of quarantine
// and why. The Quarantined is made only for a record that is quarantined,
// not for each of the many a replay applies.
func inspect(rec events.Record) (p events.Payload, kind, why string) {
	if rec.Damage != nil {
		if errors.Is(rec.Damage, events.ErrMissing) {
			return nil, QuarantineMissing, reason(rec.Damage)
		}
		return nil, QuarantineUndecodable, reason(rec.Damage)
	}
	if rec.Subject != "" {
		agg, _, err := events.ParseSubject(rec.Subject)
		if err != nil {
			return nil, QuarantineUndecodable, err.Error()
		}
		if !agg.Is(rec.Event.Subject) || rec.Event.Kind() != agg.Kind {
			return nil, QuarantineUndecodable, fmt.Sprintf("the event %s about %q was stored on subject %s", rec.Event.Type, rec.Event.Subject, rec.Subject)
		}
	}
	if _, known := events.LookupEventType(rec.Event.Type); !known {
		return nil, QuarantineUnknownType, fmt.Sprintf("unknown event type %q, written by a newer version?", rec.Event.Type)
	}
	p, err := events.DecodePayload(rec.Event)
	if err != nil {
		if errors.Is(err, events.ErrUnknownType) {
			return nil, QuarantineUnknownType, reason(err)
		}
		return nil, QuarantineUndecodable, reason(err)
	}
	return p, "", ""
}

// reason is err's text without the sentinel prefix every decode error has.
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), events.ErrUndecodable.Error()+": ")
}

// quarantine is the projector's list of quarantined records, kept in
// sequence order. It keeps the first maxQuarantined in full and counts all.
type quarantine struct {
	list   []Quarantined
	counts map[string]uint64
}

// maxQuarantined bounds the list kept in memory: a log of nothing but
// damage must not grow the process without end; the counts go on.
const maxQuarantined = 10000

func (q *quarantine) add(x Quarantined) {
	if q.counts == nil {
		q.counts = map[string]uint64{}
	}
	q.counts[x.Kind]++
	if len(q.list) < maxQuarantined {
		q.list = append(q.list, x)
	}
}

// Quarantine lists the records skipped so far, by sequence.
func (p *Projector) Quarantine() []Quarantined {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]Quarantined(nil), p.quarantine.list...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// QuarantineCounts counts the records skipped so far, by kind.
func (p *Projector) QuarantineCounts() map[string]uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]uint64, len(QuarantineKinds))
	for _, k := range QuarantineKinds {
		out[k] = p.quarantine.counts[k]
	}
	return out
}
