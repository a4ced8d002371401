package events

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// oddString draws strings that need escaping: quotes, backslashes, control
// characters, HTML's <, > and &, U+2028 and U+2029, other Unicode and
// bytes that are not UTF-8, as well as plain ones and empty ones.
func oddString() *rapid.Generator[string] {
	pieces := rapid.SampledFrom([]string{
		"a", "Z9", " ", `"`, `\`, "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"\u2028", "\u2029", "é", "日本", "\U0001F600", "\xff", "\xe2\x80", "/", "cx.feedback.x",
	})
	return rapid.OneOf(
		rapid.Just(""),
		rapid.Custom(func(t *rapid.T) string {
			return strings.Join(rapid.SliceOfN(pieces, 1, 8).Draw(t, "pieces"), "")
		}),
		rapid.String(),
		rapid.Custom(func(t *rapid.T) string { return string(rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")) }),
	)
}

// jsonValue draws a JSON value of a few levels: what an event's data holds.
func jsonValue(depth int) *rapid.Generator[any] {
	leaves := []*rapid.Generator[any]{
		rapid.Map(oddString(), func(s string) any { return s }),
		rapid.Map(rapid.Int(), func(n int) any { return n }),
		rapid.Map(rapid.Float64(), func(f float64) any { return f }),
		rapid.Map(rapid.Bool(), func(b bool) any { return b }),
		rapid.Just[any](nil),
	}
	if depth == 0 {
		return rapid.OneOf(leaves...)
	}
	inner := jsonValue(depth - 1)
	return rapid.OneOf(append(leaves,
		rapid.Map(rapid.SliceOfN(inner, 0, 4), func(v []any) any { return v }),
		rapid.Map(rapid.MapOfN(oddString(), inner, 0, 4), func(v map[string]any) any { return v }),
	)...)
}

// rawData draws an event's data as it may reach Encode: encoding/json's own
// bytes, or the same JSON indented or with <, > and & left unescaped, which
// json.Marshal compacts and escapes.
func rawData(t *rapid.T) json.RawMessage {
	v := jsonValue(3).Draw(t, "data")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(rapid.Bool().Draw(t, "escapeHTML"))
	if rapid.Bool().Draw(t, "indent") {
		enc.SetIndent(" ", "\t")
	}
	if err := enc.Encode(v); err != nil {
		// NaN and the infinities are not JSON; any JSON will do.
		return json.RawMessage(`{"x": 1}`)
	}
	return json.RawMessage(buf.Bytes())
}

// TestEncodeWritesExactlyWhatEncodingJSONWrites: the hand encoder of the
// envelope writes, for random events with odd strings, odd data and any
// time zone (years 1 to 9999), the very bytes json.Marshal writes, on which the log's digest
// depends.
func TestEncodeWritesExactlyWhatEncodingJSONWrites(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := oddString()
		opt := func(label string) string {
			if rapid.Bool().Draw(t, label+"?") {
				return ""
			}
			return s.Draw(t, label)
		}
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		e := Event{
			SpecVersion: SpecVersion, ID: s.Draw(t, "id"), Type: s.Draw(t, "type"), Source: s.Draw(t, "source"),
			Subject:          s.Draw(t, "subject"),
			Time:             time.Unix(rapid.Int64Range(-62135596800+14*3600, 253402300799-14*3600).Draw(t, "unix"), rapid.Int64Range(0, 999999999).Draw(t, "nanos")).In(zone),
			DataContentType:  s.Draw(t, "datacontenttype"),
			Data:             rawData(t),
			SchemaVersion:    rapid.Int().Draw(t, "schemaversion"),
			AggregateVersion: rapid.Uint64().Draw(t, "aggregateversion"),
			Actor:            opt("actor"), ActorToken: opt("actortoken"), CorrelationID: opt("correlationid"),
			CausationID: opt("causationid"), IdempotencyKey: opt("idempotencykey"), RequestHash: opt("requesthash"),
		}
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		got, err := e.appendEnvelope(nil)
		if err != nil {
			t.Fatalf("appendEnvelope: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("hand encoder wrote\n%q\nencoding/json wrote\n%q", got, want)
		}
	})
}

// TestEncodeRefusesWhatEncodingJSONRefuses: data that is not JSON and a
// time outside years 0 to 9999 are errors, as they are for json.Marshal,
// and Encode names the data's fault as Validate does.
func TestEncodeRefusesWhatEncodingJSONRefuses(t *testing.T) {
	good := Event{SpecVersion: SpecVersion, ID: "01J", Type: "cx.feedback.feedback_logged", Source: DefaultSource,
		Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), DataContentType: DataContentType, Data: json.RawMessage(`{}`)}
	badData := good
	badData.Data = json.RawMessage(`{"a":`)
	if _, err := badData.Encode(); err == nil || !strings.Contains(err.Error(), "data is not JSON") {
		t.Errorf("Encode of data that is not JSON: %v, want an error saying so", err)
	}
	late := good
	late.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := json.Marshal(&late); err == nil {
		t.Fatal("json.Marshal took year 10000")
	}
	if _, err := late.Encode(); err == nil {
		t.Error("Encode took year 10000")
	}
}
