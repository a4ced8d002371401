package api_test

import (
	"net/http"
	"testing"

	"cxtracker/projections"
)

// register registers a person through the API and answers their id.
func register(a *testAPI, name, email, department string) string {
	a.t.Helper()
	var p projections.PersonView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": name, "email": email, "department": department}).JSON(a.t, &p)
	if p.ID == "" || p.Name != name || p.Email != email || p.Department != department {
		a.t.Fatalf("registered %+v", p)
	}
	return p.ID
}

// personToken issues a token for a person and answers it.
func personToken(a *testAPI, personID string) string {
	a.t.Helper()
	r := a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": personID})
	return r.Map(a.t)["token"].(string)
}

func getPerson(a *testAPI, id string) projections.PersonView {
	a.t.Helper()
	var p projections.PersonView
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id, nil).JSON(a.t, &p)
	return p
}

func TestPeopleAreRegisteredChangedAndLeave(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	bruno := register(a, "Bruno Neri", "bruno@example.com", "CX")

	changed := a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+ana, map[string]any{"department": "Executive board"}, "If-Match", `"1"`)
	var p projections.PersonView
	changed.JSON(t, &p)
	if p.Department != "Executive board" || p.Name != "Ana Costa" || changed.Header.Get("ETag") != `"2"` {
		t.Fatalf("changed %+v, ETag %s", p, changed.Header.Get("ETag"))
	}
	// A departure needs no body.
	left := a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+bruno+"/departure", nil)
	left.JSON(t, &p)
	if !p.Left || p.LeftAt == nil {
		t.Fatalf("departure answered %+v", p)
	}
	var list struct {
		Items      []projections.PersonView `json:"items"`
		NextCursor string                   `json:"next_cursor"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people?limit=1", nil).JSON(t, &list)
	if len(list.Items) != 1 || list.NextCursor == "" {
		t.Fatalf("first page %+v", list)
	}
	first, cursor := list.Items[0].ID, list.NextCursor
	list.NextCursor = ""
	a.Must(http.StatusOK, http.MethodGet, "/v1/people?limit=1&cursor="+cursor, nil).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID == first || list.NextCursor != "" {
		t.Fatalf("second page %+v", list)
	}
}

func TestARetriedRegistrationAnswersThePersonFirstRegistered(t *testing.T) {
	a := startAPI(t)
	body := map[string]any{"name": "Ana Costa", "email": "ana@example.com", "department": "Board"}
	first := decode[projections.PersonView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "ana-1"))
	r := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", body, "Idempotency-Key", "ana-1")
	if again := decode[projections.PersonView](t, r); again.ID != first.ID || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the retry answered %s, first %s", r.Body, first.ID)
	}
}

func TestPeopleErrors(t *testing.T) {
	a := startAPI(t)
	id := register(a, "Carla Rossi", "carla@example.com", "Sales")
	register(a, "Diego Lima", "diego@example.com", "Operations")
	unknown := "01J00000000000000000000000"
	checkProblems(t, a, []problemCase{
		{"unknown field", "", http.MethodPost, "/v1/people", `{"name":"X","mail":"x@example.com"}`, nil, http.StatusBadRequest, "mail"},
		{"invalid e-mail", "", http.MethodPost, "/v1/people", map[string]any{"name": "X", "email": "not-an-address", "department": "Sales"}, nil, http.StatusUnprocessableEntity, "email"},
		{"taken e-mail", "", http.MethodPost, "/v1/people", map[string]any{"name": "X", "email": "CARLA@example.com", "department": "Sales"}, nil, http.StatusConflict, ""},
		{"unknown person patched", "", http.MethodPatch, "/v1/people/" + unknown, map[string]any{"name": "X"}, nil, http.StatusNotFound, ""},
		{"unknown person read", "", http.MethodGet, "/v1/people/" + unknown, nil, nil, http.StatusNotFound, ""},
		{"stale If-Match", "", http.MethodPatch, "/v1/people/" + id, map[string]any{"name": "Carla R."}, []string{"If-Match", `"5"`}, http.StatusPreconditionFailed, ""},
		{"address of another", "", http.MethodPatch, "/v1/people/" + id, map[string]any{"email": "diego@example.com"}, nil, http.StatusConflict, ""},
		{"unknown departure field", "", http.MethodPost, "/v1/people/" + id + "/departure", `{"why":"x"}`, nil, http.StatusBadRequest, ""},
		{"bad limit", "", http.MethodGet, "/v1/people?limit=0", nil, nil, http.StatusUnprocessableEntity, "limit"},
	})
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+id+"/departure", map[string]any{"reason": "moved abroad"})
	if r := a.Do(http.MethodPost, "/v1/people/"+id+"/departure", map[string]any{}); r.Status != http.StatusConflict {
		t.Fatalf("a second departure answered %d %s", r.Status, r.Body)
	}
	if p := getPerson(a, id); p.LeftReason != "moved abroad" {
		t.Fatalf("departure reason %q", p.LeftReason)
	}
}

// problemCase is a request that must be refused with a problem document:
// status want, naming field among its errors when field is set. token ""
// sends the administrator's.
type problemCase struct {
	name, token, method, path string
	body                      any
	headers                   []string
	want                      int
	field                     string
}

// checkProblems sends every case as its own subtest.
func checkProblems(t *testing.T, a *testAPI, cases []problemCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			token := tc.token
			if token == "" {
				token = a.Admin
			}
			checkProblem(t, a.DoAs(token, tc.method, tc.path, tc.body, tc.headers...), tc.want, tc.field)
		})
	}
}

// checkProblem checks that r is a problem document with status want naming
// field among its errors (when field is set).
func checkProblem(t *testing.T, r Response, want int, field string) {
	t.Helper()
	if r.Status != want || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("answered %d %s, want %d", r.Status, r.Body, want)
	}
	if field == "" {
		return
	}
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.JSON(t, &p)
	for _, e := range p.Errors {
		if e.Field == field {
			return
		}
	}
	t.Fatalf("the problem does not name %s: %s", field, r.Body)
}

// decode is the body of r as a fresh T, so that no field of an earlier
// answer survives into it.
func decode[T any](t *testing.T, r Response) T {
	t.Helper()
	var v T
	r.JSON(t, &v)
	return v
}
