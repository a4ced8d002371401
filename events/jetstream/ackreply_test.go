package jetstream_test

import (
	"context"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// The follower reads each record's sequence and stored time from the
// consumer's reply subject (stampOf); the bounded reader has them from the
// stream's headers. Both must tell the same for every record.
func TestFollowerStampsAgreeWithTheStream(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "journey", ID: events.NewID()}
	mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 5)...)
	want := readAll(t, st)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var got []events.Record
	err := st.Follow(ctx, events.FromSeq(1), func(r events.Record) error {
		if got = append(got, r); len(got) == len(want) {
			stop()
		}
		return nil
	})
	if ctx.Err() == nil {
		t.Fatalf("follow ended before the log's end: %v", err)
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || !got[i].Stored.Equal(want[i].Stored) {
			t.Errorf("record %d: followed seq %d stored %s, read seq %d stored %s", i, got[i].Seq, got[i].Stored, want[i].Seq, want[i].Stored)
		}
	}
}
