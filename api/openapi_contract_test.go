package api_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// contract is the OpenAPI document every answer in these tests is checked
// against, loaded once from the first server's /openapi.json, and what the
// tests have exercised of it.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error

	mu sync.Mutex
	// answered holds, for each documented "METHOD /path", the statuses of
	// the answers that were validated against the document.
	answered map[string]map[int]bool
}

func init() {
	// Bodies of these media types are checked as text, as text/plain is.
	for _, mt := range []string{"text/markdown", "text/event-stream", "application/x-ndjson"} {
		openapi3filter.RegisterBodyDecoder(mt, openapi3filter.PlainBodyDecoder)
	}
}

// loadContract fetches, loads and validates the document once for the
// package, and checks the answer that served it.
func (a *testAPI) loadContract() {
	a.t.Helper()
	contract.once.Do(func() {
		req, err := http.NewRequest(http.MethodGet, a.URL+"/openapi.json", nil)
		if err != nil {
			contract.err = err
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			contract.err = err
			return
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			contract.err = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(raw)
		if err != nil {
			contract.err = fmt.Errorf("GET /openapi.json is no OpenAPI document: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			contract.err = fmt.Errorf("GET /openapi.json is not a valid OpenAPI 3 document: %w", err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contract.err = fmt.Errorf("no router for the document: %w", err)
			return
		}
		contract.doc, contract.router, contract.answered = doc, router, map[string]map[int]bool{}
		a.validate(req, Response{Status: resp.StatusCode, Header: resp.Header, Body: raw})
	})
	if contract.err != nil {
		a.t.Fatal(contract.err)
	}
}

// validate fails the test unless the answer agrees with the document, and
// records which routes answered what.
func (a *testAPI) validate(req *http.Request, r Response) {
	a.t.Helper()
	for _, err := range contractErrors(req, r) {
		a.t.Error(err)
	}
}

// contractErrors checks one answer against the document: a documented
// route's answer must have a documented status, headers and body, problems
// included; an answer to anything else must be a problem. Every problem
// must fit the Problem schema and carry the answer's status. Only an
// answer that passes counts as exercising its route.
func contractErrors(req *http.Request, r Response) []error {
	return checkAnswer(req, r, true)
}

// checkAnswer is contractErrors, with the body left unread for a stream.
func checkAnswer(req *http.Request, r Response, withBody bool) []error {
	var errs []error
	isProblem := strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
	if isProblem {
		errs = append(errs, problemErrors(req, r)...)
	}
	route, params, err := contract.router.FindRoute(req)
	if err != nil {
		if r.Status < 400 {
			errs = append(errs, fmt.Errorf("%s %s answered %d, but the document has no such route (%v)", req.Method, req.URL.Path, r.Status, err))
		} else if !isProblem {
			errs = append(errs, fmt.Errorf("%s %s answered %d as %q, not as a problem document", req.Method, req.URL.Path, r.Status, r.Header.Get("Content-Type")))
		}
		return errs
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: !withBody}
	if doc := route.Operation.Responses.Status(r.Status); !withBody && doc != nil && len(doc.Value.Content) > 0 &&
		doc.Value.Content.Get(r.Header.Get("Content-Type")) == nil {
		errs = append(errs, fmt.Errorf("%s %s answered %d as %q, which the document does not list", req.Method, req.URL.Path, r.Status, r.Header.Get("Content-Type")))
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 r.Status,
		Header:                 r.Header,
		Options:                opts,
	}
	in.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		errs = append(errs, fmt.Errorf("%s %s answered %d, which the document (%s %s) does not allow: %v\nbody: %.2000s",
			req.Method, req.URL.Path, r.Status, route.Method, route.Path, err, r.Body))
	}
	if len(errs) > 0 {
		return errs
	}
	contract.mu.Lock()
	defer contract.mu.Unlock()
	key := route.Method + " " + route.Path
	if contract.answered[key] == nil {
		contract.answered[key] = map[int]bool{}
	}
	contract.answered[key][r.Status] = true
	return errs
}

// problemErrors holds a problem document to the Problem schema, and its
// status to the answer's.
func problemErrors(req *http.Request, r Response) []error {
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return []error{fmt.Errorf("%s %s answered a problem that is not JSON: %v: %s", req.Method, req.URL.Path, err, r.Body)}
	}
	var errs []error
	if err := contract.doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
		errs = append(errs, fmt.Errorf("%s %s answered a problem the Problem schema does not allow: %v: %s", req.Method, req.URL.Path, err, r.Body))
	}
	if m, ok := v.(map[string]any); ok && m["status"] != float64(r.Status) {
		errs = append(errs, fmt.Errorf("%s %s answered %d with a problem of status %v", req.Method, req.URL.Path, r.Status, m["status"]))
	}
	return errs
}

// unexercised lists every documented route that no test made succeed, with
// the statuses it did answer, sorted.
func unexercised() []string {
	contract.mu.Lock()
	defer contract.mu.Unlock()
	var out []string
	for path, item := range contract.doc.Paths.Map() {
		for method := range item.Operations() {
			key := method + " " + path
			var got []int
			succeeded := false
			for status := range contract.answered[key] {
				got = append(got, status)
				succeeded = succeeded || status < 300
			}
			if succeeded {
				continue
			}
			slices.Sort(got)
			if len(got) == 0 {
				out = append(out, key+"  (never called)")
			} else {
				out = append(out, fmt.Sprintf("%s  (answered only %v)", key, got))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestMain runs the package's tests and then, when all of them ran (no
// -run or -skip), fails unless every documented route answered at least
// one success that was validated against the document: a route without one
// has a success schema that nothing checks.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	whole := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" &&
		flag.Lookup("test.list").Value.String() == ""
	if whole && contract.doc != nil {
		if missing := unexercised(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "\nopenapi: %d documented routes never answered a success validated against /openapi.json:\n    %s\n"+
				"Exercise each through startAPI's client (a.Do, a.DoAs, a.Must) in a test of package api_test.\n",
				len(missing), strings.Join(missing, "\n    "))
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}
