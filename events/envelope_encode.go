package events

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// appendEnvelope appends the event's stored form to dst: exactly the bytes
// json.Marshal writes for an Event (the log's digest hangs on them), field
// by field in the struct's order, without reflection. The data is compacted
// and its <, > and & and U+2028 and U+2029 escaped, as json.Marshal does
// with a json.RawMessage; it fails when the data is not JSON. Strings that
// need escaping at all, and the time, are written by encoding/json and
// package time themselves, so no escaping rule is repeated here.
func (e *Event) appendEnvelope(dst []byte) ([]byte, error) {
	dst = appendField(dst, `{"specversion":`, e.SpecVersion)
	dst = appendField(dst, `,"id":`, e.ID)
	dst = appendField(dst, `,"type":`, e.Type)
	dst = appendField(dst, `,"source":`, e.Source)
	dst = appendField(dst, `,"subject":`, e.Subject)
	t, err := e.Time.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dst = append(append(dst, `,"time":`...), t...)
	dst = appendField(dst, `,"datacontenttype":`, e.DataContentType)
	dst = append(dst, `,"data":`...)
	if dst, err = appendData(dst, e.Data); err != nil {
		return nil, err
	}
	dst = strconv.AppendInt(append(dst, `,"schemaversion":`...), int64(e.SchemaVersion), 10)
	dst = strconv.AppendUint(append(dst, `,"aggregateversion":`...), e.AggregateVersion, 10)
	dst = appendOptional(dst, `,"actor":`, e.Actor)
	dst = appendOptional(dst, `,"actortoken":`, e.ActorToken)
	dst = appendOptional(dst, `,"correlationid":`, e.CorrelationID)
	dst = appendOptional(dst, `,"causationid":`, e.CausationID)
	dst = appendOptional(dst, `,"idempotencykey":`, e.IdempotencyKey)
	dst = appendOptional(dst, `,"requesthash":`, e.RequestHash)
	return append(dst, '}'), nil
}

// appendField appends a member's name (with its separator) and its string
// value.
func appendField(dst []byte, name, s string) []byte {
	return appendJSONString(append(dst, name...), s)
}

// appendOptional appends a string member unless it is empty (omitempty).
func appendOptional(dst []byte, name, s string) []byte {
	if s == "" {
		return dst
	}
	return appendField(dst, name, s)
}

// appendJSONString appends s as encoding/json writes a string: as it is,
// quoted, when it is printable ASCII with nothing to escape (every id,
// type and subject the tracker writes), else through json.Marshal.
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(s)) // a string always marshals
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// appendData appends raw JSON as json.Marshal writes a json.RawMessage:
// compacted, with <, >, & and U+2028 and U+2029 escaped. The escapes can
// only fall inside strings, so compacting first and escaping after writes
// what encoding/json's one pass does.
func appendData(dst, raw []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, raw); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	data := out[len(dst):]
	if !bytes.ContainsAny(data, "<>&") && bytes.IndexByte(data, 0xE2) < 0 { // 0xE2 leads U+2028 and U+2029
		return out, nil
	}
	var esc bytes.Buffer
	json.HTMLEscape(&esc, data)
	return append(out[:len(dst)], esc.Bytes()...), nil
}
