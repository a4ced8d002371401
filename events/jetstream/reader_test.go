package jetstream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/jetstream"
	"cxtracker/events/jetstream/jstest"
)

func TestReadFromASequenceOrATime(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "journey", ID: events.NewID()}
	mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 4)...)
	time.Sleep(20 * time.Millisecond)
	mark := time.Now()
	mustAppend(t, st, agg, events.ExpectSeq(4), testEvents(t, agg, 5, 2)...)

	collect := func(from events.Position) []uint64 {
		var seqs []uint64
		if err := st.Read(context.Background(), from, func(r events.Record) error {
			seqs = append(seqs, r.Seq)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	if got := collect(events.FromSeq(3)); len(got) != 4 || got[0] != 3 || got[3] != 6 {
		t.Errorf("read from seq 3 gave %v, want 3..6", got)
	}
	if got := collect(events.FromTime(mark)); len(got) != 2 || got[0] != 5 {
		t.Errorf("read from a time gave %v, want 5..6", got)
	}
	if got := collect(events.FromSeq(7)); len(got) != 0 {
		t.Errorf("read past the end gave %v, want nothing", got)
	}
	if got := collect(events.FromTime(time.Now().Add(time.Hour))); len(got) != 0 {
		t.Errorf("read from the future gave %v, want nothing", got)
	}
}

func TestFollowDeliversLiveEventsInOrder(t *testing.T) {
	st := jstest.Start(t)
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	mustAppend(t, st, agg, events.ExpectNew(), testEvent(t, agg, "formed", 1))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got := make(chan uint64, 100)
	done := make(chan error, 1)
	go func() {
		done <- st.Follow(ctx, events.FromSeq(1), func(r events.Record) error {
			got <- r.Seq
			return nil
		})
	}()
	last := uint64(1)
	for v := uint64(2); v <= 20; v++ {
		res := mustAppend(t, st, agg, events.ExpectSeq(last), testEvent(t, agg, "renamed", v))
		last = res.LastSeq
	}
	for want := uint64(1); want <= 20; want++ {
		select {
		case seq := <-got:
			if seq != want {
				t.Fatalf("follow delivered seq %d, want %d", seq, want)
			}
		case <-ctx.Done():
			t.Fatalf("follow stopped delivering after seq %d", want-1)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("follow ended with %v, want context.Canceled", err)
	}
}

// damagedLog is a log of five crew events on dir whose events at the
// given aggregate versions were altered on disk (one byte in the block
// file, by jstest.Damage), as a bad disk would: the server drops them on
// its checksum.
func damagedLog(t *testing.T, versions ...int) *jetstream.Store {
	t.Helper()
	dir := t.TempDir()
	srv, err := jetstream.StartServer(jetstream.ServerConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := jetstream.New(context.Background(), jstest.Conn(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	agg := events.Aggregate{Kind: "crew", ID: events.NewID()}
	mustAppend(t, st, agg, events.ExpectNew(), testEvents(t, agg, 1, 5)...)
	st.Close()
	srv.Shutdown()
	for _, v := range versions {
		jstest.Damage(t, dir, fmt.Sprintf(`"aggregateversion":%d,`, v))
	}
	return jstest.Open(t, jstest.Server(t, dir))
}

func TestReaderStopsAtAGapInTheLog(t *testing.T) {
	st := damagedLog(t, 3)
	var seen []uint64
	err := st.Read(context.Background(), events.FromSeq(1), func(r events.Record) error {
		seen = append(seen, r.Seq)
		return nil
	})
	var gap *events.GapError
	if !errors.As(err, &gap) || gap.After != 2 || gap.Got != 4 {
		t.Fatalf("read over a damaged event answered %v, want a gap after 2 at 4", err)
	}
	if len(seen) != 2 {
		t.Fatalf("reader delivered %v before the gap, want 1 and 2", seen)
	}
}

func TestATolerantReadReportsDamagedEventsAndGoesOn(t *testing.T) {
	// The last event damaged is counted in the stream's state but never
	// delivered: the reader must not wait for it.
	st := damagedLog(t, 3, 5)
	var seen []string
	err := st.Read(context.Background(), events.FromSeq(1).WithDamage(), func(r events.Record) error {
		s := fmt.Sprint(r.Seq)
		if errors.Is(r.Damage, events.ErrMissing) {
			s += " missing"
		}
		seen = append(seen, s)
		return nil
	})
	if got := strings.Join(seen, ", "); err != nil || got != "1, 2, 3 missing, 4, 5 missing" {
		t.Fatalf("tolerant read gave %s (%v)", got, err)
	}
	err = st.Read(context.Background(), events.FromSeq(4), func(events.Record) error { return nil })
	if !errors.Is(err, events.ErrGap) {
		t.Fatalf("a plain read over the damaged tail answered %v, want a gap", err)
	}
}

func TestFilteredReadsSeeOnlyTheirSubjects(t *testing.T) {
	st := jstest.Start(t)
	crew := events.Aggregate{Kind: "crew", ID: events.NewID()}
	kpi := events.Aggregate{Kind: "kpi", ID: events.NewID()}
	mustAppend(t, st, crew, events.ExpectNew(), testEvents(t, crew, 1, 2)...)
	mustAppend(t, st, kpi, events.ExpectNew(), testEvents(t, kpi, 1, 3)...)
	mustAppend(t, st, crew, events.ExpectSeq(2), testEvent(t, crew, "renamed", 3))

	var seqs []uint64
	if err := st.Read(context.Background(), events.FromSeq(1).Only(crew.Filter()), func(r events.Record) error {
		seqs = append(seqs, r.Seq)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 3 || seqs[0] != 1 || seqs[2] != 6 {
		t.Fatalf("the crew's events are at %v, want 1, 2, 6", seqs)
	}
	n := 0
	if err := st.Read(context.Background(), events.FromSeq(1).Only("cx.*.*.renamed"), func(events.Record) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("read by event name found %d (%v), want 1", n, err)
	}
}
