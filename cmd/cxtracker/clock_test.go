package main

import (
	"context"
	"testing"
	"time"

	"cxtracker/events"
)

// The tracker reads the time of its events from its Config's Clock: a
// pinned clock dates them all.
func TestTheTrackerDatesEventsByItsClock(t *testing.T) {
	leap := time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC)
	m := startMain(t, func(c *Config) { c.Clock = events.FixedClock(leap) })
	registerPerson(t, m, "Ana Ribeiro")
	n := 0
	if err := m.Store().Read(context.Background(), events.FromSeq(1), func(rec events.Record) error {
		n++
		if !rec.Event.Time.Equal(leap) {
			t.Errorf("event %d (%s) is dated %s, want the clock's %s", rec.Seq, rec.Event.Type, rec.Event.Time, leap)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d events, want the admin token's and the person's", n)
	}
}
