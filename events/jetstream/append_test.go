package jetstream_test

import (
	"context"
	"sync"
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

// Many writers, each waiting for its answer before appending again, are
// group committed: their appends go out in atomic batches of many, and every
// writer's events land in its own order, each at the sequence it was told.
// With 256 writers a batch is the cheaper way on any disk: it would have to
// cost more than 256 plain publishes not to be.
func TestManyWritersAreGroupCommittedIntoBatches(t *testing.T) {
	st := jstest.Start(t)
	const writers, rounds = 256, 3
	type written struct {
		agg  events.Aggregate
		seqs []uint64
	}
	out := make([]written, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
			out[w].agg = agg
			expect := events.ExpectNew()
			for v := range uint64(rounds) {
				res, err := st.Append(context.Background(), agg, expect, testEvent(t, agg, "renamed", v+1))
				if err != nil {
					t.Error(err)
					return
				}
				out[w].seqs = append(out[w].seqs, res.LastSeq)
				expect = events.ExpectSeq(res.LastSeq)
			}
		}()
	}
	wg.Wait()
	stats := st.CommitStats()
	total := uint64(writers * rounds)
	if stats.BatchedAppends+stats.PlainAppends != total {
		t.Fatalf("commit stats %+v account for %d appends, want %d", stats, stats.BatchedAppends+stats.PlainAppends, total)
	}
	if stats.BatchedAppends < total/2 || stats.BatchedAppends < 4*stats.Batches {
		t.Fatalf("commit stats %+v: want most appends in batches of 4 or more", stats)
	}
	recs := readAll(t, st)
	bySeq := make(map[uint64]events.Record, len(recs))
	for _, r := range recs {
		bySeq[r.Seq] = r
	}
	for _, w := range out {
		for i, seq := range w.seqs {
			r, ok := bySeq[seq]
			if !ok || r.Event.AggregateVersion != uint64(i+1) || r.Subject != w.agg.Subject("renamed") {
				t.Fatalf("%s: append %d was told seq %d, which holds %+v", w.agg, i+1, seq, r.Event)
			}
		}
	}
}
