package events

import (
	"reflect"
	"strconv"
	"time"
)

// JSONSchemaDialect is the JSON Schema version of the published schemas.
const JSONSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// JSONSchema is the JSON Schema of the type's data at its current schema
// version, generated from its payload type, so that the published contract
// cannot say other than the code. Unknown properties are allowed: a reader
// must ignore fields added within a version (see EVENTS.md).
func (t EventType) JSONSchema() map[string]any {
	s := SchemaOf(t.goType)
	s["$schema"] = JSONSchemaDialect
	s["$id"] = "schemas/" + t.Type + ".v" + strconv.Itoa(t.Version) + ".json"
	s["title"] = t.Type + " data, schema version " + strconv.Itoa(t.Version)
	return s
}

var timeType = reflect.TypeFor[time.Time]()

// SchemaOf is the JSON Schema of a Go type as encoding/json writes it: a
// struct's exported fields under their json names (embedded structs
// flattened), required unless omitempty, a pointer being a value that may be
// absent.
func SchemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == reflect.TypeFor[[]byte]():
		return map[string]any{"type": "string", "contentEncoding": "base64"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": SchemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": SchemaOf(t.Elem())}
	case reflect.Struct:
		props, required := map[string]any{}, []string{}
		for _, f := range JSONFields(t) {
			props[f.Name] = SchemaOf(f.Type)
			if !f.Optional && f.Type.Kind() != reflect.Pointer {
				required = append(required, f.Name)
			}
		}
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	case reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}
