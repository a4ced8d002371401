package api_test

import (
	"net/http"
	"testing"

	"cxtracker/projections"
)

func TestActionPlanIsDraftedSharedWorkedAndClosed(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	owner := registerPersonByEngine(t, a, "Dan")
	var fb projections.FeedbackItem
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints["Call centre"], "metric": "nps", "score": 2, "source": "call_centre"}).JSON(t, &fb)
	var plan projections.ActionPlanView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/action-plans", map[string]any{"account": "ACME Ltd", "title": "Q2 service plan", "feedback_ids": []string{fb.ID},
		"actions": []map[string]any{{"description": "Name one contact for escalations", "owner_id": owner}, {"description": "Weekly status call"}}}).JSON(t, &plan)
	if plan.ID == "" || plan.Status != "drafted" || len(plan.Actions) != 2 || plan.Actions[0].ID == "" || plan.Actions[0].OwnerID != owner || plan.OpenActions != 2 {
		t.Fatalf("drafted %+v", plan)
	}
	path := "/v1/action-plans/" + plan.ID
	a.Must(http.StatusOK, http.MethodPost, path+"/sharing", map[string]any{"shared_with": "ACME's COO", "note": "quarterly review"}).JSON(t, &plan)
	if plan.Status != "shared" || plan.SharedWith != "ACME's COO" {
		t.Fatalf("shared %+v", plan)
	}
	a.Must(http.StatusOK, http.MethodPost, path+"/actions/"+plan.Actions[1].ID+"/completion", nil).JSON(t, &plan)
	if !plan.Actions[1].Done || plan.Actions[0].Done || plan.OpenActions != 1 {
		t.Fatalf("one done %+v", plan)
	}
	a.Must(http.StatusOK, http.MethodPost, path+"/closure", map[string]any{"summary": "contact still to name"}).JSON(t, &plan)
	if plan.Status != "closed" || plan.Summary != "contact still to name" {
		t.Fatalf("closed %+v", plan)
	}
	var page struct {
		Items []projections.ActionPlanView `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/action-plans", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].FeedbackIDs[0] != fb.ID {
		t.Fatalf("list %+v", page)
	}
	a.Must(http.StatusOK, http.MethodGet, path, nil)
}
