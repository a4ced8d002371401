package api_test

import (
	"net/http"
	"testing"

	"cxtracker/projections"
)

func TestCrewsFormTakeMembersAndDisband(t *testing.T) {
	a := startAPI(t)
	bruno := register(a, "Bruno Neri", "bruno@example.com", "CX")
	giulia := register(a, "Giulia Bianchi", "giulia@example.com", "Service")
	r := a.Must(http.StatusCreated, http.MethodPost, "/v1/crews", map[string]any{"name": "Voice of the customer", "type": "capability",
		"purpose": "turn feedback into insight", "function": "insights"})
	crew := decode[projections.CrewView](t, r)
	if crew.ID == "" || crew.Function != "insights" || crew.Disbanded || len(crew.Members) != 0 || crew.Touchpoints == nil {
		t.Fatalf("formed %+v", crew)
	}
	path := "/v1/crews/" + crew.ID
	a.Must(http.StatusOK, http.MethodPost, path+"/members", map[string]any{"person_id": giulia, "role": "member"})
	crew = decode[projections.CrewView](t, a.Must(http.StatusOK, http.MethodPost, path+"/members", map[string]any{"person_id": bruno, "role": "lead"}))
	if len(crew.Members) != 2 || crew.Members[0].PersonID != bruno || crew.Members[0].Role != "lead" || crew.Members[1].Name != "Giulia Bianchi" {
		t.Fatalf("members %+v", crew.Members)
	}
	if p := getPerson(a, giulia); len(p.Roles.Crews) != 1 || p.Roles.Crews[0] != (projections.CrewRole{CrewID: crew.ID, Name: "Voice of the customer", Role: "member"}) {
		t.Fatalf("Giulia's crews %+v", p.Roles.Crews)
	}
	crew = decode[projections.CrewView](t, a.Must(http.StatusOK, http.MethodPatch, path, map[string]any{"purpose": "find the drivers behind feedback"}))
	if crew.Purpose != "find the drivers behind feedback" {
		t.Fatalf("purpose %q", crew.Purpose)
	}
	a.Must(http.StatusOK, http.MethodDelete, path+"/members/"+giulia, nil)
	other := decode[projections.CrewView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/crews", map[string]any{"name": "Cards", "type": "value_stream", "purpose": "cards"}))
	if got := a.Views.Crews.CountByType(); got["capability"] != 1 || got["value_stream"] != 1 || got["experience"] != 0 || len(got) != 7 {
		t.Fatalf("count by type %v", got)
	}
	crew = decode[projections.CrewView](t, a.Must(http.StatusOK, http.MethodPost, path+"/disbandment", map[string]any{"reason": "merged into Insights"}))
	if !crew.Disbanded || crew.DisbandReason != "merged into Insights" || len(crew.Members) != 0 {
		t.Fatalf("disbanded %+v", crew)
	}
	if p := getPerson(a, bruno); len(p.Roles.Crews) != 0 {
		t.Fatalf("Bruno is still in %+v", p.Roles.Crews)
	}
	if got := a.Views.Crews.CountByType(); got["capability"] != 0 {
		t.Fatalf("a disbanded crew is counted: %v", got)
	}
	type page struct {
		Items []projections.CrewView `json:"items"`
	}
	list := decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/crews?type=value_stream", nil))
	if len(list.Items) != 1 || list.Items[0].ID != other.ID {
		t.Fatalf("value stream crews %+v", list.Items)
	}
	if list := decode[page](t, a.Must(http.StatusOK, http.MethodGet, "/v1/crews", nil)); len(list.Items) != 2 {
		t.Fatalf("all crews %+v", list.Items)
	}
	if got := decode[projections.CrewView](t, a.Must(http.StatusOK, http.MethodGet, path, nil)); got.Purpose != crew.Purpose || !got.Disbanded {
		t.Fatalf("read back %+v", got)
	}
}

func TestCrewErrors(t *testing.T) {
	a := startAPI(t)
	bruno := register(a, "Bruno Neri", "bruno@example.com", "CX")
	live := decode[projections.CrewView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/crews", map[string]any{"name": "Seams", "type": "experience", "purpose": "p"}))
	gone := decode[projections.CrewView](t, a.Must(http.StatusCreated, http.MethodPost, "/v1/crews", map[string]any{"name": "Old", "type": "platform", "purpose": "p"}))
	a.Must(http.StatusOK, http.MethodPost, "/v1/crews/"+gone.ID+"/disbandment", map[string]any{"reason": "done"})
	unknown := "/v1/crews/01J00000000000000000000000"
	checkProblems(t, a, []problemCase{
		{"unknown field", "", http.MethodPost, "/v1/crews", `{"name":"x","kind":"platform"}`, nil, http.StatusBadRequest, "kind"},
		{"bad type", "", http.MethodPost, "/v1/crews", map[string]any{"name": "x", "type": "tribe", "purpose": "p"}, nil, http.StatusUnprocessableEntity, "type"},
		{"bad function", "", http.MethodPost, "/v1/crews", map[string]any{"name": "x", "type": "platform", "purpose": "p", "function": "sales"}, nil, http.StatusUnprocessableEntity, "function"},
		{"bad role", "", http.MethodPost, "/v1/crews/" + live.ID + "/members", map[string]any{"person_id": bruno, "role": "boss"}, nil, http.StatusUnprocessableEntity, "role"},
		{"unknown crew", "", http.MethodPatch, unknown, map[string]any{"purpose": "p"}, nil, http.StatusNotFound, ""},
		{"unknown crew read", "", http.MethodGet, unknown, nil, nil, http.StatusNotFound, ""},
		{"not a member", "", http.MethodDelete, "/v1/crews/" + live.ID + "/members/" + bruno, nil, nil, http.StatusNotFound, ""},
		{"disbanded crew", "", http.MethodPost, "/v1/crews/" + gone.ID + "/members", map[string]any{"person_id": bruno, "role": "member"}, nil, http.StatusConflict, ""},
		{"disbanded twice", "", http.MethodPost, "/v1/crews/" + gone.ID + "/disbandment", map[string]any{"reason": "again"}, nil, http.StatusConflict, ""},
		{"stale If-Match", "", http.MethodPatch, "/v1/crews/" + live.ID, map[string]any{"purpose": "q"}, []string{"If-Match", `"3"`}, http.StatusPreconditionFailed, ""},
		{"bad type filter", "", http.MethodGet, "/v1/crews?type=tribe", nil, nil, http.StatusUnprocessableEntity, "type"},
	})
}
