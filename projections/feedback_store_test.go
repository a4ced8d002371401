package projections

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// A model whose item store is on disk writes it on a goroutine of its own;
// every read waits for what the model has taken in, so it answers as a
// model in memory does: an id logged twice counted once, a follow-up
// opened on an item just logged, lists, items, trends, headline and
// checkpoint alike.
func TestAStoreOnDiskAnswersAsOneInMemoryRightAfterEachRecord(t *testing.T) {
	disk, err := OpenFeedback(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Close() })
	mem := NewFeedback()
	tp := eventtest.New(t, disk, mem)
	mapFixture(tp)
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	check := func(step string) {
		t.Helper()
		for name, read := range map[string]func(m *Feedback) any{
			"headline": func(m *Feedback) any { return m.Headline() },
			"trends":   func(m *Feedback) any { return m.Trends(TrendQuery{Period: PeriodWeek, By: TrendByTouchpoint}) },
			"list": func(m *Feedback) any {
				items, _ := m.List(FeedbackFilter{JourneyID: fxJourney, Metric: events.MetricNPS}, "", 50)
				return items
			},
			"open": func(m *Feedback) any {
				items, _ := m.List(FeedbackFilter{FollowUp: FollowUpOpen}, "", 50)
				return items
			},
			"item": func(m *Feedback) any { it, ok := m.Item(fixtureID(103)); return []any{it, ok} },
			"checkpoint": func(m *Feedback) any {
				var b bytes.Buffer
				if err := m.SaveCheckpoint(&b); err != nil {
					t.Fatal(err)
				}
				return b.String()
			},
		} {
			if got, want := read(disk), read(mem); !reflect.DeepEqual(got, want) {
				t.Fatalf("after %s, %s on disk %+v, in memory %+v", step, name, got, want)
			}
		}
	}
	for i := range 300 {
		logFeedbackAt(tp, fixtureID(100+i), []string{fxWeb, fxPhone, fxApp}[i%3], events.MetricNPS, i%11, day.Add(time.Duration(i)*time.Hour))
	}
	check("300 items")
	logFeedbackAt(tp, fixtureID(103), fxWeb, events.MetricNPS, 0, day) // logged again
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(103)}, events.FollowUpOpened{FeedbackID: fixtureID(103), TouchpointID: fxWeb, Note: "call"})
	check("an id logged again and a follow-up")
	logFeedbackAt(tp, fixtureID(900), fxApp, events.MetricNPS, 10, day)
	tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(900)}, events.FollowUpOpened{FeedbackID: fixtureID(900), TouchpointID: fxApp})
	check("a follow-up on the item just logged")
	if h := disk.Headline(); h.NPSCount != 301 {
		t.Fatalf("headline counts %d items, want 301", h.NPSCount)
	}
}

// A store written by an older layout (one that kept text in its indexes)
// is started afresh, so that a start fills it from the log; a store of
// this layout is kept, with the numbers of its names.
func TestAStoreOfAnOlderLayoutIsStartedAfresh(t *testing.T) {
	dir := t.TempDir()
	m, err := OpenFeedback(dir)
	if err != nil {
		t.Fatal(err)
	}
	tp := eventtest.New(t, m)
	mapFixture(tp)
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		logFeedbackAt(tp, fixtureID(100+i), []string{fxWeb, fxPhone, fxApp}[i%3], events.MetricNPS, i, day)
	}
	applied := m.store.Applied()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	reopen := func() *Feedback {
		t.Helper()
		m, err := OpenFeedback(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close() })
		return m
	}
	kept := reopen()
	if got := kept.store.Applied(); got != applied || applied == 0 {
		t.Fatalf("a store of this layout reopened at %d, want %d", got, applied)
	}
	if n := kept.store.names.numOf(fxWeb); n == 0 {
		t.Fatal("a store of this layout lost the number of a touchpoint")
	}
	if _, err := kept.store.db.Exec(`UPDATE meta SET value = 2 WHERE key = 'schema'`); err != nil {
		t.Fatal(err)
	}
	if err := kept.Close(); err != nil {
		t.Fatal(err)
	}
	if got := reopen().store.Applied(); got != 0 {
		t.Fatalf("a store of layout 2 reopened at %d, want 0 (filled again from the log)", got)
	}
}

// The writer goroutine inserts items that wait one after another with one
// statement (itemBatch at a time): the store then holds the same rows and
// the same logged-again records as one that inserts each alone, for ids
// the store held before and ids twice in one statement, and tells each
// item the same.
func TestItemsInsertedTogetherAreStoredAsOneByOne(t *testing.T) {
	day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	var items []itemWrite
	for i := range 2*itemBatch + 7 {
		id := fixtureID(100 + i)
		switch i {
		case itemBatch + 3:
			id = fixtureID(100 + 5) // held before this statement
		case itemBatch + 9, itemBatch + 10:
			id = fixtureID(100 + itemBatch + 8) // twice in one statement
		case 2*itemBatch + 4:
			id = fixtureID(100 + 1) // in the rows inserted one by one
		}
		row, err := itemRowOf(FeedbackItem{ID: id, TouchpointID: []string{fxWeb, fxApp}[i%2], JourneyID: fxJourney, Metric: events.MetricNPS, Score: i % 11,
			Source: events.SourceSurvey, OccurredAt: day.Add(time.Duration(i) * time.Hour), LoggedAt: day}, day)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, itemWrite{seq: uint64(10 + i), row: row})
	}
	type stored struct {
		rows, dups []string
		told       []bool
	}
	write := func(together bool) stored {
		s, err := openItemStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var out stored
		then := func(it FeedbackItem, again bool) { out.told = append(out.told, again) }
		if together {
			// What the writer goroutine does with items waiting in turn.
			batch := make([]itemWrite, len(items))
			for i, w := range items {
				w.then = then
				batch[i] = w
			}
			s.insertItems(batch)
		} else {
			for _, w := range items {
				if err := s.logItemLater(w.seq, day, w.row.it, then); err != nil {
					t.Fatal(err)
				}
				s.settle()
			}
		}
		if err := s.reading(func(db itemReader) error {
			for _, q := range []struct {
				query string
				into  *[]string
			}{{`SELECT id || ' ' || seq || ' ' || t || ' ' || j || ' ' || m FROM items ORDER BY id`, &out.rows}, {`SELECT seq || ' ' || touchpoint FROM dups ORDER BY seq`, &out.dups}} {
				rows, err := db.Query(q.query)
				if err != nil {
					return err
				}
				for rows.Next() {
					var v string
					if err := rows.Scan(&v); err != nil {
						return err
					}
					*q.into = append(*q.into, v)
				}
				if err := rows.Close(); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, together := write(false), write(true)
	if len(one.dups) != 4 {
		t.Fatalf("one by one, %d records kept as logged again, want 4: %v", len(one.dups), one.dups)
	}
	if !reflect.DeepEqual(one, together) {
		t.Fatalf("inserted together the store holds\n%+v\none by one\n%+v", together, one)
	}
}
