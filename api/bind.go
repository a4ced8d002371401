package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// bind decodes the JSON body into v, a request type (never a domain type):
// unknown fields, malformed JSON, a value of the wrong JSON type and
// trailing data are 400s; a body over the limit is a 413. A write's
// top-level occurred_at is taken out for the write path (occurred_at.go).
func bind(c echo.Context, v any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != echo.MIMEApplicationJSON && mt != "application/merge-patch+json") {
			return &Problem{Status: http.StatusUnsupportedMediaType, Title: "Unsupported media type", Detail: "send the body as application/json"}
		}
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return decodeProblem(err)
	}
	if body, err = takeOccurredAt(c, body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("the body holds more than one JSON value")
	}
	if p := exactKeys(body, reflect.TypeOf(v)); p != nil {
		return p
	}
	return nil
}

// decodeProblem says what is wrong with a body in words a client can act on.
func decodeProblem(err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooBig   *http.MaxBytesError
		unknownF = "json: unknown field "
	)
	switch {
	case errors.As(err, &tooBig):
		return tooLarge(tooBig.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return bodyTooSlow()
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the body ends before its JSON does")
	case errors.As(err, &syntax):
		return badRequest("malformed JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return badRequest("the body must be a JSON %s", "object")
		}
		return &Problem{Status: http.StatusBadRequest, Title: "Bad request", Detail: "a field has the wrong JSON type",
			Errors: []FieldError{{Field: field, Message: fmt.Sprintf("must be a JSON %s", jsonKind(typeErr.Type.Kind().String()))}}}
	case len(err.Error()) > len(unknownF) && err.Error()[:len(unknownF)] == unknownF:
		name := err.Error()[len(unknownF):]
		return &Problem{Status: http.StatusBadRequest, Title: "Bad request", Detail: "the body has a field this endpoint does not take",
			Errors: []FieldError{{Field: clipField(trimQuotes(name)), Message: "is not a field of this request"}}}
	}
	return badRequest("the body is not valid JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	default:
		return "number"
	}
}

func trimQuotes(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// clipField cuts a field name a client wrote to the length the document
// allows a problem's field, so that a long unknown key cannot make the
// answer longer than documented.
func clipField(name string) string {
	if utf8.RuneCountInString(name) <= events.MaxShortText {
		return name
	}
	return string([]rune(name)[:events.MaxShortText-1]) + "…"
}

// bindOptional binds a body that a client may leave out altogether, as a
// DELETE or a closing POST with nothing to add usually does: an empty body
// is the zero request; anything sent is bound as strictly as bind does.
func bindOptional(c echo.Context, v any) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	return bind(c, v)
}
