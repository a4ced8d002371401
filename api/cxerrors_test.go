package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"cxtracker/api"
	"cxtracker/projections"
)

// TestJourneyFeedbackKPIAndPlanErrors provokes each error status of the
// journey, feedback, KPI and action plan routes, and checks the problem
// document, and for a 422 the field it names.
func TestJourneyFeedbackKPIAndPlanErrors(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	j, web := "/v1/journeys/"+m.ID, m.Touchpoints["Website"]
	retired := m.Touchpoints["Upsell call"]
	a.Must(http.StatusOK, http.MethodDelete, j+"/touchpoints/"+retired, nil)
	var fb, other projections.FeedbackItem
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": web, "metric": "nps", "score": 2, "source": "survey"}).JSON(t, &fb)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": web, "metric": "nps", "score": 9, "source": "survey"}).JSON(t, &other)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback/"+fb.ID+"/follow-up", nil)
	var kpi projections.KPIView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "NPS", "metric": "nps", "unit": "points", "target": 30, "direction": "higher_is_better"}).JSON(t, &kpi)
	var plan projections.ActionPlanView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/action-plans", map[string]any{"account": "ACME", "title": "Plan", "actions": []map[string]any{{"description": "Call"}}}).JSON(t, &plan)
	a.Must(http.StatusOK, http.MethodPost, "/v1/action-plans/"+plan.ID+"/sharing", map[string]any{"shared_with": "COO"})
	unknown := "01J00000000000000000000000"
	k, p := "/v1/kpis/"+kpi.ID, "/v1/action-plans/"+plan.ID
	feedback := func(fields map[string]any) map[string]any {
		out := map[string]any{"touchpoint_id": web, "metric": "nps", "score": 5, "source": "survey"}
		for f, v := range fields {
			out[f] = v
		}
		return out
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		want               int
		field              string
		headers            []string
	}{
		{"malformed JSON", http.MethodPost, "/v1/journeys", `{"name":`, 400, "", nil},
		{"unknown field", http.MethodPost, "/v1/journeys", `{"nam":"x"}`, 400, "nam", nil},
		{"score of the wrong type", http.MethodPost, "/v1/feedback", feedback(map[string]any{"score": "ten"}), 400, "score", nil},
		{"unknown KPI field", http.MethodPatch, k, `{"goal":3}`, 400, "goal", nil},
		{"malformed If-Match", http.MethodPost, j + "/stages", map[string]any{"name": "Loyalty"}, 400, "", []string{"If-Match", "abc"}},

		{"unknown journey", http.MethodGet, "/v1/journeys/" + unknown, nil, 404, "", nil},
		{"stage of an unknown journey", http.MethodPost, "/v1/journeys/" + unknown + "/stages", map[string]any{"name": "X"}, 404, "", nil},
		{"unknown stage", http.MethodPatch, j + "/stages/" + unknown, map[string]any{"name": "X"}, 404, "", nil},
		{"unknown touchpoint", http.MethodPatch, j + "/touchpoints/" + unknown, map[string]any{"owner_crew_id": m.Crew}, 404, "", nil},
		{"feedback at an unknown touchpoint", http.MethodPost, "/v1/feedback", feedback(map[string]any{"touchpoint_id": unknown}), 404, "", nil},
		{"follow-up of unknown feedback", http.MethodPost, "/v1/feedback/" + unknown + "/follow-up", nil, 404, "", nil},
		{"closing a follow-up never opened", http.MethodPost, "/v1/feedback/" + other.ID + "/follow-up/closure", map[string]any{"action_taken": "x"}, 404, "", nil},
		{"unknown KPI", http.MethodGet, "/v1/kpis/" + unknown, nil, 404, "", nil},
		{"measuring an unknown KPI", http.MethodPost, "/v1/kpis/" + unknown + "/measurements", map[string]any{"value": 1}, 404, "", nil},
		{"unknown action plan", http.MethodGet, "/v1/action-plans/" + unknown, nil, 404, "", nil},
		{"unknown action", http.MethodPost, p + "/actions/" + unknown + "/completion", nil, 404, "", nil},
		{"plan from unknown feedback", http.MethodPost, "/v1/action-plans", map[string]any{"account": "A", "title": "T", "feedback_ids": []string{unknown}, "actions": []map[string]any{{"description": "d"}}}, 404, "", nil},

		{"a stage name twice", http.MethodPost, j + "/stages", map[string]any{"name": "acquisition"}, 409, "", nil},
		{"feedback at a retired touchpoint", http.MethodPost, "/v1/feedback", feedback(map[string]any{"touchpoint_id": retired}), 409, "", nil},
		{"retiring twice", http.MethodDelete, j + "/touchpoints/" + retired, nil, 409, "", nil},
		{"a second follow-up", http.MethodPost, "/v1/feedback/" + fb.ID + "/follow-up", nil, 409, "", nil},
		{"sharing twice", http.MethodPost, p + "/sharing", map[string]any{"shared_with": "CEO"}, 409, "", nil},

		{"stale journey", http.MethodPost, j + "/stages", map[string]any{"name": "Loyalty"}, 412, "", []string{"If-Match", `"1"`}},
		{"stale KPI", http.MethodPatch, k, map[string]any{"target": 40}, 412, "", []string{"If-Match", `"9"`}},
		{"stale follow-up", http.MethodPost, "/v1/feedback/" + fb.ID + "/follow-up/closure", map[string]any{"action_taken": "x"}, 412, "", []string{"If-Match", `"5"`}},
		{"stale plan", http.MethodPost, p + "/closure", nil, 412, "", []string{"If-Match", `"1"`}},

		{"feedback too large", http.MethodPost, "/v1/feedback", feedback(map[string]any{"comment": strings.Repeat("x", 2<<20)}), 413, "", nil},

		{"a score off its scale", http.MethodPost, "/v1/feedback", feedback(map[string]any{"score": 11}), 422, "score", nil},
		{"no score", http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": web, "metric": "nps", "source": "survey"}, 422, "score", nil},
		{"an unknown metric", http.MethodPost, "/v1/feedback", feedback(map[string]any{"metric": "ltv"}), 422, "metric", nil},
		{"occurred_at not a time", http.MethodPost, "/v1/feedback", feedback(map[string]any{"occurred_at": "yesterday"}), 422, "occurred_at", nil},
		{"a journey without a name", http.MethodPost, "/v1/journeys", map[string]any{"name": " "}, 422, "name", nil},
		{"a stage past the end", http.MethodPost, j + "/stages", map[string]any{"name": "Loyalty", "position": 9}, 422, "position", nil},
		{"a stage change of nothing", http.MethodPatch, j + "/stages/" + m.Stages["Referral"], map[string]any{}, 422, "name", nil},
		{"a touchpoint without an owner", http.MethodPost, j + "/touchpoints", map[string]any{"stage_id": m.Stages["Referral"], "name": "SMS", "channel": "sms"}, 422, "owner_crew_id", nil},
		{"a filter on an unknown metric", http.MethodGet, "/v1/feedback?metric=ltv", nil, 422, "metric", nil},
		{"a filter from no time", http.MethodGet, "/v1/feedback?from=yesterday", nil, 422, "from", nil},
		{"a filter to before from", http.MethodGet, "/v1/feedback?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", nil, 422, "to", nil},
		{"a filter on a follow-up state", http.MethodGet, "/v1/feedback?follow_up=maybe", nil, 422, "follow_up", nil},
		{"a filter on a journey that is no id", http.MethodGet, "/v1/feedback?journey=retail", nil, 422, "journey", nil},
		{"a filter on a touchpoint that is no id", http.MethodGet, "/v1/feedback?touchpoint=web", nil, 422, "touchpoint", nil},
		{"a page of nothing", http.MethodGet, "/v1/feedback?limit=0", nil, 422, "limit", nil},
		{"a trend by day", http.MethodGet, "/v1/feedback/trends?period=day", nil, 422, "period", nil},
		{"a trend by crew", http.MethodGet, "/v1/feedback/trends?by=crew", nil, 422, "by", nil},
		{"a KPI going sideways", http.MethodPost, "/v1/kpis", map[string]any{"name": "X", "metric": "x", "unit": "u", "target": 1, "direction": "sideways"}, 422, "direction", nil},
		{"a KPI without a target", http.MethodPost, "/v1/kpis", map[string]any{"name": "X", "metric": "x", "unit": "u", "direction": "lower_is_better"}, 422, "target", nil},
		{"a KPI change of nothing", http.MethodPatch, k, map[string]any{}, 422, "target", nil},
		{"a measurement without a value", http.MethodPost, k + "/measurements", map[string]any{"note": "x"}, 422, "value", nil},
		{"a plan without actions", http.MethodPost, "/v1/action-plans", map[string]any{"account": "A", "title": "T", "actions": []any{}}, 422, "actions", nil},
		{"an action without a description", http.MethodPost, "/v1/action-plans", map[string]any{"account": "A", "title": "T", "actions": []map[string]any{{"owner_id": ""}}}, 422, "actions[0].description", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.Do(tc.method, tc.path, tc.body, tc.headers...)
			if r.Status != tc.want || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("answered %d %s: %s; want %d", r.Status, r.Header.Get("Content-Type"), r.Body, tc.want)
			}
			var pd struct {
				Errors []api.FieldError `json:"errors"`
			}
			r.JSON(t, &pd)
			if tc.field != "" && !slices.ContainsFunc(pd.Errors, func(e api.FieldError) bool { return e.Field == tc.field }) {
				t.Fatalf("no error on %s: %s", tc.field, r.Body)
			}
		})
	}
}
