package events_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"cxtracker/events"
)

// testKeys keeps a key per subject in memory, made on first use; erased
// subjects have none.
type testKeys struct {
	mu     sync.Mutex
	aeads  map[string]cipher.AEAD
	erased map[string]bool
}

func newTestKeys() *testKeys {
	return &testKeys{aeads: map[string]cipher.AEAD{}, erased: map[string]bool{}}
}

func (k *testKeys) Sealing(subject string) (cipher.AEAD, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.erased[subject] {
		return nil, events.ErrErasedSubject
	}
	if a, ok := k.aeads[subject]; ok {
		return a, nil
	}
	key := make([]byte, 32)
	copy(key, subject)
	block, _ := aes.NewCipher(key)
	a, _ := cipher.NewGCM(block)
	k.aeads[subject] = a
	return a, nil
}

func (k *testKeys) Opening(subject string) (cipher.AEAD, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.aeads[subject], nil
}

func sealTestEvent(t testing.TB, kind, name string, p any) events.Event {
	t.Helper()
	agg := events.Aggregate{Kind: kind, ID: events.NewID()}
	ev, err := events.NewEvent(agg, name, 1, 1, p, events.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestSealingRewritesOnlyThePersonalValues seals events of every kind
// with personal fields, texts that need escaping among them: each
// personal value is sealed, every other byte of the data is as encoded,
// and opening gives the data back.
func TestSealingRewritesOnlyThePersonalValues(t *testing.T) {
	keys := newTestKeys()
	id := events.NewID()
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		ev      events.Event
		secrets []string
		subject string
	}{
		{sealTestEvent(t, events.KindPerson, events.EventPersonRegistered, events.PersonRegistered{PersonID: id, Name: `Zoë "Z" O'Neil \ <z>`, Email: "z@example.org", Department: "Claims"}),
			[]string{"Zo", "z@example.org"}, events.PersonSubject(id)},
		{sealTestEvent(t, events.KindAccount, events.EventAccountChanged, events.AccountChanged{AccountID: id, Name: "ACME", Segment: "SMB", OwnerID: id, Contact: "Jo\n<jo@acme.example>"}),
			[]string{"jo@acme"}, events.AccountSubject(id)},
		{sealTestEvent(t, events.KindFeedback, events.EventFeedbackLogged, events.FeedbackLogged{FeedbackID: id, TouchpointID: id, Metric: "nps", Score: 3, Comment: "slow \u2028 \"refund\"", AccountID: id}),
			[]string{"refund"}, events.AccountSubject(id)},
		{sealTestEvent(t, events.KindFeedback, events.EventFeedbackLogged, events.FeedbackLogged{FeedbackID: id, TouchpointID: id, Metric: "nps", Score: 3, Comment: "no account here", OccurredAt: at}),
			[]string{"no account"}, events.CommentsSubject(at)},
	} {
		sealed, err := events.Seal(c.ev, keys)
		if err != nil {
			t.Fatalf("%s: %v", c.ev.Type, err)
		}
		for _, s := range c.secrets {
			if bytes.Contains(sealed.Data, []byte(s)) {
				t.Errorf("%s: sealed data still holds %q: %s", c.ev.Type, s, sealed.Data)
			}
		}
		if !bytes.Contains(sealed.Data, []byte(`"cxsealed:v1:`+c.subject+`:`)) {
			t.Errorf("%s: not sealed under %s: %s", c.ev.Type, c.subject, sealed.Data)
		}
		var before, after map[string]json.RawMessage
		if err := json.Unmarshal(c.ev.Data, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sealed.Data, &after); err != nil {
			t.Fatalf("%s: sealed data is not JSON: %v: %s", c.ev.Type, err, sealed.Data)
		}
		for k, v := range before {
			if !strings.HasPrefix(string(after[k]), `"cxsealed:`) && !bytes.Equal(after[k], v) {
				t.Errorf("%s: %s was %s and is %s", c.ev.Type, k, v, after[k])
			}
		}
		opened, err := events.Open(sealed, keys)
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		var want map[string]any
		_ = json.Unmarshal(opened.Data, &back)
		_ = json.Unmarshal(c.ev.Data, &want)
		if !reflect.DeepEqual(back, want) {
			t.Errorf("%s: opened %s, want %s", c.ev.Type, opened.Data, c.ev.Data)
		}
		if again, err := events.Seal(sealed, keys); err != nil || !bytes.Equal(again.Data, sealed.Data) {
			t.Errorf("%s: sealing twice changed the data: %v", c.ev.Type, err)
		}
	}
}

// TestSealingRefusesWhatItCannotSeal refuses data that is not an object,
// personal data with no subject, and an erased subject.
func TestSealingRefusesWhatItCannotSeal(t *testing.T) {
	keys := newTestKeys()
	ev := sealTestEvent(t, events.KindPerson, events.EventPersonRegistered, events.PersonRegistered{PersonID: "p1", Name: "N", Email: "e@example.org"})
	for _, bad := range []string{`[1]`, `{"name":"N"`, `{"name":"N","person_id":""}`, `{"name":"N" "email":"x"}`} {
		e := ev
		e.Data = json.RawMessage(bad)
		if _, err := events.Seal(e, keys); err == nil {
			t.Errorf("sealed %s", bad)
		}
	}
	keys.erased[events.PersonSubject("p1")] = true
	if _, err := events.Seal(ev, keys); err == nil {
		t.Error("sealed personal data of an erased subject")
	}
}

// BenchmarkSeal seals the comment of one imported feedback item, as the
// import does for each line.
func BenchmarkSeal(b *testing.B) {
	keys := newTestKeys()
	id := events.NewID()
	ev := sealTestEvent(b, events.KindFeedback, events.EventFeedbackLogged, events.FeedbackLogged{FeedbackID: id, TouchpointID: id, Metric: "nps", Score: 3,
		Comment: "The agent was friendly but I had to call twice about the refund", Segment: "smb", Source: "survey", OccurredAt: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := events.Seal(ev, keys); err != nil {
			b.Fatal(err)
		}
	}
}
