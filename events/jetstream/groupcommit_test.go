package jetstream_test

import (
	"context"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// The rule of group commit: while a commit is under way no append is
// published plainly; every append that arrives queues, and once the commit
// is stored they all go out together as the next atomic batch, each writer
// told its own sequence, or plainly side by side when they are a few. A
// staged hold keeps the first commit under way until every writer has
// queued.
func TestAppendsQueuedDuringACommitGoOutTogetherNext(t *testing.T) {
	for _, tc := range []struct {
		name    string
		writers int
		want    jetstream.CommitStats
	}{
		{"a crowd as one batch", 64, jetstream.CommitStats{Batches: 2, BatchedAppends: 1 + 64}},
		{"a few plainly", 3, jetstream.CommitStats{Batches: 1, BatchedAppends: 1, PlainAppends: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := jstest.Start(t)
			held, release := jetstream.HoldNextBatch(st)
			first := events.Aggregate{Kind: "crew", ID: events.NewID()}
			firstDone := make(chan error, 1)
			go func() {
				_, err := st.Append(context.Background(), first, events.ExpectNew(), testEvents(t, first, 1, 2)...)
				firstDone <- err
			}()
			waitUntil(t, "an atomic batch under way", func() bool {
				select {
				case <-held:
					return true
				default:
					return false
				}
			})
			aggs, res, errs := formCrews(t, st, tc.writers, func() {
				defer release()
				waitUntil(t, "every writer queued", func() bool {
					if st.CommitStats().PlainAppends > 0 {
						t.Error("an append was published plainly while a commit was under way")
						return true
					}
					return jetstream.Queued(st) == tc.writers
				})
			})
			if err := <-firstDone; err != nil {
				t.Fatal(err)
			}
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if cs := st.CommitStats(); cs != tc.want {
				t.Fatalf("commit stats %+v, want %+v: the held append, then the %d queued together", cs, tc.want, tc.writers)
			}
			assertToldOwnSeq(t, st, aggs, res)
		})
	}
}

// waitUntil waits for done to hold. Not a timed assertion: a bound on a wait
// that must end.
func waitUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// assertToldOwnSeq checks that each writer w was told the sequence where
// its event, formed by aggs[w], is stored.
func assertToldOwnSeq(t *testing.T, st *jetstream.Store, aggs []events.Aggregate, res []events.Appended) {
	t.Helper()
	recs := readAll(t, st)
	for w, agg := range aggs {
		if res[w].LastSeq == 0 || res[w].LastSeq > uint64(len(recs)) {
			t.Fatalf("writer %d was told seq %d, outside the log of %d events", w, res[w].LastSeq, len(recs))
		}
		if r := recs[res[w].LastSeq-1]; r.Subject != agg.Subject("formed") {
			t.Fatalf("writer %d was told seq %d, which holds %s", w, res[w].LastSeq, r.Subject)
		}
	}
}
