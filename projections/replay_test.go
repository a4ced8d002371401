package projections_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

// panicky is a read model that panics on the event at one sequence.
type panicky struct{ at uint64 }

func (m panicky) Name() string { return "panicky" }
func (m panicky) Apply(rec events.Record, _ events.Payload) error {
	if rec.Seq == m.at {
		panic("broken read model")
	}
	return nil
}

// A model's panic in a replay quarantines its part of the record and the
// replay goes on with every model; a strict replay stops there instead,
// naming the record; a bounded range stops at its bound.
func TestReplayQuarantinesAModelsPanicAndGoesOn(t *testing.T) {
	s := newScript(t)
	for _, name := range []string{"Ann", "Ben", "Cid"} {
		id := events.NewID()
		s.do(events.RegisterPerson{PersonID: id, Name: name, Email: id + "@example.com", Department: "Ops"})
	}
	ctx := context.Background()

	people := projections.NewPeople()
	var seen []uint64
	res, err := projections.Replay(ctx, s.store, projections.Range{}, []projections.Model{panicky{at: 2}, people},
		projections.Options{Progress: func(st projections.Step) error { seen = append(seen, st.Digest.Seq); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(people.List()) != 3 || res.Digest.Seq != 3 || len(seen) != 3 {
		t.Fatalf("the replay applied %d people, ended at seq %d and told progress %v; want 3, 3, [1 2 3]", len(people.List()), res.Digest.Seq, seen)
	}
	if q := res.Quarantined; res.Skipped != 1 || len(q) != 1 || q[0].Seq != 2 || q[0].Kind != projections.QuarantineRejected ||
		q[0].Model != "panicky" || !strings.Contains(q[0].Reason, "broken read model") {
		t.Fatalf("quarantined %+v (%d)", q, res.Skipped)
	}

	_, err = projections.Replay(ctx, s.store, projections.Range{}, []projections.Model{panicky{at: 2}}, projections.Options{Strict: true})
	var corrupt *events.CorruptError
	if !errors.As(err, &corrupt) || corrupt.Seq != 2 {
		t.Fatalf("a strict replay answered %v, want the record at seq 2 named", err)
	}

	people = projections.NewPeople()
	res, err = projections.Replay(ctx, s.store, projections.Range{UntilSeq: 2}, []projections.Model{people}, projections.Options{})
	if err != nil || len(people.List()) != 2 || res.Digest.Seq != 2 || res.Skipped != 0 {
		t.Fatalf("a replay up to seq 2 applied %d people and ended at seq %d (%v)", len(people.List()), res.Digest.Seq, err)
	}
}

// A replay that follows the log applies records on a goroutine of its
// own; when that fails (here Progress, at the last record there is), the
// replay ends with the failure at once, though the log has nothing more
// for its reading to wait on.
func TestAFollowingReplayEndsWhenApplyingFails(t *testing.T) {
	s := newScript(t)
	for _, name := range []string{"Ann", "Ben"} {
		id := events.NewID()
		s.do(events.RegisterPerson{PersonID: id, Name: name, Email: id + "@example.com", Department: "Ops"})
	}
	stop := errors.New("enough")
	people := projections.NewPeople()
	res, err := projections.Replay(context.Background(), s.store, projections.Range{Follow: true}, []projections.Model{people},
		projections.Options{Progress: func(st projections.Step) error {
			if st.Digest.Seq == 2 {
				return stop
			}
			return nil
		}})
	if !errors.Is(err, stop) || res.Digest.Seq != 2 || len(people.List()) != 2 {
		t.Fatalf("the replay ended with %v at seq %d, %d people applied; want %v at seq 2, 2 people", err, res.Digest.Seq, len(people.List()), stop)
	}
}
