package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

type schemaInner struct {
	A string `json:"a"`
	B *int   `json:"b,omitempty"`
}

type schemaBase struct {
	ID     string `json:"id"`
	Shadow string `json:"shadow"`
}

type schemaExtra struct {
	P string `json:"p"`
}

type schemaSample struct {
	schemaBase
	*schemaExtra
	Shadow int                `json:"shadow"`
	Name   string             `json:"name" doc:"what it is called"`
	Note   string             `json:"note,omitempty"`
	When   time.Time          `json:"when"`
	Maybe  *time.Time         `json:"maybe"`
	Tags   []string           `json:"tags"`
	Scores map[string]float64 `json:"scores"`
	Nested schemaInner        `json:"nested"`
	Opt    *schemaInner       `json:"opt"`
	List   []schemaInner      `json:"list"`
	Anon   struct {
		X bool `json:"x"`
	} `json:"anon"`
	Count uint            `json:"count,string"`
	Any   any             `json:"any"`
	Raw   json.RawMessage `json:"raw"`
	Bytes []byte          `json:"bytes"`
	Skip  string          `json:"-"`
	//lint:ignore U1000 the generator must leave out an unexported field, and only reflection reads this one.
	hidden string
	Self   *schemaSample        `json:"self,omitempty"`
	Kind   string               `json:"kind" enum:"a,b"`
	Page   Page[schemaInner]    `json:"page"`
	ByID   map[int]*schemaInner `json:"by_id,omitempty"`
}

// loadSchemas loads what g made as a document's components, so that refs
// resolve as a client's would.
func loadSchemas(t *testing.T, g *schemaGen) *openapi3.T {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"openapi": "3.0.3", "info": map[string]string{"title": "t", "version": "1"},
		"paths": map[string]any{}, "components": map[string]any{"schemas": g.components}})
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the schemas are not valid: %v\n%s", err, raw)
	}
	return doc
}

func TestSchemasFollowEncodingJSON(t *testing.T) {
	g := newSchemaGen(1 << 20)
	ref, err := g.of(reflect.TypeFor[schemaSample]())
	if err != nil {
		t.Fatal(err)
	}
	if ref.Ref != "#/components/schemas/schemaSample" {
		t.Fatalf("ref %q", ref.Ref)
	}
	s := g.components["schemaSample"]
	want := []string{"id", "shadow", "name", "when", "maybe", "tags", "scores", "nested", "opt", "list", "anon", "count", "any", "raw", "bytes", "kind", "page"}
	if !slices.Equal(s.Required, want) {
		t.Errorf("required %v\nwant     %v", s.Required, want)
	}
	for name, check := range map[string]func(*jsonSchema) bool{
		"shadow": func(p *jsonSchema) bool { return p.Type == "integer" }, // the outer field hides the embedded one
		"p":      func(p *jsonSchema) bool { return p.Type == "string" },  // promoted from an embedded pointer, so optional
		"name":   func(p *jsonSchema) bool { return p.Description == "what it is called" },
		"when":   func(p *jsonSchema) bool { return p.Type == "string" && p.Format == "date-time" && !p.Nullable },
		"maybe":  func(p *jsonSchema) bool { return p.Format == "date-time" && p.Nullable },
		"tags":   func(p *jsonSchema) bool { return p.Type == "array" && p.Items.Type == "string" && !p.Nullable },
		"scores": func(p *jsonSchema) bool {
			return p.Type == "object" && p.AdditionalProperties.(*jsonSchema).Type == "number"
		},
		"nested": func(p *jsonSchema) bool { return p.Ref == "#/components/schemas/schemaInner" },
		"opt":    func(p *jsonSchema) bool { return p.Nullable && p.AllOf[0].Ref == "#/components/schemas/schemaInner" },
		"anon":   func(p *jsonSchema) bool { return p.Type == "object" && p.Properties["x"].Type == "boolean" },
		"count":  func(p *jsonSchema) bool { return p.Type == "string" },
		"bytes":  func(p *jsonSchema) bool { return p.Format == "byte" },
		"kind":   func(p *jsonSchema) bool { return slices.Equal(p.Enum, []string{"a", "b"}) },
		"page":   func(p *jsonSchema) bool { return p.Ref == "#/components/schemas/PageOfschemaInner" },
		"self":   func(p *jsonSchema) bool { return p.AllOf[0].Ref == "#/components/schemas/schemaSample" },
	} {
		if p := s.Properties[name]; p == nil || !check(p) {
			got, _ := json.Marshal(p)
			t.Errorf("%s: %s", name, got)
		}
	}
	for _, name := range []string{"Skip", "hidden", "schemaBase", "schemaExtra"} {
		if _, ok := s.Properties[name]; ok {
			t.Errorf("%s is documented", name)
		}
	}
	if inner := g.components["schemaInner"]; !slices.Equal(inner.Required, []string{"a"}) {
		t.Errorf("inner requires %v", inner.Required)
	}
}

func TestWhatGoWritesValidatesAgainstItsSchema(t *testing.T) {
	g := newSchemaGen(1 << 20)
	if _, err := g.of(reflect.TypeFor[schemaSample]()); err != nil {
		t.Fatal(err)
	}
	schema := loadSchemas(t, g).Components.Schemas["schemaSample"].Value
	two, now := 2, time.Now()
	full := schemaSample{
		schemaBase: schemaBase{ID: "x"}, schemaExtra: &schemaExtra{P: "p"}, Name: "n", Note: "note", When: now, Maybe: &now,
		Tags: []string{"a"}, Scores: map[string]float64{"nps": 10}, Nested: schemaInner{A: "a", B: &two},
		Opt: &schemaInner{}, List: []schemaInner{{}}, Count: 7, Any: []int{1}, Raw: json.RawMessage(`{"k":[1]}`),
		Bytes: []byte("hi"), Self: &schemaSample{Tags: []string{}, Scores: map[string]float64{}, List: []schemaInner{}, Bytes: []byte{}, Kind: "a", Page: Page[schemaInner]{Items: []schemaInner{}}},
		Kind: "b", Page: Page[schemaInner]{Items: []schemaInner{{A: "z"}}, NextCursor: "c"}, ByID: map[int]*schemaInner{1: nil},
	}
	sparse := schemaSample{Tags: []string{}, Scores: map[string]float64{}, List: []schemaInner{}, Bytes: []byte{}, Page: Page[schemaInner]{Items: []schemaInner{}}, Kind: "a"}
	for name, v := range map[string]schemaSample{"full": full, "sparse": sparse} {
		var decoded any
		raw, _ := json.Marshal(v)
		_ = json.Unmarshal(raw, &decoded)
		if err := schema.VisitJSON(decoded, openapi3.VisitAsResponse()); err != nil {
			t.Errorf("%s: %s does not validate: %v", name, raw, err)
		}
	}
	// And what it does not write is refused: a value missing fields, an
	// unknown field, a nil list written as null.
	nilList := sparse
	nilList.Tags = nil
	raw, _ := json.Marshal(nilList)
	for _, bad := range []string{`{"id":"x"}`, `{"unknown":1}`, string(raw)} {
		var decoded any
		_ = json.Unmarshal([]byte(bad), &decoded)
		if schema.VisitJSON(decoded) == nil {
			t.Errorf("%s validates", bad)
		}
	}
}

func TestDocumentRefusesRoutesItCannotDescribe(t *testing.T) {
	h := func() {}
	for name, routes := range map[string][]Route{
		"no JSON form": {{Method: http.MethodGet, Path: "/x", Response: struct{ C chan int }{}}},
		"twice":        {{Method: http.MethodGet, Path: "/x"}, {Method: http.MethodGet, Path: "/x"}},
		"query kind":   {{Method: http.MethodGet, Path: "/x", Query: 3}},
		"func body":    {{Method: http.MethodPost, Path: "/x", Request: h}},
	} {
		if _, err := document(routes, 1<<20); err == nil {
			t.Errorf("%s: documented", name)
		}
	}
	if _, err := document([]Route{{Method: http.MethodGet, Path: "/x", Query: struct {
		PageQuery
		Status string `query:"status" enum:"open,closed" doc:"by status"`
	}{}}}, 1<<20); err != nil {
		t.Fatal(err)
	}
}

func TestQueryParametersComeFromTags(t *testing.T) {
	type q struct {
		PageQuery
		Status string    `query:"status" enum:"open,closed" doc:"by status"`
		From   time.Time `query:"from" required:"true"`
		Plain  string
	}
	ps, err := queryParams(newSchemaGen(1<<20), reflect.TypeFor[q]())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+"/"+p.Schema.Type+"/"+p.Schema.Format+"/"+strings.Join(p.Schema.Enum, "|")+"/"+p.Description[:min(5, len(p.Description))]+"/"+map[bool]string{true: "req"}[p.Required])
	}
	want := []string{"limit/integer/int64//items/", "cursor/string///the n/", "status/string//open|closed/by st/", "from/string/date-time///req"}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
}

func TestOperationIDsAndComponentNames(t *testing.T) {
	if id := operationID(Route{Method: http.MethodPost, Path: "/v1/action-plans/{id}/actions/{action_id}/completion"}); id != "postV1ActionPlansByIdActionsByActionIdCompletion" {
		t.Fatalf("operation id %s", id)
	}
	g := newSchemaGen(1 << 20)
	for _, typ := range []reflect.Type{reflect.TypeFor[Page[[]schemaInner]](), reflect.TypeFor[Page[map[string]int]]()} {
		if _, err := g.of(typ); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"PageOfListOfschemaInner", "PageOfmapOfstringint"} {
		if g.components[name] == nil {
			t.Errorf("no %s among %v", name, slices.Collect(mapsKeys(g.components)))
		}
	}
	loadSchemas(t, g)
}

func mapsKeys(m map[string]*jsonSchema) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
