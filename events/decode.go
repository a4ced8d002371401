package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Decode parses a stored event and checks it the way Validate does.
//
// Replaying the log decodes every event, and encoding/json spends most of a
// replay's time on this flat envelope. So Decode first tries a single-pass
// scanner that knows the envelope's fields and validates the JSON grammar of
// the data as it skips it; anything it does not expect (an escaped envelope
// string, an unknown field, a null) falls back to encoding/json, whose answer
// is the reference. FuzzDecode holds the two to the same results.
func Decode(raw []byte) (Event, error) {
	var e Event
	if !decodeFast(raw, &e) {
		// Its own variable, so that only an event that falls back is moved
		// to the heap (encoding/json takes its address), not every one.
		var slow Event
		if err := json.Unmarshal(raw, &slow); err != nil {
			return Event{}, fmt.Errorf("%w: %v", ErrUndecodable, err)
		}
		e = slow
	}
	if err := e.validate(false); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrUndecodable, err)
	}
	return e, nil
}

// maxDepth bounds the nesting the fast path follows; deeper data falls back.
const maxDepth = 200

// decodeFast fills e from raw when raw is an envelope of the usual shape, and
// reports false otherwise, having decided nothing.
func decodeFast(raw []byte, e *Event) bool {
	s := scanner{b: raw}
	return s.object(func(key []byte) bool { return s.field(key, e) })
}

// object reads the whole text as one object whose keys are plain strings
// (see plainString), handing each key to value, which reads its value; it
// reports false at anything else, or when value does.
func (s *scanner) object(value func(key []byte) bool) bool {
	s.ws()
	if !s.eat('{') {
		return false
	}
	s.ws()
	if s.eat('}') {
		return s.end()
	}
	for {
		s.ws()
		key, ok := s.plainString()
		if !ok {
			return false
		}
		s.ws()
		if !s.eat(':') {
			return false
		}
		s.ws()
		if !value(key) {
			return false
		}
		s.ws()
		if s.eat('}') {
			return s.end()
		}
		if !s.eat(',') {
			return false
		}
	}
}

// scanner walks a JSON text byte by byte.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// field decodes the value of one envelope attribute into e.
func (s *scanner) field(key []byte, e *Event) bool {
	var str *string
	switch string(key) {
	case "specversion":
		str = &e.SpecVersion
	case "id":
		str = &e.ID
	case "type":
		v, ok := s.plainString()
		if ok {
			e.Type = internType(v)
		}
		return ok
	case "source":
		str = &e.Source
	case "subject":
		str = &e.Subject
	case "datacontenttype":
		str = &e.DataContentType
	case "actor":
		str = &e.Actor
	case "actortoken":
		str = &e.ActorToken
	case "correlationid":
		str = &e.CorrelationID
	case "causationid":
		str = &e.CausationID
	case "idempotencykey":
		str = &e.IdempotencyKey
	case "requesthash":
		str = &e.RequestHash
	case "time":
		v, ok := s.plainString()
		return ok && e.Time.UnmarshalText(v) == nil
	case "schemaversion":
		n, ok := s.uint(31)
		e.SchemaVersion = int(n)
		return ok
	case "aggregateversion":
		n, ok := s.uint(64)
		e.AggregateVersion = n
		return ok
	case "data":
		start := s.i
		if !s.value(0) {
			return false
		}
		e.Data = json.RawMessage(s.b[start:s.i:s.i])
		return true
	default:
		return false
	}
	v, ok := s.plainString()
	if ok {
		*str = intern(v)
	}
	return ok
}

// intern spares an allocation for the values nearly every event repeats.
func intern(v []byte) string {
	switch string(v) {
	case SpecVersion:
		return SpecVersion
	case DataContentType:
		return DataContentType
	case DefaultSource:
		return DefaultSource
	}
	return string(v)
}

// internType spares the allocation of an event type the catalogue knows.
func internType(v []byte) string {
	if et, ok := catalogue.byType[string(v)]; ok {
		return et.Type
	}
	return string(v)
}

// plainString reads a string without escapes or control characters, the only
// kind the envelope's attributes hold; others are left to encoding/json.
func (s *scanner) plainString() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	if !s.plainTail() {
		return nil, false
	}
	v := s.b[start : s.i-1]
	// encoding/json replaces invalid UTF-8; leave such text to it.
	return v, utf8.Valid(v)
}

// uint reads a non-negative integer that fits in bits bits.
func (s *scanner) uint(bits uint) (uint64, bool) {
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		d := uint64(s.b[s.i] - '0')
		if n > (1<<bits-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
		s.i++
	}
	if s.i == start || (s.b[start] == '0' && s.i-start > 1) {
		return 0, false
	}
	return n, s.i < len(s.b) && !isNumberByte(s.b[s.i])
}

func isNumberByte(c byte) bool {
	return c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+' || (c >= '0' && c <= '9')
}

// value skips one JSON value, checking its grammar as RFC 8259 states it.
func (s *scanner) value(depth int) bool {
	if s.i >= len(s.b) || depth > maxDepth {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return s.container('}', depth, true)
	case c == '[':
		return s.container(']', depth, false)
	case c == '"':
		return s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	default:
		return s.literal("true") || s.literal("false") || s.literal("null")
	}
}

// container skips an object (keyed) or an array up to its closing byte.
func (s *scanner) container(closing byte, depth int, keyed bool) bool {
	s.i++
	s.ws()
	if s.eat(closing) {
		return true
	}
	for {
		s.ws()
		if keyed {
			if !s.str() {
				return false
			}
			s.ws()
			if !s.eat(':') {
				return false
			}
			s.ws()
		}
		if !s.value(depth + 1) {
			return false
		}
		s.ws()
		if s.eat(closing) {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// str skips a string, checking its escapes.
func (s *scanner) str() bool {
	if !s.eat('"') {
		return false
	}
	if s.plainTail() {
		return true
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		s.i++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if s.i >= len(s.b) {
				return false
			}
			esc := s.b[s.i]
			s.i++
			switch esc {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if s.i+4 > len(s.b) {
					return false
				}
				for _, h := range s.b[s.i : s.i+4] {
					if !isHex(h) {
						return false
					}
				}
				s.i += 4
			default:
				return false
			}
		}
	}
	return false
}

// plainTail skips the rest of a string that holds no escape and no
// control character, the usual kind, and reports whether it did: the
// closing quote is found at once, and only the bytes before it checked.
func (s *scanner) plainTail() bool {
	end := bytes.IndexByte(s.b[s.i:], '"')
	if end < 0 {
		return false
	}
	for _, c := range s.b[s.i : s.i+end] {
		if c == '\\' || c < 0x20 {
			return false
		}
	}
	s.i += end + 1
	return true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// number skips -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() bool {
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.digits() == 0:
		return false
	}
	if s.eat('.') && s.digits() == 0 {
		return false
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) digits() int {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}
