package api_test

import (
	"bufio"
	"context"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"cxtracker/api"
)

// servedDocument fetches /openapi.json and loads it as OpenAPI 3, failing
// the test unless it validates.
func servedDocument(t *testing.T, a *testAPI) *openapi3.T {
	t.Helper()
	r := a.Must(http.StatusOK, http.MethodGet, "/openapi.json", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("the document is served as %q", ct)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("the document does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentDescribesEveryRoute(t *testing.T) {
	a := startAPI(t)
	doc := servedDocument(t, a)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for _, r := range a.Server.Routes() {
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			op := doc.Paths.Value(r.Path).GetOperation(r.Method)
			if op == nil {
				t.Fatal("not documented")
			}
			var params []string
			for _, p := range op.Parameters {
				params = append(params, p.Value.In+":"+p.Value.Name)
			}
			for _, name := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(r.Path, -1) {
				if !slices.Contains(params, "path:"+name[1]) {
					t.Errorf("path parameter %s is missing from %v", name[1], params)
				}
			}
			for _, name := range queryTags(reflect.TypeOf(r.Query)) {
				if !slices.Contains(params, "query:"+name) {
					t.Errorf("query parameter %s is missing from %v", name, params)
				}
			}
			statuses := []int{r.SuccessStatus(), http.StatusBadRequest, http.StatusServiceUnavailable}
			if !r.Public {
				statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden)
				if op.Security == nil || len(*op.Security) != 1 || (*op.Security)[0]["bearer"] == nil {
					t.Errorf("security %v, want bearer", op.Security)
				}
				if rule, _ := r.Rule(); !strings.Contains(op.Description, rule.String()) {
					t.Errorf("the description %q does not say who may call it (%s)", op.Description, rule)
				}
			} else if op.Security != nil && len(*op.Security) > 0 {
				t.Errorf("a public route asks for %v", op.Security)
			}
			if strings.Contains(r.Path, "{") {
				statuses = append(statuses, http.StatusNotFound)
			}
			if r.Request != nil || r.ContentType != "" {
				statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity)
				if op.RequestBody == nil || op.RequestBody.Value.Required == r.BodyOptional {
					t.Errorf("the body is not documented as it is taken (optional: %v)", r.BodyOptional)
				}
			}
			for _, status := range statuses {
				resp := op.Responses.Status(status)
				if resp == nil {
					t.Errorf("no %d answer", status)
					continue
				}
				if status >= 400 && resp.Value.Content.Get(api.ProblemType).Schema.Ref != "#/components/schemas/Problem" {
					t.Errorf("the %d answer is not a Problem", status)
				}
			}
			if r.Response != nil && len(op.Responses.Status(r.SuccessStatus()).Value.Content) == 0 {
				t.Errorf("the %d answer has no body", r.SuccessStatus())
			}
		})
	}
}

// queryTags are the `query` names of a Query type, embedded structs
// included.
func queryTags(t reflect.Type) []string {
	if t == nil {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if name := f.Tag.Get("query"); name != "" {
			out = append(out, name)
		} else if f.Anonymous {
			out = append(out, queryTags(f.Type)...)
		}
	}
	return out
}

func TestEchoServesExactlyTheDocumentedRoutes(t *testing.T) {
	a := startAPI(t)
	doc := servedDocument(t, a)
	param := regexp.MustCompile(`\{(\w+)\}`)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+param.ReplaceAllString(path, ":$1")] = true
		}
	}
	served := map[string]bool{}
	for _, r := range a.Server.Echo().Routes() {
		served[r.Method+" "+r.Path] = true
	}
	for route := range served {
		if !documented[route] {
			t.Errorf("Echo serves %s, which the document lacks", route)
		}
	}
	for route := range documented {
		if !served[route] {
			t.Errorf("the document has %s, which Echo does not serve", route)
		}
	}
	if len(served) < 6 {
		t.Fatalf("Echo serves only %v", served)
	}
}

func TestABadBodyAnswersAProblemTheDocumentAllows(t *testing.T) {
	a := startAPI(t)
	for _, body := range []string{`{"label":`, `{"lable":"x"}`, `[1]`} {
		r := a.Must(http.StatusBadRequest, http.MethodPost, "/v1/tokens", body)
		if r.Header.Get("Content-Type") != api.ProblemType {
			t.Fatalf("%s answered %s", body, r.Header.Get("Content-Type"))
		}
		// The harness has checked the answer; check it once more here, so
		// that this test fails by itself if the check were skipped.
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/v1/tokens", nil)
		if errs := contractErrors(req, r); len(errs) > 0 {
			t.Fatalf("%s: %v", body, errs)
		}
	}
}

func TestTheContractCatchesAnswersThatDrift(t *testing.T) {
	a := startAPI(t)
	post, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, a.URL+"/v1/tokens", nil)
	get := func(path string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
		return req
	}
	json := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {api.ProblemType}}
	for _, tc := range []struct {
		name string
		req  *http.Request
		r    Response
		want string
	}{
		{"a field of the wrong type", post, Response{201, json, []byte(`{"id":5,"grants":[],"revoked":false}`)}, "/id"},
		{"a required field missing", post, Response{201, json, []byte(`{"grants":[],"revoked":false}`)}, "id"},
		{"a field the type lacks", post, Response{201, json, []byte(`{"id":"x","grants":[],"revoked":false,"secret":1}`)}, "secret"},
		{"null for a list", post, Response{201, json, []byte(`{"id":"x","grants":null,"revoked":false}`)}, "nullable"},
		{"an undocumented status", post, Response{http.StatusTeapot, json, []byte(`{}`)}, "status is not supported"},
		{"a problem of another status", post, Response{409, problem, []byte(`{"title":"Conflict","status":400}`)}, "status 400"},
		{"a problem with a stray field", post, Response{409, problem, []byte(`{"title":"Conflict","status":409,"why":"x"}`)}, "why"},
		{"an error that is no problem", post, Response{409, json, []byte(`{"error":"x"}`)}, "Content-Type"},
		{"success on an undocumented route", get("/v1/nothing"), Response{200, json, []byte(`{}`)}, "no such route"},
		{"a 404 that is no problem", get("/v1/nothing"), Response{404, http.Header{"Content-Type": {"text/plain"}}, []byte(`404`)}, "not as a problem"},
		{"another media type", get("/healthz"), Response{200, http.Header{"Content-Type": {"text/html"}}, []byte(`ok`)}, "Content-Type"},
		{"a header of the wrong type", post, Response{201, http.Header{"Content-Type": {"application/json"}, "X-Event-Seq": {"seven"}},
			[]byte(`{"id":"x","grants":[],"revoked":false}`)}, "X-Event-Seq"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := contractErrors(tc.req, tc.r)
			if len(errs) == 0 {
				t.Fatal("the answer passed")
			}
			all := ""
			for _, err := range errs {
				all += err.Error() + "\n"
			}
			if !strings.Contains(all, tc.want) {
				t.Fatalf("the errors do not mention %q:\n%s", tc.want, all)
			}
		})
	}
}

func TestServiceProbesAnswer(t *testing.T) {
	a := startAPI(t)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		var s api.Status
		a.Must(http.StatusOK, http.MethodGet, path, nil).JSON(t, &s)
		if s.Status != want {
			t.Errorf("%s says %q, want %q", path, s.Status, want)
		}
	}
	// A read can ask for a sequence that is not there yet; the wait is
	// bounded, and a malformed one is refused.
	if r := a.Do(http.MethodGet, "/healthz", nil, api.HeaderMinSeq, "soon"); r.Status != http.StatusBadRequest {
		t.Fatalf("X-Min-Seq: soon answered %d", r.Status)
	}
	if r := a.Do(http.MethodGet, "/healthz", nil, api.HeaderMinSeq, strconv.Itoa(1)); r.Status != http.StatusOK {
		t.Fatalf("X-Min-Seq: 1 answered %d", r.Status)
	}
}

func TestStreamsAreValidatedWithoutReadingThemWhole(t *testing.T) {
	a := startAPI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp := a.Stream(ctx, "/v1/events/stream")
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "id: ") {
	}
	if lines.Text() != "id: 1" {
		t.Fatalf("the stream began %q, want the admin token's event", lines.Text())
	}
	// A stream of another media type than the document lists is caught.
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/v1/events/stream", nil)
	if errs := checkAnswer(req, Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}}, false); len(errs) == 0 {
		t.Fatal("a stream of text/html passed")
	}
	// An answer that is not the stream is a problem, checked whole.
	if r := a.Stream(ctx, "/v1/events/stream?after_seq=x"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a bad filter answered %d", r.StatusCode)
	}
}
