package jetstream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/events/jetstream/jstest"
)

// TestPersonalFieldsAreSealedInTheLogAndReadErasedOnceTheKeyIsErased
// stores a person through a store with keys: the log's bytes hold no name
// or e-mail, a read opens them, and once the key is erased every read
// shows them erased while the stored bytes stay as they were.
func TestPersonalFieldsAreSealedInTheLogAndReadErasedOnceTheKeyIsErased(t *testing.T) {
	ctx := context.Background()
	srv := jstest.Server(t, t.TempDir())
	st := jstest.Open(t, srv)
	keys, err := st.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const email = "sealed.person.9k@example.org"
	id := events.NewID()
	agg := events.Aggregate{Kind: events.KindPerson, ID: id}
	ev, err := events.NewEvent(agg, events.EventPersonRegistered, 1, 1, events.PersonRegistered{PersonID: id, Name: "Sealed Person", Email: email, Department: "Claims"}, events.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Append(ctx, agg, events.ExpectNew(), ev); err != nil {
		t.Fatal(err)
	}
	read := func() events.Record {
		t.Helper()
		var got events.Record
		if err := st.Read(ctx, events.FromSeq(1), func(r events.Record) error { got = r; return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := read()
	if bytes.Contains(before.Raw, []byte(email)) || !bytes.Contains(before.Raw, []byte("cxsealed:v1:person."+id+":")) {
		t.Fatalf("the stored event is not sealed: %s", before.Raw)
	}
	p, err := events.DecodePayload(before.Event)
	if err != nil || p.(events.PersonRegistered).Email != email {
		t.Fatalf("the read does not open the e-mail: %v %v", p, err)
	}
	if err := keys.Erase(ctx, events.PersonSubject(id)); err != nil {
		t.Fatal(err)
	}
	after := read()
	if !bytes.Equal(after.Raw, before.Raw) {
		t.Fatal("erasing the key changed the stored bytes")
	}
	var data map[string]any
	if err := json.Unmarshal(after.Event.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data["email"] != events.Erased || data["name"] != events.Erased || !strings.Contains(string(after.Event.Data), `"erased_fields":["name","email"]`) {
		t.Fatalf("after the erasure the event reads %s", after.Event.Data)
	}
	if _, err := keys.Sealing(events.PersonSubject(id)); err == nil {
		t.Fatal("an erased subject was given a fresh key")
	}
	if err := keys.Erase(ctx, events.PersonSubject(id)); err != nil {
		t.Fatalf("erasing again: %v", err)
	}
}
