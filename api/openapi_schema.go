package api

import (
	"cxtracker/events"
	"encoding"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// jsonSchema is an OpenAPI 3.0 schema object, as far as the document needs one.
type jsonSchema struct {
	Ref                  string                 `json:"$ref,omitempty"`
	Type                 string                 `json:"type,omitempty"`
	Format               string                 `json:"format,omitempty"`
	Description          string                 `json:"description,omitempty"`
	Nullable             bool                   `json:"nullable,omitempty"`
	Enum                 []string               `json:"enum,omitempty"`
	Minimum              *float64               `json:"minimum,omitempty"`
	Maximum              *float64               `json:"maximum,omitempty"`
	MaxLength            *int                   `json:"maxLength,omitempty"`
	MaxItems             *int                   `json:"maxItems,omitempty"`
	Items                *jsonSchema            `json:"items,omitempty"`
	Properties           map[string]*jsonSchema `json:"properties,omitempty"`
	Required             []string               `json:"required,omitempty"`
	AdditionalProperties any                    `json:"additionalProperties,omitempty"`
	AllOf                []*jsonSchema          `json:"allOf,omitempty"`
}

// schemaGen turns Go types into schemas of the JSON that encoding/json
// writes for them, so that the document says what the handlers send. A
// named struct becomes a component, referenced wherever it is used, so that
// recursive types end and the document stays small.
type schemaGen struct {
	components map[string]*jsonSchema
	names      map[reflect.Type]string
	owners     map[string]reflect.Type
	// maxItems bounds a list that is not a page: half the body limit, as
	// a list in a request body holds at most one item per two bytes.
	maxItems int
}

func newSchemaGen(maxBody int64) *schemaGen {
	return &schemaGen{components: map[string]*jsonSchema{}, names: map[reflect.Type]string{}, owners: map[string]reflect.Type{},
		maxItems: int(maxBody / 2)}
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// of is the schema of t's JSON.
func (g *schemaGen) of(t reflect.Type) (*jsonSchema, error) {
	switch {
	case t == timeType:
		return &jsonSchema{Type: "string", Format: "date-time", MaxLength: &maxDateTimeLen}, nil
	case t == rawMessageType:
		return &jsonSchema{Nullable: true, Description: "any JSON value"}, nil
	case t.Kind() == reflect.Pointer:
		s, err := g.of(t.Elem())
		return nullable(s), err
	case implements(t, jsonMarshalerType):
		// Types that write their own JSON have a shape reflection cannot see.
		return &jsonSchema{Nullable: true, Description: "JSON of the type's own making"}, nil
	case implements(t, textMarshalerType):
		return &jsonSchema{Type: "string"}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return &jsonSchema{Type: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return integerSchema(t.Bits(), true), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return integerSchema(t.Bits(), false), nil
	case reflect.Float32:
		return &jsonSchema{Type: "number", Format: "float"}, nil
	case reflect.Float64:
		return &jsonSchema{Type: "number", Format: "double"}, nil
	case reflect.String:
		return &jsonSchema{Type: "string"}, nil
	case reflect.Interface:
		return &jsonSchema{Nullable: true, Description: "any JSON value"}, nil
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !implements(t.Elem(), jsonMarshalerType) && !implements(t.Elem(), textMarshalerType) {
			return &jsonSchema{Type: "string", Format: "byte"}, nil
		}
		items, err := g.of(t.Elem())
		if err != nil {
			return nil, err
		}
		return &jsonSchema{Type: "array", Items: items}, nil
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, implements(k, textMarshalerType):
		case k.Kind() >= reflect.Int && k.Kind() <= reflect.Uintptr:
		default:
			return nil, fmt.Errorf("%s: encoding/json cannot write a map keyed by %s", t, k)
		}
		values, err := g.of(t.Elem())
		if err != nil {
			return nil, err
		}
		return &jsonSchema{Type: "object", AdditionalProperties: values}, nil
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		return g.ref(t)
	}
	return nil, fmt.Errorf("%s: a %s has no JSON form", t, t.Kind())
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || (t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(iface))
}

// nullable lets s be null too. A $ref admits no siblings in OpenAPI 3.0,
// so a referenced schema is wrapped.
func nullable(s *jsonSchema) *jsonSchema {
	if s == nil {
		return nil
	}
	if s.Ref != "" {
		return &jsonSchema{AllOf: []*jsonSchema{s}, Nullable: true}
	}
	c := *s
	c.Nullable = true
	return &c
}

// ref makes the named struct t a component once and refers to it.
func (g *schemaGen) ref(t reflect.Type) (*jsonSchema, error) {
	name, ok := g.names[t]
	if !ok {
		name = g.nameOf(t)
		g.names[t], g.owners[name] = name, t
		g.components[name] = &jsonSchema{} // a placeholder that stops recursion
		s, err := g.object(t)
		if err != nil {
			return nil, err
		}
		g.components[name] = s
	}
	return &jsonSchema{Ref: "#/components/schemas/" + name}, nil
}

var (
	pkgQualifier = regexp.MustCompile(`(?:[\w.~-]+/)*[\w~-]+\.`)
	notNameChar  = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
)

// nameOf names t's component: the Go name, generic arguments spelled out
// (Page[projections.TokenView] is PageOfTokenView), and qualified by its
// package when another type already took the name.
func (g *schemaGen) nameOf(t reflect.Type) string {
	n := pkgQualifier.ReplaceAllString(t.Name(), "")
	n = strings.NewReplacer("[]", "ListOf", "*", "", "[", "Of", "]", "", ",", "And").Replace(n)
	n = notNameChar.ReplaceAllString(n, "")
	if _, taken := g.owners[n]; !taken {
		return n
	}
	q := path.Base(t.PkgPath()) + "." + n
	for i := 2; ; i++ {
		if _, taken := g.owners[q]; !taken {
			return q
		}
		q = fmt.Sprintf("%s.%s%d", path.Base(t.PkgPath()), n, i)
	}
}

// object is the schema of a struct: its JSON fields, embedded structs
// flattened as encoding/json does. Fields that are always written are
// required; fields left out when empty are not. No other field may appear,
// so a response that does not match its declared type fails validation.
func (g *schemaGen) object(t reflect.Type) (*jsonSchema, error) {
	s := &jsonSchema{Type: "object", Properties: map[string]*jsonSchema{}, AdditionalProperties: false}
	for _, f := range events.JSONFields(t) {
		fs, err := g.of(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t, f.GoName, err)
		}
		if f.AsString {
			fs = &jsonSchema{Type: "string", Nullable: fs.Nullable}
		}
		if enum := f.Tag.Get("enum"); enum != "" {
			fs.Enum = strings.Split(enum, ",")
		}
		if fs.Type == "array" && f.Name == "items" && strings.HasPrefix(t.Name(), "Page[") {
			n := maxLimit
			fs.MaxItems = &n
		}
		g.limit(f.Name, fs)
		if doc := f.Tag.Get("doc"); doc != "" {
			if fs.Ref != "" {
				fs = &jsonSchema{AllOf: []*jsonSchema{fs}}
			}
			fs.Description = doc
		}
		s.Properties[f.Name] = fs
		if !f.Optional {
			s.Required = append(s.Required, f.Name)
		}
	}
	return s, nil
}
