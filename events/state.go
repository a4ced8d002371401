package events

import (
	"fmt"
	"strings"
	"time"
)

// Command is a request to change the program. Decide checks the request
// against the current state, its own aggregate's and any other it has rules
// about, and returns the events to record, or a rejection as an *Error. It
// only reads s, so deciding again after catching up is always safe.
type Command interface {
	Decide(s *State) (Decision, error)
}

// Decision is what a command decided: the events to record, in order, on one
// aggregate (an append is atomic per aggregate). No events means the command
// asked for what already holds, which is accepted and writes nothing.
type Decision struct {
	Aggregate Aggregate
	Events    []Payload
}

// decide is the Decision of events on agg.
func decide(agg Aggregate, evs ...Payload) (Decision, error) {
	return Decision{Aggregate: agg, Events: evs}, nil
}

// Stream is where an aggregate stands in the log: the stream sequence of its
// newest event (what the next append expects) and its version, the number of
// its events (what clients see as ETag), and the latest business time of
// its events (see business_time.go), which a new event's may not precede.
type Stream struct {
	Seq      uint64
	Version  uint64
	Occurred time.Time `json:",omitzero"`
}

// State is the write side's current picture of every aggregate, rebuilt from
// the log by Apply. Commands are decided against it. It is not safe for
// concurrent use; the Engine guards it. Its accessors (Person, Crew,
// Initiative...) return the State's own values, to read and not to change:
// only Apply changes the State, so that it never holds what the log does not.
type State struct {
	lastSeq uint64
	streams map[Aggregate]Stream

	people      map[string]*Person
	emails      map[string]string // e-mail address -> person id
	program     Program
	council     Council
	crews       map[string]*Crew
	initiatives map[string]*Initiative
	journeys    map[string]*Journey
	stages      map[string]string // stage id -> journey id
	touchpoints map[string]string // touchpoint id -> journey id
	feedback    feedbackIndex
	partitions  map[string]*FeedbackPartition
	followUps   map[string]*FollowUp
	kpis        map[string]*KPI
	plans       map[string]*ActionPlan
	tokens      map[string]*Token
	accounts    map[string]*Account
	webhooks    map[string]*Webhook

	// followUpRules are the follow-up rules (followuprule.go).
	followUpRules map[string]*FollowUpRule

	// quarantined holds, for each aggregate whose history holds a record
	// that could not be applied, the first such record: commands on it are
	// refused, since they would be decided on a history with a hole.
	quarantined map[Aggregate]quarantined
}

// NewState is the state of an empty log.
func NewState() *State {
	return &State{
		streams:     map[Aggregate]Stream{},
		people:      map[string]*Person{},
		emails:      map[string]string{},
		program:     newProgram(),
		council:     newCouncil(),
		crews:       map[string]*Crew{},
		initiatives: map[string]*Initiative{},
		journeys:    map[string]*Journey{},
		stages:      map[string]string{},
		touchpoints: map[string]string{},
		feedback:    newFeedbackIndex(0),
		partitions:  map[string]*FeedbackPartition{},
		followUps:   map[string]*FollowUp{},
		kpis:        map[string]*KPI{},
		plans:       map[string]*ActionPlan{},
		tokens:      map[string]*Token{},
		accounts:    map[string]*Account{},
		webhooks:    map[string]*Webhook{},

		followUpRules: map[string]*FollowUpRule{},

		quarantined: map[Aggregate]quarantined{},
	}
}

// LastSeq is the stream sequence of the newest record applied.
func (s *State) LastSeq() uint64 { return s.lastSeq }

// Stream is where agg stands in the log; the zero Stream if it has no events.
func (s *State) Stream(agg Aggregate) Stream { return s.streams[agg] }

// Apply brings the state up to date with one stored record. A record at or
// before LastSeq was applied already and is skipped, so a follower may
// resume from an earlier point. An event that cannot be decoded still moves
// the positions on, so that waiting for its sequence ends, and is reported
// as an error: the caller decides whether to stop.
//
// Errors: ErrUndecodable.
func (s *State) Apply(rec Record) error { return s.ApplyDecoded(rec, nil) }

// ApplyDecoded is Apply for a record whose payload the caller has decoded
// (and upcast) already, as the projector does once for every model; a nil
// payload is decoded here.
//
// Errors: ErrUndecodable.
func (s *State) ApplyDecoded(rec Record, p Payload) error {
	if rec.Seq != 0 && rec.Seq <= s.lastSeq {
		return nil
	}
	s.lastSeq = max(s.lastSeq, rec.Seq)
	if rec.Damage != nil && rec.Subject == "" {
		// A sequence the log could not deliver names no aggregate.
		return fmt.Errorf("seq %d: %w", rec.Seq, rec.Damage)
	}
	agg, err := recordAggregate(rec)
	if err != nil {
		return err
	}
	// The positions move on even for a record that is not applied, so that
	// the next append's expected sequence is the one the log holds.
	st := s.streams[agg]
	st.Seq = rec.Seq
	st.Version++
	if rec.Damage == nil && rec.Event.Time.After(st.Occurred) {
		st.Occurred = rec.Event.Time
	}
	s.streams[agg] = st
	if err := s.applyTo(agg, rec, p); err != nil {
		s.quarantine(agg, rec.Seq, err)
		return err
	}
	return nil
}

// applyTo decodes rec (unless p is given) and applies it to agg.
func (s *State) applyTo(agg Aggregate, rec Record, p Payload) error {
	if rec.Damage != nil {
		return fmt.Errorf("seq %d: %w", rec.Seq, rec.Damage)
	}
	if k := rec.Event.Kind(); k != agg.Kind {
		return fmt.Errorf("%w: seq %d: event type %q on a %s subject", ErrUndecodable, rec.Seq, rec.Event.Type, agg.Kind)
	}
	if p == nil {
		var err error
		if p, err = DecodePayload(rec.Event); err != nil {
			return fmt.Errorf("seq %d: %w", rec.Seq, err)
		}
	}
	s.apply(agg, p)
	return nil
}

// recordAggregate is the aggregate a record belongs to, from its NATS subject
// or, for a record built without one, from the event's CloudEvents subject.
func recordAggregate(rec Record) (Aggregate, error) {
	if rec.Subject != "" {
		agg, _, err := ParseSubject(rec.Subject)
		if err != nil {
			return Aggregate{}, fmt.Errorf("%w: seq %d: %v", ErrUndecodable, rec.Seq, err)
		}
		return agg, nil
	}
	kind, id, ok := strings.Cut(rec.Event.Subject, "/")
	agg := Aggregate{Kind: kind, ID: id}
	if !ok || agg.Validate() != nil {
		return Aggregate{}, fmt.Errorf("%w: seq %d: subject %q is not <kind>/<id>", ErrUndecodable, rec.Seq, rec.Event.Subject)
	}
	return agg, nil
}

// apply hands the event to its aggregate's apply, creating the aggregate on
// its first event, and keeps the cross-aggregate indexes. It never fails.
func (s *State) apply(agg Aggregate, p Payload) {
	id := agg.ID
	switch agg.Kind {
	case KindPerson:
		s.applyPerson(id, p)
	case KindProgram:
		s.program.apply(p)
	case KindCouncil:
		s.council.apply(p)
	case KindCrew:
		created(s.crews, id, func() *Crew { return &Crew{ID: id, Members: map[string]string{}} }).apply(p)
	case KindInitiative:
		created(s.initiatives, id, func() *Initiative { return &Initiative{ID: id, Votes: map[string]Vote{}} }).apply(p)
	case KindJourney:
		s.applyJourney(id, p)
	case KindFeedback:
		s.applyFeedback(id, p)
	case KindFollowUp:
		created(s.followUps, id, func() *FollowUp { return &FollowUp{FeedbackID: id} }).apply(p)
	case KindFollowUpRule:
		created(s.followUpRules, id, func() *FollowUpRule { return &FollowUpRule{ID: id} }).apply(p)
	case KindKPI:
		created(s.kpis, id, func() *KPI { return &KPI{ID: id} }).apply(p)
	case KindToken:
		created(s.tokens, id, func() *Token { return &Token{ID: id} }).apply(p)
	case KindActionPlan:
		created(s.plans, id, func() *ActionPlan { return &ActionPlan{ID: id} }).apply(p)
	case KindAccount:
		created(s.accounts, id, func() *Account { return &Account{ID: id} }).apply(p)
	case KindWebhook:
		// The aggregate's latest business time is this event's: a webhook's
		// events are written in business-time order (business_time.go).
		created(s.webhooks, id, func() *Webhook { return &Webhook{ID: id} }).apply(p, s.streams[agg].Occurred)
	}
}

// created is the aggregate with id in m, made by fresh and kept in m on the
// aggregate's first event, so that every event after the first finds it.
func created[T any](m map[string]*T, id string, fresh func() *T) *T {
	x := m[id]
	if x == nil {
		x = fresh()
		m[id] = x
	}
	return x
}
