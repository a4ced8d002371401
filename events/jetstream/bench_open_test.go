package jetstream_test

import (
	"context"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// BenchmarkOpen is what a read pays per event to open sealed personal
// fields (events.Open with the store's keys): on an event with none, on
// one whose fields are sealed under a key held, and on one whose key was
// erased.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	st := jstest.Open(b, jstest.Server(b, b.TempDir()))
	keys, err := st.Keys(ctx)
	if err != nil {
		b.Fatal(err)
	}
	person := func(b *testing.B, id string) events.Event {
		ev, err := events.NewEvent(events.Aggregate{Kind: events.KindPerson, ID: id}, events.EventPersonRegistered, 1, 1,
			events.PersonRegistered{PersonID: id, Name: "Sealed Person", Email: "sealed.person@example.org", Department: "Claims"}, events.Meta{})
		if err != nil {
			b.Fatal(err)
		}
		return ev
	}
	open := func(b *testing.B, ev events.Event) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := events.Open(ev, keys); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("fields=none", func(b *testing.B) { open(b, person(b, events.NewID())) })
	b.Run("fields=sealed", func(b *testing.B) {
		ev, err := events.Seal(person(b, events.NewID()), keys)
		if err != nil {
			b.Fatal(err)
		}
		open(b, ev)
	})
	b.Run("fields=erased", func(b *testing.B) {
		id := events.NewID()
		ev, err := events.Seal(person(b, id), keys)
		if err != nil {
			b.Fatal(err)
		}
		if err := keys.Erase(ctx, events.PersonSubject(id)); err != nil {
			b.Fatal(err)
		}
		open(b, ev)
	})
}
