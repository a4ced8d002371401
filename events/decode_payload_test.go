package events

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// plainTypes are the registered payload types the fast path decodes.
func plainTypes() []EventType {
	var out []EventType
	for _, et := range EventTypes() {
		if plainFieldsOf(et.goType) != nil {
			out = append(out, et)
		}
	}
	return out
}

// decodeBoth decodes data as et's payload by the fast path and by
// encoding/json (as a replay does, unknown fields allowed): whether the
// fast path took it, and both results.
func decodeBoth(et EventType, data []byte) (took bool, fast, ref any, refErr error) {
	fv := reflect.New(et.goType)
	took = decodePlain(data, fv.Elem(), plainFieldsOf(et.goType))
	rv := reflect.New(et.goType)
	refErr = json.NewDecoder(bytes.NewReader(data)).Decode(rv.Interface())
	return took, fv.Elem().Interface(), rv.Elem().Interface(), refErr
}

// Every corpus example of a flat payload type takes the fast path, with
// what encoding/json decodes from it; the others are left to it.
func TestThePayloadFastPathTakesTheCorpusAsEncodingJSONDoes(t *testing.T) {
	plain := plainTypes()
	if len(plain) < len(EventTypes())/2 {
		t.Fatalf("the fast path decodes only %d of %d payload types", len(plain), len(EventTypes()))
	}
	for _, et := range plain {
		raw, err := os.ReadFile(filepath.Join("testdata", et.Type+".v1.json"))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		took, fast, ref, refErr := decodeBoth(et, ev.Data)
		if refErr != nil || !took || !reflect.DeepEqual(fast, ref) {
			t.Errorf("%s: fast path took it %v as %+v; encoding/json %+v (%v)", et.Type, took, fast, ref, refErr)
		}
	}
}

func TestThePayloadFastPathLeavesTheUnusualToEncodingJSON(t *testing.T) {
	for name, data := range map[string]string{
		"escaped string":  `{"feedback_id":"a\"b","score":1}`,
		"unknown field":   `{"feedback_id":"a","extra":1}`,
		"repeated field":  `{"score":1,"score":2}`,
		"other case":      `{"Score":1}`,
		"null":            `{"comment":null}`,
		"fraction":        `{"score":1.0}`,
		"exponent":        `{"score":1e1}`,
		"out of range":    `{"score":9223372036854775808}`,
		"leading zero":    `{"score":01}`,
		"not a time":      `{"occurred_at":"yesterday"}`,
		"trailing data":   `{"score":1} 2`,
		"invalid UTF-8":   "{\"comment\":\"caf\xe9\"}",
		"not an object":   `[1]`,
		"missing a comma": `{"score":1 "metric":"nps"}`,
	} {
		var p FeedbackLogged
		if decodePlain([]byte(data), reflect.ValueOf(&p).Elem(), plainFieldsOf(reflect.TypeFor[FeedbackLogged]())) {
			t.Errorf("%s: the fast path took %s", name, data)
		}
	}
}

// FuzzDecodePayload holds the payload fast path to encoding/json: whatever
// the fast path accepts, encoding/json accepts with the same result.
func FuzzDecodePayload(f *testing.F) {
	f.Add(uint8(0), []byte(`{"feedback_id":"01HQ8Z3M6X1D2R7K9P0ABCDEFH","touchpoint_id":"T","metric":"nps","score":-9,"occurred_at":"2024-11-05T13:58:00+01:00"}`))
	f.Add(uint8(1), []byte(`{"action_taken":"called back","customer_informed":true}`))
	f.Add(uint8(2), []byte(`{ "comment" : "caf\u00e9 é" , "score" : 0 }`))
	f.Add(uint8(3), []byte(`{"occurred_at":"2024-11-05T13:58:00.123456789Z","Metric":"csat","metric":"nps"}`))
	plain := plainTypes()
	f.Fuzz(func(t *testing.T, pick uint8, data []byte) {
		et := plain[int(pick)%len(plain)]
		took, fast, ref, refErr := decodeBoth(et, data)
		if !took {
			return
		}
		if refErr != nil {
			t.Fatalf("%s: the fast path took what encoding/json refuses (%v): %q", et.Type, refErr, data)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("%s: the fast path decoded %+v, encoding/json %+v, from %q", et.Type, fast, ref, data)
		}
	})
}
