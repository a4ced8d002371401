package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// Every write may say when what it records happened: an optional top-level
// occurred_at (RFC 3339) in its JSON body, or, on a write that takes no
// body (a DELETE, a bare POST), the query parameter occurred_at. Each has
// only its own: the query parameter on a write with a body, or a body on a
// write without one, is a 400 that says where occurred_at goes. It becomes
// the event's business time (events.Meta.Time); without it the event
// happened now, on the Engine's clock. The Engine refuses a time in the
// future (422) or before the aggregate's latest (409); here a time more
// than BackdateLimit ago is refused (403) unless the caller may back-date.
//
// A feedback item's own occurred_at (POST /v1/feedback, each line of the
// import) is the customer's time, not the writer's claim about the
// program: it dates its event without the back-dating grant, so that a
// year of feedback imported today counts in that year.

// BackdateLimit is how far in the past a write may be dated without the
// admin grant or the backdate grant (see mayBackdate).
const BackdateLimit = 24 * time.Hour

// ctxBodyTime holds, once bind has read a write's body, that body's
// occurred_at (a bodyTime).
const ctxBodyTime = "cxtracker.occurred_at"

type bodyTime struct{ at time.Time }

// takeOccurredAt takes a write body's top-level occurred_at out of body
// for the write path (see occurredAt), unless t, the request type, has
// such a field of its own, and answers the body without it. It leaves a
// body that is not a JSON object as it is, for the strict decode to judge.
func takeOccurredAt(c echo.Context, body []byte, t reflect.Type) ([]byte, error) {
	if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
		return body, nil
	}
	c.Set(ctxBodyTime, bodyTime{})
	if !bytes.Contains(body, []byte(`"`+events.FieldOccurredAt+`"`)) || hasJSONField(t, events.FieldOccurredAt) {
		return body, nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body, nil
	}
	raw, ok := fields[events.FieldOccurredAt]
	if !ok {
		return body, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, &Problem{Status: http.StatusBadRequest, Title: "Bad request", Detail: "a field has the wrong JSON type",
			Errors: []FieldError{{Field: events.FieldOccurredAt, Message: "must be a JSON string"}}}
	}
	at, err := parseOccurredAt(s)
	if err != nil {
		return nil, err
	}
	c.Set(ctxBodyTime, bodyTime{at: at})
	delete(fields, events.FieldOccurredAt)
	return json.Marshal(fields)
}

// hasJSONField reports whether the struct t has a JSON field called name.
func hasJSONField(t reflect.Type, name string) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return false
	}
	return slices.ContainsFunc(events.JSONFields(t), func(f events.JSONField) bool { return f.Name == name })
}

// parseOccurredAt reads an occurred_at value, or says how to write one.
func parseOccurredAt(s string) (time.Time, error) {
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, invalid(FieldError{Field: events.FieldOccurredAt, Message: "must be an RFC 3339 time such as 2025-03-14T09:30:00Z"})
	}
	return at.UTC(), nil
}

// occurredAt is the business time the write gives (zero for now), from its
// body or, on a write that takes none, its query (only such a write takes
// the query parameter, and only a write with a body a body: see
// undeclared.go); a time more than BackdateLimit before now needs the
// caller to be allowed to back-date.
func (s *Server) occurredAt(c echo.Context) (time.Time, error) {
	bt, _ := c.Get(ctxBodyTime).(bodyTime)
	at := bt.at
	if q := c.QueryParam(events.FieldOccurredAt); q != "" {
		var err error
		if at, err = parseOccurredAt(q); err != nil {
			return time.Time{}, err
		}
	}
	if at.IsZero() {
		return at, nil
	}
	if ago := s.Engine.Now().Sub(at); ago > BackdateLimit && !mayBackdate(callerOf(c)) {
		return time.Time{}, notAllowed(fmt.Sprintf("occurred_at is %s ago: dating a write more than %s back needs the admin or the grant %s",
			ago.Round(time.Minute), BackdateLimit, events.GrantActionPrefix+ActionBackdate))
	}
	return at, nil
}
