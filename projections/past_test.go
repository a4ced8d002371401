package projections_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/projections"
)

// Views kept at a cut are built once; carried on to a later sequence as
// the log grows, they are the views built afresh at that cut, byte for
// byte; a cut by business time leaves out what happened after it, even
// when it was recorded before other events.
func TestPastViewsAreBuiltOnceAndCarriedOnAsAFreshBuildWouldBe(t *testing.T) {
	s := newScript(t)
	ctx := context.Background()
	program(s)
	april := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	ann, bob := events.NewID(), events.NewID()
	s.doAt(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Sales"})
	s.doAt(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), events.RegisterPerson{PersonID: bob, Name: "Bob", Email: "bob@example.com", Department: "IT"})
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	past := projections.NewPastViews(s.store, 2)
	snap := func(cut projections.Cut) string {
		t.Helper()
		v, release, err := past.At(ctx, cut)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		b, _ := json.Marshal(v.Snapshot())
		return string(b)
	}
	fresh := func(cut projections.Cut) string {
		t.Helper()
		v, _, err := projections.BuildViews(ctx, s.store, cut)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		b, _ := json.Marshal(v.Snapshot())
		return string(b)
	}
	cut := projections.Cut{AsOf: april, Seq: last}
	first := snap(cut)
	if again := snap(cut); again != first || past.Built.Load() != 1 {
		t.Fatalf("the same cut twice: built %d times, same views %t", past.Built.Load(), again == first)
	}
	v, release, _ := past.At(ctx, cut)
	_, hasAnn := v.People.Get(ann)
	_, hasBob := v.People.Get(bob)
	release()
	if !hasAnn || hasBob {
		t.Errorf("as of April 2024: Ann %t, Bob %t; want Ann only", hasAnn, hasBob)
	}

	// The log grows, with a back-dated change into the cut.
	name := "Ann Smith"
	s.doAt(time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), events.ChangePersonDetails{PersonID: ann, Name: &name})
	s.do(events.RegisterPerson{PersonID: events.NewID(), Name: "Cat", Email: "cat@example.com", Department: "IT"})
	later, _ := s.store.LastSeq(ctx)
	next := projections.Cut{AsOf: april, Seq: later}
	if got, want := snap(next), fresh(next); got != want || past.Advanced.Load() != 1 || past.Built.Load() != 1 {
		t.Errorf("carried on (%d built, %d carried on): the same as a fresh build %t", past.Built.Load(), past.Advanced.Load(), got == want)
	}
	// The earlier cut is built again (the kept one moved on), and is what
	// it was.
	if got := snap(cut); got != first {
		t.Error("the earlier cut differs from its first build")
	}
}
