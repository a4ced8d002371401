package eventtest_test

import (
	"reflect"
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// seen is a model that keeps what it is fed.
type seen struct {
	recs     []events.Record
	payloads []events.Payload
}

func (s *seen) Name() string { return "seen" }

func (s *seen) Apply(rec events.Record, p events.Payload) error {
	s.recs = append(s.recs, rec)
	s.payloads = append(s.payloads, p)
	return nil
}

func TestTheTapeRecordsAsTheLogWould(t *testing.T) {
	m := &seen{}
	tp := eventtest.New(t, m).Ticking(eventtest.Epoch, time.Minute)
	ann, crew := eventtest.ID(1), eventtest.ID(2)
	person := events.Aggregate{Kind: events.KindPerson, ID: ann}
	played := []events.Payload{
		events.PersonRegistered{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Sales"},
		events.PersonLeft{PersonID: ann},
		events.CrewFormed{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "Watch the seams"},
	}
	recs := tp.PlayBy(person, "admin", played[:2]...)
	recs = append(recs, tp.Play(events.Aggregate{Kind: events.KindCrew, ID: crew}, played[2])...)

	if !reflect.DeepEqual(tp.Records(), recs) || !reflect.DeepEqual(m.recs, recs) {
		t.Fatalf("the tape kept %d records and fed %d, want the %d played", len(tp.Records()), len(m.recs), len(recs))
	}
	if !reflect.DeepEqual(m.payloads, played) {
		t.Fatalf("the model was fed %+v, want %+v", m.payloads, played)
	}
	for i, want := range []struct {
		subject string
		version uint64
		actor   string
	}{
		{person.Subject(events.EventPersonRegistered), 1, "admin"},
		{person.Subject(events.EventPersonLeft), 2, "admin"},
		{"cx.crew." + crew + "." + events.EventCrewFormed, 1, eventtest.Actor},
	} {
		rec := recs[i]
		at := eventtest.Epoch.Add(time.Duration(i+1) * time.Minute)
		if rec.Seq != uint64(i+1) || rec.Subject != want.subject || rec.Event.AggregateVersion != want.version ||
			rec.Event.Actor != want.actor || !rec.Stored.Equal(at) || !rec.Event.Time.Equal(at) || rec.Damage != nil {
			t.Errorf("record %d is seq %d on %s, version %d by %s, stored %s at %s; want seq %d on %s, version %d by %s at %s",
				i, rec.Seq, rec.Subject, rec.Event.AggregateVersion, rec.Event.Actor, rec.Stored, rec.Event.Time, i+1, want.subject, want.version, want.actor, at)
		}
		// The record holds the bytes the store writes, and its event is
		// what they decode to.
		raw, err := rec.Event.Encode()
		if err != nil || string(raw) != string(rec.Raw) {
			t.Errorf("record %d holds %s, its event encodes to %s (%v)", i, rec.Raw, raw, err)
		}
		back, err := events.Decode(rec.Raw)
		if err != nil || !reflect.DeepEqual(back, rec.Event) {
			t.Errorf("record %d: its bytes decode to %+v (%v), want %+v", i, back, err, rec.Event)
		}
	}
	if p, _ := tp.State().Person(ann); !p.Left || tp.State().LastSeq() != 3 || !tp.Now().Equal(eventtest.Epoch.Add(3*time.Minute)) {
		t.Fatalf("the state after the tape: %+v, last seq %d, clock %s", p, tp.State().LastSeq(), tp.Now())
	}
}

func TestATapeWhoseClockStandsStillStampsEveryEventAlike(t *testing.T) {
	tp := eventtest.New(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("elsewhere", 5*3600))
	tp.At(at)
	for _, rec := range tp.Play(events.Aggregate{Kind: events.KindJourney, ID: eventtest.ID(3)},
		events.JourneyMapped{JourneyID: eventtest.ID(3), Name: "Retail"},
		events.StageAdded{StageID: eventtest.ID(4), Name: "Acquisition", Position: 1}) {
		// Stored times are in UTC whatever the clock's zone, as the reader's.
		if !rec.Stored.Equal(at) || rec.Stored.Location() != time.UTC {
			t.Errorf("seq %d stored at %s, want %s in UTC", rec.Seq, rec.Stored, at)
		}
	}
}
