package projections_test

import (
	"fmt"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

func TestInspectTellsDamageFromANewerVersionsEvent(t *testing.T) {
	person := events.Aggregate{Kind: events.KindPerson, ID: events.NewID()}
	good, err := events.NewEvent(person, events.EventPersonRegistered, 1, 1, events.PersonRegistered{PersonID: person.ID, Name: "Ada", Email: "ada@example.com", Department: "Ops"}, events.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	subject := person.Subject(events.EventPersonRegistered)
	unknown := good
	unknown.Type = "cx.person.person_teleported"
	newer := good
	newer.SchemaVersion = 99
	badData := good
	badData.Data = []byte(`{"name":42}`)
	other := events.Aggregate{Kind: events.KindPerson, ID: events.NewID()}
	for _, c := range []struct {
		name       string
		rec        events.Record
		kind, want string
	}{
		{"an event of a type this version does not know", events.Record{Seq: 2, Subject: "cx.person." + person.ID + ".person_teleported", Event: unknown}, projections.QuarantineUnknownType, `unknown event type "cx.person.person_teleported", written by a newer version?`},
		{"a schema version newer than this version's", events.Record{Seq: 3, Subject: subject, Event: newer}, projections.QuarantineUnknownType, "written by a newer version?"},
		{"data that does not match its schema", events.Record{Seq: 4, Subject: subject, Event: badData}, projections.QuarantineUndecodable, "data"},
		{"an event stored on another aggregate's subject", events.Record{Seq: 5, Subject: other.Subject(events.EventPersonRegistered), Event: good}, projections.QuarantineUndecodable, "was stored on subject"},
		{"bytes that are no envelope", events.Record{Seq: 6, Subject: subject, Damage: fmt.Errorf("%w: junk", events.ErrUndecodable)}, projections.QuarantineUndecodable, "junk"},
		{"a sequence the log cannot deliver", events.Record{Seq: 7, Damage: fmt.Errorf("%w: gone", events.ErrMissing)}, projections.QuarantineMissing, "gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, q := projections.Inspect(c.rec)
			if p != nil || q == nil || q.Kind != c.kind || q.Seq != c.rec.Seq || q.Subject != c.rec.Subject || !strings.Contains(q.Reason, c.want) {
				t.Fatalf("Inspect answered %v, %+v; want kind %s with %q", p, q, c.kind, c.want)
			}
		})
	}
	if p, q := projections.Inspect(events.Record{Seq: 1, Subject: subject, Event: good}); q != nil || p == nil {
		t.Fatalf("a sound event was judged %+v", q)
	}
}
