package events

import (
	"testing"
	"time"
)

// The Engine dates the events of a command from its Clock, in UTC, unless
// the command's Meta gives a time.
func TestEngineDatesEventsFromItsClock(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	leap := time.Date(2028, 2, 29, 23, 30, 0, 0, berlin)
	e := bareEngine()
	if err := WithClock(FixedClock(leap))(e); err != nil {
		t.Fatal(err)
	}
	cmd := RegisterPerson{PersonID: ann, Name: "Ann", Email: "a@example.com", Department: "Sales"}
	_, evs, _, err := e.prepare(cmd, Meta{Actor: "test"}, execution{})
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[0].Time; !got.Equal(leap) || got.Location() != time.UTC {
		t.Fatalf("the event is dated %s, want the clock's %s in UTC", got, leap.UTC())
	}
	given := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	if _, evs, _, err = e.prepare(cmd, Meta{Actor: "test", Time: given}, execution{}); err != nil || !evs[0].Time.Equal(given) {
		t.Fatalf("with a time in its Meta the event is dated %v (%v), want %s", evs[0].Time, err, given)
	}
}

func TestClockNowIsUTC(t *testing.T) {
	if loc := Clock(nil).Now().Location(); loc != time.UTC {
		t.Errorf("the nil clock answers a time in %s", loc)
	}
	kiritimati := time.FixedZone("LINT", 14*3600)
	if got := FixedClock(time.Date(2027, 1, 1, 5, 0, 0, 0, kiritimati)).Now(); !got.Equal(time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("a fixed clock answers %s", got)
	}
}
