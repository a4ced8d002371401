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

func TestPeopleErrors(t *testing.T) {
	a := startAPI(t)
	id := register(a, "Carla Rossi", "carla@example.com", "Sales")
	register(a, "Diego Lima", "diego@example.com", "Operations")
	unknown := "01J00000000000000000000000"
	for _, tc := range []struct {
		name, method, path string
		body               any
		headers            []string
		want               int
	}{
		{"unknown field", http.MethodPost, "/v1/people", `{"name":"X","mail":"x@example.com"}`, nil, http.StatusBadRequest},
		{"invalid e-mail", http.MethodPost, "/v1/people", map[string]any{"name": "X", "email": "not-an-address", "department": "Sales"}, nil, http.StatusUnprocessableEntity},
		{"taken e-mail", http.MethodPost, "/v1/people", map[string]any{"name": "X", "email": "CARLA@example.com", "department": "Sales"}, nil, http.StatusConflict},
		{"unknown person patched", http.MethodPatch, "/v1/people/" + unknown, map[string]any{"name": "X"}, nil, http.StatusNotFound},
		{"unknown person read", http.MethodGet, "/v1/people/" + unknown, nil, nil, http.StatusNotFound},
		{"stale If-Match", http.MethodPatch, "/v1/people/" + id, map[string]any{"name": "Carla R."}, []string{"If-Match", `"5"`}, http.StatusPreconditionFailed},
		{"address of another", http.MethodPatch, "/v1/people/" + id, map[string]any{"email": "diego@example.com"}, nil, http.StatusConflict},
		{"unknown departure field", http.MethodPost, "/v1/people/" + id + "/departure", `{"why":"x"}`, nil, http.StatusBadRequest},
		{"bad limit", http.MethodGet, "/v1/people?limit=0", nil, nil, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.Do(tc.method, tc.path, tc.body, tc.headers...)
			if r.Status != tc.want || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("answered %d %s, want %d", r.Status, r.Body, tc.want)
			}
		})
	}
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+id+"/departure", map[string]any{"reason": "moved abroad"})
	if r := a.Do(http.MethodPost, "/v1/people/"+id+"/departure", map[string]any{}); r.Status != http.StatusConflict {
		t.Fatalf("a second departure answered %d %s", r.Status, r.Body)
	}
	if p := getPerson(a, id); p.LeftReason != "moved abroad" {
		t.Fatalf("departure reason %q", p.LeftReason)
	}
}
