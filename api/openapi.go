package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Media documents a success body that is not JSON, or not only JSON: each
// media type maps to a zero value of its body's type ("" for text). Set it
// as a Route's Response, e.g. Media{"text/csv": ""}.
type Media map[string]any

// docRoutes serve the document, built once when the server starts (see
// New), so that serving it costs nothing and a route it cannot describe
// stops the start rather than a later request.
func (s *Server) docRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/openapi.json", Summary: "the OpenAPI 3 document of every route", Public: true,
			Response: map[string]any{},
			Handler:  func(c echo.Context) error { return c.JSONBlob(http.StatusOK, s.doc) }},
	}
}

// mustDocument is the OpenAPI document of routes. A route whose types have
// no JSON form is a programming error that every test of the API shows, so
// it panics rather than starting a server without its document.
func mustDocument(routes []Route, maxBody int64) *openAPI {
	doc, err := document(routes, maxBody)
	if err != nil {
		panic("api: the OpenAPI document cannot be built: " + err.Error())
	}
	return doc
}

// mustJSON is the document as served.
func mustJSON(doc *openAPI) []byte {
	raw, err := json.Marshal(doc)
	if err != nil {
		panic("api: the OpenAPI document cannot be written: " + err.Error())
	}
	return raw
}

// queryNames are the query parameters the document gives r's operation,
// sorted: the only ones its requests may send (undeclared.go).
func (d *openAPI) queryNames(r Route) []string {
	var out []string
	for _, p := range d.Paths[r.Path][strings.ToLower(r.Method)].Parameters {
		if p.Ref != "" {
			p = d.Components.Parameters[strings.TrimPrefix(p.Ref, componentParameters)]
		}
		if p != nil && p.In == "query" {
			out = append(out, p.Name)
		}
	}
	slices.Sort(out)
	return out
}

// componentParameters is where a parameter's $ref points.
const componentParameters = "#/components/parameters/"

// bearerScheme names the security scheme of every /v1 route.
const bearerScheme = "bearer"

// document builds the OpenAPI document of routes, whose JSON bodies hold
// at most maxBody bytes.
func document(routes []Route, maxBody int64) (*openAPI, error) {
	g := newSchemaGen(maxBody)
	problem, err := g.of(reflect.TypeFor[Problem]())
	if err != nil {
		return nil, err
	}
	doc := &openAPI{
		OpenAPI: "3.0.3",
		Info: map[string]string{"title": "CX program tracker", "version": "1",
			"description": "Every route of the tracker. Writes answer X-Event-Seq and ETag; errors are RFC 9457 problem documents. " +
				"Nothing sent is ignored: a query parameter an operation does not list, or a body sent to a write without a request body, is a 400 naming it."},
		Paths: map[string]map[string]*operation{},
		Components: components{
			Schemas:         g.components,
			Responses:       problemResponses(problem),
			Parameters:      headerParameters(),
			SecuritySchemes: map[string]map[string]string{bearerScheme: {"type": "http", "scheme": "bearer"}},
		},
	}
	ids := map[string]string{}
	for _, r := range routes {
		op, err := describe(g, r)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
		}
		method := strings.ToLower(r.Method)
		item := doc.Paths[r.Path]
		if item == nil {
			item = map[string]*operation{}
			doc.Paths[r.Path] = item
		}
		if _, dup := item[method]; dup {
			return nil, fmt.Errorf("%s %s is declared twice", r.Method, r.Path)
		}
		if other, dup := ids[op.OperationID]; dup {
			return nil, fmt.Errorf("%s %s and %s have the same operation id %s", r.Method, r.Path, other, op.OperationID)
		}
		ids[op.OperationID] = r.Method + " " + r.Path
		item[method] = op
	}
	return doc, nil
}

// describe documents one route.
func describe(g *schemaGen, r Route) (*operation, error) {
	op := &operation{OperationID: operationID(r), Summary: r.Summary, Tags: []string{tagOf(r.Path)}, Responses: map[string]*response{}}
	for _, name := range pathParams(r.Path) {
		ps := &jsonSchema{Type: "string"}
		g.limit(name, ps)
		op.Parameters = append(op.Parameters, &parameter{Name: name, In: "path", Required: true, Schema: ps})
	}
	if r.Query != nil {
		qs, err := queryParams(g, reflect.TypeOf(r.Query))
		if err != nil {
			return nil, err
		}
		op.Parameters = append(op.Parameters, qs...)
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if r.Method == http.MethodGet {
		op.Parameters = append(op.Parameters, &parameter{Ref: componentParameters + HeaderMinSeq})
		if noTravel(r) == "" && !travelsOwn(r) {
			op.Parameters = append(op.Parameters, &parameter{Ref: componentParameters + "as_of"}, &parameter{Ref: componentParameters + "known_at"})
		}
	}
	if write && !r.Public {
		op.Parameters = append(op.Parameters,
			&parameter{Ref: componentParameters + "If-Match"},
			&parameter{Ref: componentParameters + HeaderIdempotencyKey})
	}
	body, err := requestBodyOf(g, r)
	if err != nil {
		return nil, err
	}
	op.RequestBody = body
	if write && !r.Public && !r.Undated {
		if p := g.occurredAt(r); p != nil {
			op.Parameters = append(op.Parameters, p)
		}
	}
	ok, err := successOf(g, r, write && !r.Public)
	if err != nil {
		return nil, err
	}
	op.Responses[strconv.Itoa(r.SuccessStatus())] = ok
	if r.readsEntity() {
		op.Parameters = append(op.Parameters, &parameter{Ref: componentParameters + "If-None-Match"})
		op.Responses[strconv.Itoa(http.StatusNotModified)] = &response{Description: "the entity is still at the If-None-Match ETag", Headers: notModifiedHeaders()}
	}
	for _, status := range errorStatuses(r, body != nil, len(pathParams(r.Path)) > 0, write) {
		op.Responses[strconv.Itoa(status)] = &response{Ref: "#/components/responses/" + problemName(status)}
	}
	if !r.Public {
		rule, ok := r.Rule()
		if !ok {
			return nil, errors.New("a write route must say who may call it (Route.Allow)")
		}
		op.Description = "Who may call it (else 403): " + rule.String() + "."
		op.Security = []map[string][]string{{bearerScheme: {}}}
	}
	return op, nil
}

// pathParams are the {names} in a documented path.
func pathParams(p string) []string {
	var out []string
	for part := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

// operationID names an operation after its method and path, such as
// deleteV1TokensById, so that generated clients get stable names.
func operationID(r Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for part := range strings.SplitSeq(r.Path, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			b.WriteString("By")
			part = part[1 : len(part)-1]
		}
		for word := range strings.FieldsFuncSeq(part, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// tagOf groups a route by its resource: /v1/crews/{id} is "crews", and the
// service routes are "service".
func tagOf(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) >= 2 && parts[0] == "v1" {
		return parts[1]
	}
	return "service"
}
