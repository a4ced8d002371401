package events

import (
	"errors"
	"fmt"
	"strings"
)

// CodeQuarantined means the command's aggregate has a record in its history
// that could not be applied (it did not decode, or a read model refused
// it): deciding on the rest of its history could break a rule the missing
// record holds, so the aggregate takes no command until it is repaired
// (HTTP 409).
const CodeQuarantined = "quarantined"

// quarantined is the first record of an aggregate's history that was not
// applied, and why.
type quarantined struct {
	seq    uint64
	reason string
}

// quarantine marks agg's history as holding the record at seq, which could
// not be applied for err. The first such record is the one named; a later
// word on the same record (the projector's own reason) replaces the first.
func (s *State) quarantine(agg Aggregate, seq uint64, err error) {
	if q, ok := s.quarantined[agg]; !ok || q.seq == seq {
		s.quarantined[agg] = quarantined{seq: seq, reason: err.Error()}
	}
}

// quarantinedFor is the rejection of a command that Decide refused with
// err, when err says an entity does not exist and the entity's history
// holds a quarantined record (its first event, most likely): the entity
// may well exist, but its history cannot be read. Otherwise it is nil.
func (s *State) quarantinedFor(err error) *Error {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeNotFound || e.id == "" {
		return nil
	}
	for agg := range s.quarantined {
		if agg.ID == e.id {
			return s.Quarantined(agg)
		}
	}
	return nil
}

// Quarantined is the rejection of a command on agg when its history holds a
// quarantined record, nil otherwise.
func (s *State) Quarantined(agg Aggregate) *Error {
	q, ok := s.quarantined[agg]
	if !ok {
		return nil
	}
	what := strings.ReplaceAll(agg.Kind, "_", " ")
	return &Error{Code: CodeQuarantined, Message: fmt.Sprintf("the history of %s %s holds seq %d, which is quarantined: %s", what, agg.ID, q.seq, q.reason)}
}

// Quarantine marks the aggregate of the record at seq on subject as holding
// a record that was stored but refused after it was applied (a read model
// failed on it), so that commands on it are refused like those on an
// aggregate with an undecodable record. A subject that names no aggregate
// changes nothing.
func (e *Engine) Quarantine(seq uint64, subject, reason string) {
	agg, _, perr := ParseSubject(subject)
	if perr != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state.quarantine(agg, seq, errors.New(reason))
}
