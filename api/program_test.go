package api_test

import (
	"net/http"
	"slices"
	"testing"

	"cxtracker/projections"
)

func TestProgramAppointmentsShowOnPeople(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	bruno := register(a, "Bruno Neri", "bruno@example.com", "CX")
	giulia := register(a, "Giulia Bianchi", "giulia@example.com", "Service")
	hana := register(a, "Hana Nowak", "hana@example.com", "Retail")
	a.Must(http.StatusOK, http.MethodPut, "/v1/program/sponsor", map[string]any{"person_id": bruno})
	roles := decode[projections.ProgramRoles](t, a.Must(http.StatusOK, http.MethodPut, "/v1/program/sponsor", map[string]any{"person_id": ana}))
	if roles.Sponsor == nil || roles.Sponsor.PersonID != ana || roles.Sponsor.Name != "Ana Costa" || roles.CXManager != nil {
		t.Fatalf("one sponsor at a time: %+v", roles)
	}
	a.Must(http.StatusOK, http.MethodPut, "/v1/program/cx-manager", map[string]any{"person_id": bruno})
	a.Must(http.StatusOK, http.MethodPost, "/v1/program/ambassadors", map[string]any{"person_id": giulia})
	a.Must(http.StatusOK, http.MethodPost, "/v1/program/ambassadors", map[string]any{"person_id": hana, "department": "Branches"})
	roles = decode[projections.ProgramRoles](t, a.Must(http.StatusOK, http.MethodPost, "/v1/program/experts", map[string]any{"person_id": hana, "unit": "Retail banking"}))
	if len(roles.Ambassadors) != 2 || roles.Ambassadors[0].Department != "Branches" || roles.Ambassadors[1].PersonID != giulia ||
		roles.Ambassadors[1].Department != "Service" || len(roles.Experts) != 1 || roles.Experts[0].Unit != "Retail banking" {
		t.Fatalf("roles %+v", roles)
	}
	p := getPerson(a, hana)
	if p.Roles.Sponsor || p.Roles.Ambassador == nil || p.Roles.Ambassador.Department != "Branches" || p.Roles.Expert == nil || p.Roles.Expert.Unit != "Retail banking" {
		t.Fatalf("Hana's roles %+v", p.Roles)
	}
	if p := getPerson(a, bruno); p.Roles.Sponsor || !p.Roles.CXManager {
		t.Fatalf("Bruno's roles %+v", p.Roles)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/program/ambassadors/"+hana, nil)
	roles = decode[projections.ProgramRoles](t, a.Must(http.StatusOK, http.MethodDelete, "/v1/program/experts/"+hana, nil))
	if len(roles.Ambassadors) != 1 || len(roles.Experts) != 0 {
		t.Fatalf("after the releases %+v", roles)
	}
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+giulia+"/departure", nil)
	if got := a.Views.People.Departments(); !slices.Equal(got, []string{"Board", "CX", "Retail"}) {
		t.Fatalf("departments %v", got)
	}
}

func TestProgramErrors(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	gone := register(a, "Otto Left", "otto@example.com", "Sales")
	a.Must(http.StatusOK, http.MethodPost, "/v1/people/"+gone+"/departure", nil)
	unknown := "01J00000000000000000000000"
	checkProblems(t, a, []problemCase{
		{"unknown field", "", http.MethodPut, "/v1/program/sponsor", `{"person":"x"}`, nil, http.StatusBadRequest, "person"},
		{"unknown person", "", http.MethodPut, "/v1/program/cx-manager", map[string]any{"person_id": unknown}, nil, http.StatusNotFound, ""},
		{"person who left", "", http.MethodPut, "/v1/program/sponsor", map[string]any{"person_id": gone}, nil, http.StatusConflict, ""},
		{"no unit", "", http.MethodPost, "/v1/program/experts", map[string]any{"person_id": ana}, nil, http.StatusUnprocessableEntity, "unit"},
		{"no person", "", http.MethodPost, "/v1/program/ambassadors", map[string]any{"department": "Sales"}, nil, http.StatusUnprocessableEntity, "person_id"},
		{"not an ambassador", "", http.MethodDelete, "/v1/program/ambassadors/" + ana, nil, nil, http.StatusNotFound, ""},
		{"not an expert", "", http.MethodDelete, "/v1/program/experts/" + ana, nil, nil, http.StatusNotFound, ""},
		{"stale If-Match", "", http.MethodPut, "/v1/program/sponsor", map[string]any{"person_id": ana}, []string{"If-Match", `"2"`}, http.StatusPreconditionFailed, ""},
	})
}
