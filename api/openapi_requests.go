package api

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// headerParameters are the request headers of the write and read
// protocol, and the query parameters of time travel that every read which
// travels shares (asof.go).
func headerParameters() map[string]*parameter {
	key, etag, when := maxIdempotencyKey, maxETag, 40
	return map[string]*parameter{
		"as_of": {Name: "as_of", In: "query", Schema: &jsonSchema{Type: "string", MaxLength: &when},
			Description: "business time: the read as it stood at this RFC 3339 time (what had happened by then), or at this stream sequence; a value that is neither, or a sequence past the log's end, is a 400"},
		"known_at": {Name: "known_at", In: "query", Schema: &jsonSchema{Type: "string", MaxLength: &when},
			Description: "recorded time: only the events the log recorded at or before this RFC 3339 time count (default now); not with an as_of sequence"},
		HeaderMinSeq: {Name: HeaderMinSeq, In: "header", Schema: boundedInteger(0, maxSafeInteger),
			Description: "wait (bounded) until the read models have applied this stream sequence, e.g. the X-Event-Seq of a write; a sequence past the end of the log is a 400. A token issued through another replica at this sequence signs in once it is applied here, rather than answering 401 a moment too early"},
		"If-Match": {Name: "If-Match", In: "header", Schema: &jsonSchema{Type: "string", MaxLength: &etag},
			Description: "write only if the entity is still at this ETag; 412 otherwise"},
		"If-None-Match": {Name: "If-None-Match", In: "header", Schema: &jsonSchema{Type: "string", MaxLength: &etag},
			Description: "answer 304 without a body while the entity is still at this ETag"},
		HeaderIdempotencyKey: {Name: HeaderIdempotencyKey, In: "header", Schema: &jsonSchema{Type: "string", MaxLength: &key},
			Description: "a retry with the same key (and token) gets the first answer (status, headers and body, a refusal by the rules included; a new token's secret excepted), from any replica, and writes nothing again; the key is bound to its request (method, route, path and body): another request with it answers 422, and one sent while the first is still processed 409. A first answer is kept 24 hours; past that the key still writes nothing twice, and a retry answers the entity as it stands"},
	}
}

// requestBodyOf documents the route's body: JSON of its Request type, or a
// text body of its ContentType, such as NDJSON with one object a line.
func requestBodyOf(g *schemaGen, r Route) (*requestBody, error) {
	if r.ContentType != "" && r.ContentType != echo.MIMEApplicationJSON {
		limit := int(r.BodyLimit)
		if limit == 0 {
			limit = g.maxItems * 2
		}
		b := &requestBody{Required: true, Content: map[string]*mediaType{r.ContentType: {Schema: &jsonSchema{Type: "string", MaxLength: &limit}}}}
		if r.Request != nil {
			t := indirect(reflect.TypeOf(r.Request))
			if _, err := g.of(t); err != nil {
				return nil, err
			}
			b.Description = "one JSON " + g.nameOrKind(t) + " a line"
		}
		return b, nil
	}
	if r.Request == nil {
		return nil, nil
	}
	s, err := g.of(indirect(reflect.TypeOf(r.Request)))
	if err != nil {
		return nil, err
	}
	return &requestBody{Required: !r.BodyOptional, Content: map[string]*mediaType{echo.MIMEApplicationJSON: {Schema: s}}}, nil
}

// nameOrKind is how a description names t: its component, or its kind.
func (g *schemaGen) nameOrKind(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	return t.Kind().String()
}

func indirect(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// queryParams documents the `query`-tagged fields of t, embedded structs
// (such as PageQuery) included. A `doc` tag describes a parameter, an
// `enum` tag lists its values, and `required:"true"` makes it required.
func queryParams(g *schemaGen, t reflect.Type) ([]*parameter, error) {
	t = indirect(t)
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("a route's Query is a %s, not a struct", t.Kind())
	}
	var out []*parameter
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("query")
		if f.Anonymous && name == "" {
			inner, err := queryParams(g, f.Type)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		s, err := g.of(indirect(f.Type))
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", name, err)
		}
		if e := f.Tag.Get("enum"); e != "" {
			s.Enum = strings.Split(e, ",")
		}
		g.limit(name, s)
		out = append(out, &parameter{Name: name, In: "query", Description: f.Tag.Get("doc"), Required: f.Tag.Get("required") == "true", Schema: s})
	}
	return out, nil
}

// occurredAtDoc says what a write's occurred_at is (occurred_at.go).
const occurredAtDoc = "RFC 3339: when what this write records happened (its event's business time, shown as occurred_at); now when absent. " +
	"A time in the future is a 422, one before the entity's latest event a 409, and one more than 24 hours ago needs the admin or the grant action:backdate (403)"

// occurredAt documents a command's occurred_at: a property of its JSON
// body, added to the request's component (where a request type has one of
// its own, such as a feedback item's, that one stands), or, for a write
// without a body, a query parameter, which it answers.
func (g *schemaGen) occurredAt(r Route) *parameter {
	schema := func() *jsonSchema {
		s := &jsonSchema{Type: "string", Format: "date-time"}
		g.limit(events.FieldOccurredAt, s)
		return s
	}
	if r.Request == nil {
		return &parameter{Name: events.FieldOccurredAt, In: "query", Schema: schema(),
			Description: occurredAtDoc + ". This write takes no body, so occurred_at goes here: a body sent with it, an occurred_at in it included, is a 400"}
	}
	if r.ContentType != "" && r.ContentType != echo.MIMEApplicationJSON {
		return nil // the import's lines are feedback items, each with its own
	}
	s := g.components[g.names[indirect(reflect.TypeOf(r.Request))]]
	if s != nil && s.Properties != nil && s.Properties[events.FieldOccurredAt] == nil {
		p := schema()
		p.Description = occurredAtDoc
		s.Properties[events.FieldOccurredAt] = p
	}
	return nil
}
