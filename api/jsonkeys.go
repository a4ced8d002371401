package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

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
	fields := fieldsOf(t)
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
			if fields.caseOnly(key) {
				return at, nil
			}
			vt = fields.types[key]
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

// jsonFields are a struct type's JSON fields, by name.
type jsonFields struct {
	types map[string]reflect.Type
	// flat says every field takes a JSON scalar (a string, number,
	// boolean or null): flatKeys can then check a body on its own.
	flat bool
}

// structFields keeps each struct type's jsonFields, built once.
var structFields sync.Map // reflect.Type -> *jsonFields

// fieldsOf is t's JSON fields, nil when t is not a struct.
func fieldsOf(t reflect.Type) *jsonFields {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if v, ok := structFields.Load(t); ok {
		return v.(*jsonFields)
	}
	fs := &jsonFields{types: map[string]reflect.Type{}, flat: !implements(t, jsonUnmarshalerType) && !implements(t, textUnmarshalerType)}
	for _, f := range events.JSONFields(t) {
		fs.types[f.Name] = f.Type
		fs.flat = fs.flat && takesScalar(f.Type)
	}
	structFields.Store(t, fs)
	return fs
}

// caseOnly reports whether key names a field only when compared without
// regard to case.
func (fs *jsonFields) caseOnly(key string) bool {
	if _, exact := fs.types[key]; exact {
		return false
	}
	for name := range fs.types {
		if strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}
