package api

import (
	"bytes"
	"reflect"
)

// takesScalar reports whether a field of type t takes only a JSON scalar.
func takesScalar(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if implements(t, jsonUnmarshalerType) || implements(t, textUnmarshalerType) {
		return false
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// flatKeys is exactKeys's short way, for a body of a struct whose fields
// all take scalars (an NDJSON import line, most requests): it reads the
// keys straight off the bytes, without a decoder's tokens, and answers the
// first that matches a field only by case. done is false when it cannot
// tell (another type, a key with an escape, a value that is not a scalar):
// walkKeys then decides.
func flatKeys(body []byte, t reflect.Type) (field string, done bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fields := fieldsOf(t)
	i := skipSpace(body, 0)
	if fields == nil || !fields.flat || i >= len(body) || body[i] != '{' {
		return "", false
	}
	for i = skipSpace(body, i+1); i < len(body) && body[i] != '}'; {
		end := stringEnd(body, i)
		if end < 0 {
			return "", false
		}
		key := body[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return "", false
		}
		// The exact match first: it converts key without allocating.
		if _, exact := fields.types[string(key)]; !exact && fields.caseOnly(string(key)) {
			return string(key), true
		}
		if i = skipSpace(body, end); i >= len(body) || body[i] != ':' {
			return "", false
		}
		switch i = skipSpace(body, i+1); {
		case i >= len(body) || body[i] == '{' || body[i] == '[':
			return "", false
		case body[i] == '"':
			if i = stringEnd(body, i); i < 0 {
				return "", false
			}
		default:
			for i < len(body) && body[i] != ',' && body[i] != '}' {
				i++
			}
		}
		if i = skipSpace(body, i); i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	return "", i < len(body)
}

// skipSpace is the index of the first byte from i that is not JSON white
// space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index just past the JSON string that opens at i, and
// -1 when none opens there or it does not close.
func stringEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}
