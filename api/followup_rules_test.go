package api_test

import (
	"net/http"
	"strings"
	"testing"

	"cxtracker/projections"
)

func TestFollowUpRulesAreDefinedChangedAndRetired(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	fay := registerPersonByEngine(t, a, "Fay")
	var r projections.FollowUpRuleView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/follow-up-rules", map[string]any{"metric": "nps", "min_score": 0, "max_score": 6,
		"journey_id": m.ID, "assign": "person", "person_id": fay, "due_in_hours": 48}).JSON(t, &r)
	if r.Metric != "nps" || r.MaxScore != 6 || r.PersonID != fay || r.DueInHours != 48 || r.Retired {
		t.Fatalf("defined %+v", r)
	}
	id := r.ID
	r = projections.FollowUpRuleView{}
	a.Must(http.StatusOK, http.MethodPatch, "/v1/follow-up-rules/"+id, map[string]any{"max_score": 4, "assign": "crew_lead"}, "If-Match", `"1"`).JSON(t, &r)
	if r.MaxScore != 4 || r.Assign != "crew_lead" || r.PersonID != "" || r.MinScore != 0 || r.JourneyID != m.ID {
		t.Fatalf("changed %+v", r)
	}
	var page struct {
		Items []projections.FollowUpRuleView `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/follow-up-rules", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != r.ID {
		t.Fatalf("list %+v", page)
	}
	a.Must(http.StatusOK, http.MethodDelete, "/v1/follow-up-rules/"+r.ID, nil).JSON(t, &r)
	a.Must(http.StatusOK, http.MethodGet, "/v1/follow-up-rules/"+r.ID, nil).JSON(t, &r)
	if !r.Retired || r.Version != 3 {
		t.Fatalf("retired %+v", r)
	}
	h := a.Must(http.StatusOK, http.MethodGet, "/v1/follow-up-rules/"+r.ID+"/history", nil).Map(t)
	if evs, _ := h["events"].([]any); len(evs) != 3 {
		t.Fatalf("history %v", h)
	}
	a.Must(http.StatusConflict, http.MethodPatch, "/v1/follow-up-rules/"+r.ID, map[string]any{"max_score": 5})
}

func TestAFollowUpRuleIsRefusedWhenItCannotHold(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	for _, c := range []struct {
		name  string
		body  map[string]any
		want  int
		field string
	}{
		{"CSAT tops at 5", map[string]any{"metric": "csat", "min_score": 1, "max_score": 6, "assign": "crew_lead", "due_in_hours": 24}, http.StatusUnprocessableEntity, "max_score"},
		{"a range upside down", map[string]any{"metric": "ces", "min_score": 7, "max_score": 6, "assign": "crew_lead", "due_in_hours": 24}, http.StatusUnprocessableEntity, "max_score"},
		{"scores are required", map[string]any{"metric": "nps", "assign": "crew_lead", "due_in_hours": 24}, http.StatusUnprocessableEntity, "min_score"},
		{"a due time is required", map[string]any{"metric": "nps", "min_score": 0, "max_score": 6, "assign": "crew_lead"}, http.StatusUnprocessableEntity, "due_in_hours"},
		{"a person needs an id", map[string]any{"metric": "nps", "min_score": 0, "max_score": 6, "assign": "person", "due_in_hours": 24}, http.StatusUnprocessableEntity, "person_id"},
		{"an unknown stage", map[string]any{"metric": "nps", "min_score": 0, "max_score": 6, "stage_id": m.ID, "assign": "crew_lead", "due_in_hours": 24}, http.StatusNotFound, ""},
	} {
		body := string(a.Must(c.want, http.MethodPost, "/v1/follow-up-rules", c.body).Body)
		if c.field != "" && !strings.Contains(body, `"field":"`+c.field+`"`) {
			t.Errorf("%s: %s does not name %s", c.name, body, c.field)
		}
	}
}
