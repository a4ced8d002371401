package api

import (
	"math"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"cxtracker/events"
	"cxtracker/webhooks"
)

// Bounds the OpenAPI document gives every string, integer and list, so that
// a client (and a scanner such as Spectral's OWASP ruleset) knows the most
// each may hold. A free-text field's limit comes from its kind in
// events/text.go, the one place the write side checks it against; the
// others are facts of their form, named here once.
const (
	// maxDateTime is the longest RFC 3339 time Go writes: nanoseconds and
	// an offset.
	maxDateTime = len(time.RFC3339Nano)
	// maxWord bounds the words the server writes itself: event names,
	// kinds, statuses, grants, roles.
	maxWord = 100
	// maxETag is a quoted uint64 with a weak prefix: W/"18446744073709551615".
	maxETag = 24
	// maxCursor is the base64 of the longest key a page is ordered by.
	maxCursor = 4 * (events.MaxShortText + 2*ulid.EncodedSize) / 3
	// maxSafeInteger is the largest integer every JSON reader, JavaScript's
	// included, reads exactly; counts and sequences stay far below it.
	maxSafeInteger = 1<<53 - 1
)

// idLength is the length of every entity id (a ULID); maxDateTimeLen is
// maxDateTime where a pointer is needed.
var (
	idLength       = ulid.EncodedSize
	maxDateTimeLen = maxDateTime
)

// serverStrings are the strings the server writes or reads that are neither
// free text, nor ids, nor times: each with its longest form.
var serverStrings = map[string]int{
	"digest":         2 * 32, // SHA-256 in hex
	"token":          len(TokenPrefix) + 43,
	"cursor":         maxCursor,
	"detail":         events.MaxLongText,
	"message":        events.MaxLongText,
	"field":          events.MaxShortText,
	"actor":          events.MaxShortText,
	"reported_by":    events.MaxShortText, // the event's actor
	"correlation_id": maxRequestID,
	"email":          events.MaxEmail,
	"path":           len(SignInLinkPath) + 43, // a sign-in link's code: 32 bytes in base64url
	// A webhook's endpoint, who registered it (an actor), what it failed with.
	"url":           events.MaxWebhookURL,
	"registered_by": events.MaxShortText,
	"last_error":    webhooks.MaxError,
	"error":         webhooks.MaxError,
}

// limitString gives the string schema s of the field (or parameter) named
// name its maxLength. An enumeration needs none.
func limitString(name string, s *jsonSchema) {
	if s == nil || s.Type != "string" || len(s.Enum) > 0 || s.MaxLength != nil {
		return
	}
	n := maxWord
	if k, ok := events.TextKindOf(name); ok {
		n = k.MaxLen()
	} else if v, ok := serverStrings[name]; ok {
		n = v
	} else {
		switch {
		case s.Format == "date-time" || strings.HasSuffix(name, "_at") || name == "as_of" || name == "from" || name == "to":
			n = maxDateTime
		case s.Format == "byte":
			n = events.MaxLongText
		case isIDName(name):
			n = idLength
		case strings.HasSuffix(name, "_name"), strings.HasSuffix(name, "_without_ambassador"):
			n = events.MaxShortText
		case strings.HasSuffix(name, "_reason"), strings.HasSuffix(name, "_note"):
			n = events.MaxLongText
		}
	}
	s.MaxLength = &n
}

// isIDName reports whether a field or parameter of this name holds entity
// ids: id, owner_id, feedback_ids, decided_by, or a query filter by one
// entity (journey, touchpoint, owner).
func isIDName(name string) bool {
	switch name {
	case "id", "by", "owner", "journey", "touchpoint", "ambassadors", "initiatives_without_owner", "kpis_without_owner":
		return true
	}
	return strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids") || strings.HasSuffix(name, "_by")
}

// limit bounds the schema s of the field named name: a string by
// limitString, a list by maxItems (its items by the field's name too), and
// an integer by its Go type's range cut to what JSON readers hold exactly.
func (g *schemaGen) limit(name string, s *jsonSchema) {
	if s == nil {
		return
	}
	for _, inner := range s.AllOf {
		g.limit(name, inner)
	}
	switch s.Type {
	case "string":
		limitString(name, s)
	case "array":
		if s.MaxItems == nil {
			n := g.maxItems
			s.MaxItems = &n
		}
		g.limit(name, s.Items)
	case "object":
		if m, ok := s.AdditionalProperties.(*jsonSchema); ok {
			g.limit(name, m)
		}
	}
}

// integerSchema is the schema of an integer of the given bit size, signed
// or not, bounded by its range and by what JSON readers hold exactly.
func integerSchema(bits int, signed bool) *jsonSchema {
	format := "int64"
	if bits <= 32 {
		format = "int32"
	}
	hi := math.Min(math.Pow(2, float64(bits))-1, maxSafeInteger)
	lo := 0.0
	if signed {
		hi = math.Min(math.Pow(2, float64(bits-1))-1, maxSafeInteger)
		lo = -hi
	}
	return &jsonSchema{Type: "integer", Format: format, Minimum: &lo, Maximum: &hi}
}

// boundedInteger is an integer schema from lo to hi.
func boundedInteger(lo, hi float64) *jsonSchema {
	return &jsonSchema{Type: "integer", Format: "int64", Minimum: &lo, Maximum: &hi}
}
