package jetstream_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

// Outside readers may hold consumers on the stream, up to its limit; before
// bounded reads took batches of stored messages, each took a consumer, and
// with none free every audit read failed as unavailable.
func TestReadsNeedNoFreeConsumerSlot(t *testing.T) {
	st := jstest.Start(t)
	crew := events.Aggregate{Kind: "crew", ID: events.NewID()}
	kpi := events.Aggregate{Kind: "kpi", ID: events.NewID()}
	sent := map[uint64][]byte{}
	keep := func(res events.Appended, evs []events.Event) {
		for i, e := range evs {
			data, err := e.Encode()
			if err != nil {
				t.Fatal(err)
			}
			sent[res.FirstSeq+uint64(i)] = data
		}
	}
	evs := testEvents(t, crew, 1, 3)
	keep(mustAppend(t, st, crew, events.ExpectNew(), evs...), evs)
	evs = testEvents(t, kpi, 1, 2)
	keep(mustAppend(t, st, kpi, events.ExpectNew(), evs...), evs)
	// The stored times of the two halves differ, wherever the clock is.
	time.Sleep(20 * time.Millisecond)
	mark := time.Now()
	evs = testEvents(t, crew, 4, 2)
	keep(mustAppend(t, st, crew, events.ExpectSeq(3), evs...), evs)

	jstest.ExhaustConsumers(t, st)
	before, err := st.Consumers(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	read := func(from events.Position) []uint64 {
		t.Helper()
		var seqs []uint64
		err := st.Read(context.Background(), from, func(r events.Record) error {
			if !bytes.Equal(r.Raw, sent[r.Seq]) {
				t.Errorf("seq %d read back as %s, stored as %s", r.Seq, r.Raw, sent[r.Seq])
			}
			if r.Stored.Location() != time.UTC || r.Stored.IsZero() {
				t.Errorf("seq %d has stored time %v, want one in UTC", r.Seq, r.Stored)
			}
			if r.Event.Subject == "" || r.Subject == "" {
				t.Errorf("seq %d came without its event or subject: %+v", r.Seq, r)
			}
			seqs = append(seqs, r.Seq)
			return nil
		})
		if err != nil {
			t.Fatalf("read from %+v with no consumer slot free: %v", from, err)
		}
		return seqs
	}
	if got := read(events.FromSeq(1)); !slices.Equal(got, []uint64{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("the whole log read back as %v", got)
	}
	if got := read(events.FromSeq(1).Only(crew.Filter())); !slices.Equal(got, []uint64{1, 2, 3, 6, 7}) {
		t.Errorf("the crew's events read back as %v", got)
	}
	if got := read(events.FromTime(mark)); !slices.Equal(got, []uint64{6, 7}) {
		t.Errorf("the events from a time read back as %v", got)
	}
	if got := read(events.FromTime(mark).Only(kpi.Filter())); len(got) != 0 {
		t.Errorf("the kpi's events from a time after them read back as %v", got)
	}
	if after, err := st.Consumers(context.Background()); err != nil || after != before {
		t.Errorf("the stream has %d consumers after the reads (%v), %d before", after, err, before)
	}
}

// A batch may be answered by a replica that has not stored the latest
// writes yet; a read that began after a write must still see it, on every
// node.
func TestOnAThreeNodeClusterAReadSeesTheWritesBeforeIt(t *testing.T) {
	urls := cluster(t)
	stores := []*jetstream.Store{openOn(t, urls[0]), openOn(t, urls[1]), openOn(t, urls[2])}
	agg := events.Aggregate{Kind: "journey", ID: events.NewID()}
	var last uint64
	for v := range uint64(12) {
		expect := events.ExpectSeq(last)
		if v == 0 {
			expect = events.ExpectNew()
		}
		last = mustAppend(t, stores[v%3], agg, expect, testEvent(t, agg, "mapped", v+1)).LastSeq
		reader := stores[(v+1)%3]
		var filtered, whole int
		if err := reader.Read(context.Background(), events.FromSeq(1).Only(agg.Filter()), func(events.Record) error { filtered++; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := reader.Read(context.Background(), events.FromSeq(1), func(events.Record) error { whole++; return nil }); err != nil {
			t.Fatal(err)
		}
		if filtered != int(v+1) || whole != int(v+1) {
			t.Fatalf("after write %d another node read %d of the aggregate's events and %d of the log's", v+1, filtered, whole)
		}
	}
}

// A filtered read cannot say which sequences were its own, but the server
// counts the messages on its subjects, damaged ones too: a plain read that
// got fewer says so, a tolerant one delivers the rest.
func TestAFilteredReadShortOfADamagedEventSaysSo(t *testing.T) {
	for _, damaged := range []int{3, 5} {
		st := damagedLog(t, damaged)
		only := events.FromSeq(1).Only("cx.crew.>")
		err := st.Read(context.Background(), only, func(events.Record) error { return nil })
		if !errors.Is(err, events.ErrMissing) {
			t.Errorf("version %d damaged: a plain filtered read answered %v, want ErrMissing", damaged, err)
		}
		var seen []uint64
		err = st.Read(context.Background(), only.WithDamage(), func(r events.Record) error {
			seen = append(seen, r.Seq)
			return nil
		})
		if err != nil || len(seen) != 4 || slices.Contains(seen, uint64(damaged)) {
			t.Errorf("version %d damaged: a tolerant filtered read gave %v (%v), want the other four", damaged, seen, err)
		}
	}
}
