package jetstream_test

import (
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

func TestAppendAssignsSequencesInOrder(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	first := mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 3)...)
	if first.FirstSeq != 1 || first.LastSeq != 3 || first.Duplicate {
		t.Fatalf("first append stored at %+v, want seqs 1..3", first)
	}
	second := mustAppend(t, st, agg, events.ExpectSeq(3), testEvent(t, agg, "renamed", 4))
	if second.FirstSeq != 4 || second.LastSeq != 4 {
		t.Fatalf("second append stored at %+v, want seq 4", second)
	}
	recs := readAll(t, st)
	if len(recs) != 4 {
		t.Fatalf("log holds %d events, want 4", len(recs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) || r.Subject != agg.Subject(r.Event.Name()) {
			t.Errorf("record %d: seq %d subject %s", i, r.Seq, r.Subject)
		}
	}
}

func TestConcurrentAppendsWithSameExpectationOnlyOneWins(t *testing.T) {
	for _, tc := range []struct {
		name   string
		create bool
	}{{"creation", true}, {"update", false}} {
		t.Run(tc.name, func(t *testing.T) {
			st := jstest.Start(t)
			agg := events.Aggregate{Kind: "initiative", ID: events.NewID()}
			expect := events.ExpectNew()
			if !tc.create {
				res := mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "proposed", 1))
				expect = events.ExpectSeq(res.LastSeq)
			}
			wins := race(t, 50, agg, expect, st)
			if wins != 1 {
				t.Fatalf("%d appends won, want exactly 1", wins)
			}
			want := 2
			if !tc.create {
				want = 3
			}
			if got := len(ofAggregate(readAll(t, st), agg)); got != want {
				t.Fatalf("aggregate holds %d events, want %d: the losers left something behind", got, want)
			}
		})
	}
}
