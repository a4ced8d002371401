package events

import (
	"fmt"
	"time"
)

// Commit records d's events in s as the log would, without one: each is
// built as the Engine builds it, encoded as the store writes it, read back
// by ReadRecord at the next stream sequence with stored as its stored time,
// and applied. It answers the records. It is how tests, and any tool that
// needs a log in memory, get real records: events/eventtest's tape and this
// package's given/when/then tables both use it.
//
// Errors: *Error (the events cannot be built on this state), and any
// error of encoding, decoding or applying them.
func (s *State) Commit(d Decision, meta Meta, stored time.Time) ([]Record, error) {
	evs, _, err := s.Events(d, meta)
	if err != nil {
		return nil, err
	}
	recs := make([]Record, 0, len(evs))
	for _, ev := range evs {
		raw, err := ev.Encode()
		if err != nil {
			return nil, err
		}
		rec, err := ReadRecord(s.LastSeq()+1, d.Aggregate.Subject(ev.Name()), stored, raw)
		if err != nil {
			return nil, err
		}
		if err := s.Apply(rec); err != nil {
			return nil, fmt.Errorf("apply %s: %w", ev.Type, err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}
