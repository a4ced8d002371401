package events

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/oklog/ulid/v2"
)

// savedState is the State as a checkpoint holds it: every field, maps
// keyed by aggregate as sorted lists, and the feedback index (the one part
// that grows with feedback volume) apart, in columns. JSON keeps a nil map
// or slice apart from an empty one and sorts map keys, so the same State
// always saves to the same bytes.
type savedState struct {
	LastSeq     uint64
	Streams     []savedStream
	People      map[string]*Person
	Emails      map[string]string
	Program     Program
	Council     Council
	Crews       map[string]*Crew
	Initiatives map[string]*Initiative
	Journeys    map[string]*Journey
	Stages      map[string]string
	Touchpoints map[string]string
	Partitions  map[string]*FeedbackPartition
	FollowUps   map[string]*FollowUp
	KPIs        map[string]*KPI
	Plans       map[string]*ActionPlan
	Tokens      map[string]*Token
	Accounts    map[string]*Account
	Webhooks    map[string]*Webhook

	FollowUpRules map[string]*FollowUpRule `json:",omitempty"`

	Quarantined []savedQuarantined
}

type savedStream struct {
	Aggregate Aggregate
	Stream    Stream
}

type savedQuarantined struct {
	Aggregate Aggregate
	Seq       uint64
	Reason    string
}

// savedFeedback is the feedback index in columns, as it is held: the
// ULIDs' bytes one after another, sorted, which gob writes and reads as
// one block (no text, no parsing: a 10M-item index is a copy of 160 MB),
// beside each one's touchpoint number (a small number is a byte in gob);
// then the ids spelled otherwise, sorted, with theirs; and the touchpoints
// once each, in the order of their numbers.
type savedFeedback struct {
	ULIDs           []byte // 16 bytes an id
	Touchpoint      []uint32
	Other           []string
	OtherTouchpoint []uint32
	Touchpoints     []string
}

// stateFrame is what SaveCheckpoint writes, in gob: the State's JSON and
// the feedback columns, which gob reads several times faster than JSON.
type stateFrame struct {
	State    []byte
	Feedback savedFeedback
}

// SaveCheckpoint writes the whole State, the same bytes for the same State.
// It first merges the feedback ids put since the last merge into their
// sorted columns, which a load lays them out in: the same index, now laid
// out as the checkpoint's would be.
func (s *State) SaveCheckpoint(w io.Writer) error {
	st := savedState{
		LastSeq: s.lastSeq, People: s.people, Emails: s.emails, Program: s.program, Council: s.council,
		Crews: s.crews, Initiatives: s.initiatives, Journeys: s.journeys, Stages: s.stages, Touchpoints: s.touchpoints,
		Partitions: s.partitions, FollowUps: s.followUps, KPIs: s.kpis, Plans: s.plans, Tokens: s.tokens,
		Accounts: s.accounts, Webhooks: s.webhooks,
	}
	st.FollowUpRules = s.followUpRules
	for _, agg := range sortedAggregates(s.streams) {
		st.Streams = append(st.Streams, savedStream{agg, s.streams[agg]})
	}
	for _, agg := range sortedAggregates(s.quarantined) {
		q := s.quarantined[agg]
		st.Quarantined = append(st.Quarantined, savedQuarantined{agg, q.seq, q.reason})
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save the state: %w", err)
	}
	if err := gob.NewEncoder(w).Encode(stateFrame{State: raw, Feedback: feedbackColumns(&s.feedback)}); err != nil {
		return fmt.Errorf("save the state: %w", err)
	}
	return nil
}

// LoadCheckpoint replaces the State with the one r holds, as SaveCheckpoint
// wrote it. On an error the State is left as it was.
func (s *State) LoadCheckpoint(r io.Reader) error {
	var f stateFrame
	if err := gob.NewDecoder(r).Decode(&f); err != nil {
		return fmt.Errorf("load the state: %w", err)
	}
	var st savedState
	dec := json.NewDecoder(bytes.NewReader(f.State))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("load the state: %w", err)
	}
	feedback, err := f.Feedback.index()
	if err != nil {
		return fmt.Errorf("load the state: %w", err)
	}
	n := NewState()
	n.lastSeq, n.program, n.council, n.feedback = st.LastSeq, st.Program, st.Council, feedback
	for _, x := range st.Streams {
		n.streams[x.Aggregate] = x.Stream
	}
	for _, q := range st.Quarantined {
		n.quarantined[q.Aggregate] = quarantined{seq: q.Seq, reason: q.Reason}
	}
	// A map the JSON left out (none is) keeps the empty one NewState made.
	keep(&n.people, st.People)
	keep(&n.emails, st.Emails)
	keep(&n.crews, st.Crews)
	keep(&n.initiatives, st.Initiatives)
	keep(&n.journeys, st.Journeys)
	keep(&n.stages, st.Stages)
	keep(&n.touchpoints, st.Touchpoints)
	keep(&n.partitions, st.Partitions)
	keep(&n.followUps, st.FollowUps)
	keep(&n.kpis, st.KPIs)
	keep(&n.plans, st.Plans)
	keep(&n.tokens, st.Tokens)
	keep(&n.accounts, st.Accounts)
	keep(&n.webhooks, st.Webhooks)
	keep(&n.followUpRules, st.FollowUpRules)
	*s = *n
	return nil
}

func keep[M ~map[K]V, K comparable, V any](dst *M, src M) {
	if src != nil {
		*dst = src
	}
}

// sortedAggregates are m's keys by kind, then id.
func sortedAggregates[V any](m map[Aggregate]V) []Aggregate {
	return slices.SortedFunc(maps.Keys(m), func(a, b Aggregate) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
}

// feedbackColumns lays the feedback index out in columns, over its own
// memory, once the ids put since the last merge are merged into it: the
// same index, laid out as a load lays it. The index must not change while
// the columns are written. The touchpoints keep their numbers, so that the
// index loads as it was.
func feedbackColumns(x *feedbackIndex) savedFeedback {
	if len(x.recent) > 0 {
		x.merge()
	}
	f := savedFeedback{ULIDs: ulidBytes(x.ids), Touchpoint: x.tps, Touchpoints: x.touchpoints}
	f.Other = slices.Sorted(maps.Keys(x.other))
	for _, id := range f.Other {
		f.OtherTouchpoint = append(f.OtherTouchpoint, x.other[id])
	}
	return f
}

// index is the feedback index the columns hold, over their memory.
func (f savedFeedback) index() (feedbackIndex, error) {
	x := newFeedbackIndex(0)
	if len(f.ULIDs)%len(ulid.ULID{}) != 0 {
		return x, fmt.Errorf("the feedback ids take %d bytes, not 16 an id", len(f.ULIDs))
	}
	x.ids, x.tps = bytesULIDs(f.ULIDs), f.Touchpoint
	if len(x.tps) != len(x.ids) || len(f.OtherTouchpoint) != len(f.Other) {
		return x, fmt.Errorf("the feedback columns differ in length (%d ids, %d touchpoints; %d and %d)", len(x.ids), len(x.tps), len(f.Other), len(f.OtherTouchpoint))
	}
	if !slices.IsSortedFunc(x.ids, compareULIDs) {
		return x, errors.New("the feedback ids are not in order")
	}
	for _, tp := range f.Touchpoints {
		x.tpIndex[tp] = uint32(len(x.touchpoints))
		x.touchpoints = append(x.touchpoints, tp)
	}
	for i, tp := range x.tps {
		if int(tp) >= len(x.touchpoints) {
			return x, fmt.Errorf("feedback %s names touchpoint %d of %d", x.ids[i], tp, len(x.touchpoints))
		}
	}
	for i, id := range f.Other {
		if int(f.OtherTouchpoint[i]) >= len(x.touchpoints) {
			return x, fmt.Errorf("feedback %s names touchpoint %d of %d", id, f.OtherTouchpoint[i], len(x.touchpoints))
		}
		x.other[id] = f.OtherTouchpoint[i]
	}
	return x, nil
}

// SaveCheckpoint writes the Engine's State (see State.SaveCheckpoint). The
// caller holds the feed still, so that the State is the one at the feed's
// sequence; writers wait meanwhile for the Engine's lock only.
func (e *Engine) SaveCheckpoint(w io.Writer) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state.SaveCheckpoint(w)
}

// LoadCheckpoint replaces the Engine's State with the one r holds, before
// the feed starts, and wakes whoever waits for its sequence.
func (e *Engine) LoadCheckpoint(r io.Reader) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.state.LoadCheckpoint(r); err != nil {
		return err
	}
	close(e.changed)
	e.changed = make(chan struct{})
	return nil
}
