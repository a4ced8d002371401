package api_test

import (
	"net/http"
	"testing"

	"cxtracker/projections"
)

func TestCouncilSeatsChairsAndUnseats(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	carla := register(a, "Carla Rossi", "carla@example.com", "Sales")
	diego := register(a, "Diego Lima", "diego@example.com", "Operations")
	var c projections.CouncilView
	a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": ana, "chair": true}).JSON(t, &c)
	if c.Chair == nil || c.Chair.PersonID != ana || len(c.Members) != 1 || c.Members[0].Department != "Board" || !c.Members[0].Chair {
		t.Fatalf("first seat %+v", c)
	}
	a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": diego, "department": "Risk", "chair": false})
	// A new member posted as chair takes the seat and the chair at once.
	r := a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": carla, "chair": true})
	r.JSON(t, &c)
	if c.Chair.PersonID != carla || c.Seats != 3 || c.Quorum != 2 || r.Header.Get("ETag") != `"4"` {
		t.Fatalf("seated as chair %+v, ETag %s", c, r.Header.Get("ETag"))
	}
	if p := getPerson(a, diego); p.Roles.Council == nil || p.Roles.Council.Department != "Risk" || p.Roles.Council.Chair {
		t.Fatalf("Diego's roles %+v", p.Roles)
	}
	// Posting the sitting chair again changes nothing.
	if r := a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": carla, "chair": true}); r.Header.Get("ETag") != `"4"` {
		t.Fatalf("re-chairing wrote: ETag %s", r.Header.Get("ETag"))
	}
	c = decode[projections.CouncilView](t, a.Must(http.StatusOK, http.MethodDelete, "/v1/council/members/"+carla, nil))
	if c.Chair != nil || len(c.Members) != 2 {
		t.Fatalf("after the chair was unseated %+v", c)
	}
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+diego+"/departure", nil)
	c = decode[projections.CouncilView](t, a.Must(http.StatusOK, http.MethodGet, "/v1/council", nil))
	if c.Seats != 1 || len(c.Members) != 2 || !c.Members[1].Left {
		t.Fatalf("a member who left still counts: %+v", c)
	}
}

func TestCouncilErrors(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	a.Must(http.StatusOK, http.MethodPost, "/v1/council/members", map[string]any{"person_id": ana})
	unknown := "01J00000000000000000000000"
	checkProblems(t, a, []problemCase{
		{"unknown field", "", http.MethodPost, "/v1/council/members", `{"person":"x"}`, nil, http.StatusBadRequest, "person"},
		{"unknown person", "", http.MethodPost, "/v1/council/members", map[string]any{"person_id": unknown}, nil, http.StatusNotFound, ""},
		{"not a ULID", "", http.MethodPost, "/v1/council/members", map[string]any{"person_id": "ana"}, nil, http.StatusUnprocessableEntity, "person_id"},
		{"seated twice", "", http.MethodPost, "/v1/council/members", map[string]any{"person_id": ana}, nil, http.StatusConflict, ""},
		{"stale If-Match", "", http.MethodDelete, "/v1/council/members/" + ana, nil, []string{"If-Match", `"9"`}, http.StatusPreconditionFailed, ""},
		{"unseat a stranger", "", http.MethodDelete, "/v1/council/members/" + unknown, nil, nil, http.StatusNotFound, ""},
		{"bad from", "", http.MethodGet, "/v1/council/decisions?from=yesterday", nil, nil, http.StatusUnprocessableEntity, "from"},
		{"to before from", "", http.MethodGet, "/v1/council/decisions?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", nil, nil, http.StatusUnprocessableEntity, "to"},
		{"bad outcome", "", http.MethodGet, "/v1/council/decisions?outcome=maybe", nil, nil, http.StatusUnprocessableEntity, "outcome"},
	})
}
