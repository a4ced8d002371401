package events

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// sampleEvent is a typical stored event.
func sampleEvent(tb testing.TB) []byte {
	tb.Helper()
	agg := Aggregate{Kind: "feedback", ID: NewID()}
	e, err := NewEvent(agg, "feedback_logged", 2, 7, map[string]any{
		"feedback_id": NewID(), "score": 9, "ratio": -1.5e3, "ok": true, "none": nil,
		"comment": "Quick call, \"helpful\" agent \u00e9\\n", "tags": []any{"a", 1, map[string]any{}},
	}, Meta{Actor: NewID(), ActorToken: NewID(), CorrelationID: NewID(), CausationID: NewID(), IdempotencyKey: "retry-7", RequestHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := e.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

func TestDecodeFastPathAgreesWithEncodingJSON(t *testing.T) {
	raw := sampleEvent(t)
	var fast Event
	if !decodeFast(raw, &fast) {
		t.Fatal("the fast path refused an ordinary event")
	}
	var ref Event
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, ref) {
		t.Fatalf("fast path decoded\n%+v\nencoding/json decoded\n%+v", fast, ref)
	}
}

func TestDecodeRefusesWhatIsNotAnEvent(t *testing.T) {
	for name, raw := range map[string]string{
		"not JSON":        `{"id":`,
		"trailing data":   `{"specversion":"1.0"} x`,
		"bad data":        `{"specversion":"1.0","id":"A","type":"cx.crew.formed","source":"/s","time":"2026-01-02T03:04:05Z","data":{"a":01}}`,
		"no type":         `{"specversion":"1.0","id":"A","source":"/s","time":"2026-01-02T03:04:05Z","data":{}}`,
		"wrong spec":      `{"specversion":"0.3","id":"A","type":"cx.crew.formed","source":"/s","time":"2026-01-02T03:04:05Z","data":{}}`,
		"bad time":        `{"specversion":"1.0","id":"A","type":"cx.crew.formed","source":"/s","time":"yesterday","data":{}}`,
		"no data":         `{"specversion":"1.0","id":"A","type":"cx.crew.formed","source":"/s","time":"2026-01-02T03:04:05Z"}`,
		"type not ours":   `{"specversion":"1.0","id":"A","type":"crew.formed","source":"/s","time":"2026-01-02T03:04:05Z","data":{}}`,
		"bad escape data": `{"specversion":"1.0","id":"A","type":"cx.crew.formed","source":"/s","time":"2026-01-02T03:04:05Z","data":"\x"}`,
	} {
		if _, err := Decode([]byte(raw)); !errors.Is(err, ErrUndecodable) {
			t.Errorf("%s: Decode answered %v, want ErrUndecodable", name, err)
		}
	}
}

// FuzzDecode holds the fast path to encoding/json: whatever the fast path
// accepts, encoding/json accepts with the same result.
func FuzzDecode(f *testing.F) {
	f.Add(sampleEvent(f))
	f.Add([]byte(`{"specversion":"1.0","id":"A","type":"cx.crew.formed","source":"/s","time":"2026-01-02T03:04:05Z","data":[1,-0.5e+2,"\u00e9",null,{"x":[]}],"aggregateversion":18446744073709551615}`))
	f.Add([]byte(`{"ID":"a","data":{},"schemaversion":2147483648}`))
	f.Add([]byte(`{"id":"\u0041","data":"\ud800"}`))
	f.Add([]byte(`{"subject":"caf\xe9","data":0}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fast Event
		if !decodeFast(raw, &fast) {
			return
		}
		var ref Event
		if err := json.Unmarshal(raw, &ref); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, raw)
		}
		if !reflect.DeepEqual(fast, ref) && !(len(fast.Data) == len(ref.Data) && string(fast.Data) == string(ref.Data) && sameButData(fast, ref)) {
			t.Fatalf("fast path decoded %+v, encoding/json %+v, from %q", fast, ref, raw)
		}
	})
}

// sameButData compares events whose Data may differ only in being nil or empty.
func sameButData(a, b Event) bool {
	a.Data, b.Data = nil, nil
	return reflect.DeepEqual(a, b)
}
