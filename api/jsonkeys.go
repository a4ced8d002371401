package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"cxtracker/events"
)

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// exactKeys refuses, as an unknown field, a key of body that names a field
// of t only when compared without regard to case: encoding/json matches
// {"Name":..} to the field "name", so a client's typo would be taken
// silently, and two spellings of one field would both be taken. It walks
// body (already decoded once, so well formed) along t's JSON fields, nested
// objects and lists included.
func exactKeys(body []byte, t reflect.Type) *Problem {
	field, done := flatKeys(body, t)
	if !done {
		var err error
		if field, err = walkKeys(json.NewDecoder(bytes.NewReader(body)), t, ""); err != nil {
			return nil // The decode before has already judged the syntax.
		}
	}
	if field == "" {
		return nil
	}
	return &Problem{Status: http.StatusBadRequest, Title: "Bad request", Detail: "the body has a field this endpoint does not take",
		Errors: []FieldError{{Field: clipField(field), Message: "is not a field of this request (field names match exactly, case included)"}}}
}

// walkKeys reads one value of dec, of Go type t (nil when any value goes),
// and returns the path of the first key that matches a field only by case.
func walkKeys(dec *json.Decoder, t reflect.Type, path string) (string, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (implements(t, jsonUnmarshalerType) || implements(t, textUnmarshalerType)) {
		t = nil // A type that reads its own JSON has no fields to check.
	}
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if f, err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", path, i)); f != "" || err != nil {
				return f, err
			}
		}
		_, err := dec.Token()
		return "", err
	}
	return "", nil
}

// walkObject reads the members of an object up to its closing brace.
func walkObject(dec *json.Decoder, t reflect.Type, path string) (string, error) {
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = map[string]reflect.Type{}
		for _, f := range events.JSONFields(t) {
			fields[f.Name] = f.Type
		}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		key, _ := tok.(string)
		at := key
		if path != "" {
			at = path + "." + key
		}
		var vt reflect.Type
		switch {
		case fields != nil:
			ft, exact := fields[key]
			if !exact {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return at, nil
					}
				}
			}
			vt = ft
		case t != nil && t.Kind() == reflect.Map:
			vt = t.Elem()
		}
		if f, err := walkKeys(dec, vt, at); f != "" || err != nil {
			return f, err
		}
	}
	_, err := dec.Token()
	return "", err
}
