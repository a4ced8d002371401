package api_test

import (
	"net/http"
	"strings"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

func TestKPIsStandAgainstTargetWithHistory(t *testing.T) {
	a := startAPI(t)
	owner := registerPersonByEngine(t, a, "Bob")
	var nps, wait projections.KPIView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "First-call resolution", "metric": "first_call_resolution", "unit": "%",
		"target": 30, "direction": "higher_is_better", "owner_id": owner, "scope": "the call centre"}).JSON(t, &nps)
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "Wait time", "metric": "wait", "unit": "minutes",
		"target": 5, "direction": "lower_is_better"}).JSON(t, &wait)
	if nps.Current != nil || nps.Met != nil || nps.OwnerID != owner {
		t.Fatalf("defined %+v", nps)
	}
	if got := a.Views.KPIs.WithoutOwner(); len(got) != 1 || got[0] != wait.ID {
		t.Fatalf("without owner %v", got)
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis/"+nps.ID+"/measurements", map[string]any{"value": 27.5, "measured_at": "2025-03-31T00:00:00Z", "note": "Q1"}).JSON(t, &nps)
	if nps.Current == nil || nps.Current.Value != 27.5 || *nps.Met {
		t.Fatalf("27.5 against 30 %+v", nps)
	}
	r := a.Must(http.StatusOK, http.MethodPatch, "/v1/kpis/"+nps.ID, map[string]any{"target": 25})
	r.JSON(t, &nps)
	if !*nps.Met || len(nps.TargetChanges) != 1 || nps.TargetChanges[0].PreviousTarget != 30 || r.Header.Get("ETag") != `"3"` {
		t.Fatalf("27.5 against 25 %+v, ETag %s", nps, r.Header.Get("ETag"))
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis/"+wait.ID+"/measurements", map[string]any{"value": 4}).JSON(t, &wait)
	if !*wait.Met {
		t.Fatalf("4 minutes against 5, lower is better %+v", wait)
	}
	a.Must(http.StatusOK, http.MethodPatch, "/v1/kpis/"+wait.ID, map[string]any{"owner_id": owner}, "If-Match", `"2"`).JSON(t, &wait)
	if wait.OwnerID != owner || len(a.Views.KPIs.WithoutOwner()) != 0 {
		t.Fatalf("owned %+v", wait)
	}
	var page struct {
		Items []projections.KPIView `json:"items"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/kpis", nil).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("list %+v", page)
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/kpis/"+nps.ID, nil).JSON(t, &nps)
	if len(nps.Measurements) != 1 || nps.Measurements[0].Note != "Q1" {
		t.Fatalf("history %+v", nps)
	}
}

func TestAKPIIsRetiredOnceByItsKeepers(t *testing.T) {
	a := startAPI(t)
	var kpi projections.KPIView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "Wait time", "metric": "wait", "unit": "minutes",
		"target": 5, "direction": "lower_is_better"}).JSON(t, &kpi)

	// Only the CX manager and the CX team keep KPIs: anyone else is
	// refused by role (403), whatever the KPI's state.
	someone := personToken(a, registerPersonByEngine(t, a, "Someone"))
	checkProblem(t, a.DoAs(someone, http.MethodDelete, "/v1/kpis/"+kpi.ID, nil), http.StatusForbidden, "")

	r := a.Must(http.StatusOK, http.MethodDelete, "/v1/kpis/"+kpi.ID, map[string]any{"reason": "replaced by a journey KPI"})
	r.JSON(t, &kpi)
	if !kpi.Retired || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("retired %+v, ETag %s", kpi, r.Header.Get("ETag"))
	}
	// A rule forbids what follows now (409): retiring it again, measuring it.
	checkProblem(t, a.Do(http.MethodDelete, "/v1/kpis/"+kpi.ID, nil), http.StatusConflict, "")
	checkProblem(t, a.Do(http.MethodPost, "/v1/kpis/"+kpi.ID+"/measurements", map[string]any{"value": 4}), http.StatusConflict, "")
	checkProblem(t, a.Do(http.MethodDelete, "/v1/kpis/"+events.NewID(), nil), http.StatusNotFound, "")
	a.Must(http.StatusOK, http.MethodGet, "/v1/kpis/"+kpi.ID, nil).JSON(t, &kpi)
	if !kpi.Retired {
		t.Fatalf("read back %+v", kpi)
	}
}

func TestKPIsOnTheFeedbackAreComputedAndRefuseMeasurements(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	for _, f := range scenarioFeedback {
		a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints[f.tp], "metric": f.metric,
			"score": f.score, "source": "survey", "segment": "young adults", "occurred_at": "2025-" + f.day + "T12:00:00Z"})
	}
	define := func(body map[string]any) projections.KPIView {
		t.Helper()
		var k projections.KPIView
		a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", body).JSON(t, &k)
		return k
	}
	web := define(map[string]any{"name": "Website NPS", "metric": "nps", "unit": "points", "target": 20, "direction": "higher_is_better",
		"journey_id": m.ID, "stage_id": m.Stages["Acquisition"], "touchpoint_id": m.Touchpoints["Website"], "segment": "young adults"})
	program := define(map[string]any{"name": "Relationship NPS", "metric": "nps", "unit": "points", "target": 10, "direction": "higher_is_better"})
	churn := define(map[string]any{"name": "Churn", "metric": "churn_rate", "unit": "%", "target": 5, "direction": "lower_is_better"})

	// The website's NPS: 10 in February (100 of 1); 9, 7, 3 in March (1 promoter, 1 detractor of 3: 0), the month so far.
	if web.Source != projections.KPISourceFeedback || web.TouchpointID != m.Touchpoints["Website"] || len(web.Months) != 2 ||
		web.Months[0].Period != "2025-02" || web.Months[0].Value != 100 || web.Months[0].Count != 1 || !web.Months[0].Met ||
		web.Current == nil || web.Current.Period != "2025-03" || web.Current.Value != 0 || web.Current.Count != 3 || web.Met == nil || *web.Met {
		t.Fatalf("the website's NPS %+v, current %+v", web, web.Current)
	}
	// Its weeks: 24 Feb (10), 3 March (9, 7), 10 March (3).
	if len(web.Weeks) != 3 || web.Weeks[0].Period != "2025-02-24" || web.Weeks[1].Value != 50 || web.Weeks[1].Count != 2 || web.Weeks[2].Value != -100 {
		t.Fatalf("the website's weeks %+v", web.Weeks)
	}
	// Unscoped is the program: the same figure as its headline.
	var overview struct {
		Headline projections.Metrics `json:"headline"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/program", nil).JSON(t, &overview)
	a.Must(http.StatusOK, http.MethodGet, "/v1/kpis/"+program.ID, nil).JSON(t, &program)
	if h := overview.Headline; program.Overall == nil || h.NPS == nil || program.Overall.Value != *h.NPS || program.Overall.Count != h.NPSCount || h.NPSCount != 8 {
		t.Fatalf("the program's NPS %+v, the headline %+v", program.Overall, h)
	}

	r := a.Do(http.MethodPost, "/v1/kpis/"+web.ID+"/measurements", map[string]any{"value": 30})
	checkProblem(t, r, http.StatusConflict, "")
	if !strings.Contains(string(r.Body), "computed from the NPS feedback") {
		t.Errorf("the refusal does not say why: %s", r.Body)
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis/"+churn.ID+"/measurements", map[string]any{"value": 4.5}).JSON(t, &churn)
	if churn.Source != projections.KPISourceHand || churn.Current == nil || churn.Current.Value != 4.5 || churn.Met == nil || !*churn.Met {
		t.Fatalf("churn %+v", churn)
	}

	nps := func(scope map[string]any) map[string]any {
		body := map[string]any{"name": "N", "metric": "nps", "unit": "points", "target": 1, "direction": "higher_is_better"}
		for k, v := range scope {
			body[k] = v
		}
		return body
	}
	before := len(a.Views.KPIs.List())
	checkProblems(t, a, []problemCase{
		{name: "an unknown touchpoint", method: http.MethodPost, path: "/v1/kpis", body: nps(map[string]any{"touchpoint_id": events.NewID()}), want: http.StatusUnprocessableEntity, field: "touchpoint_id"},
		{name: "an unknown journey", method: http.MethodPost, path: "/v1/kpis", body: nps(map[string]any{"journey_id": events.NewID()}), want: http.StatusUnprocessableEntity, field: "journey_id"},
		{name: "a touchpoint at another stage", method: http.MethodPost, path: "/v1/kpis",
			body: nps(map[string]any{"stage_id": m.Stages["Activation"], "touchpoint_id": m.Touchpoints["Website"]}), want: http.StatusConflict},
		{name: "a scope on a KPI measured by hand", method: http.MethodPost, path: "/v1/kpis",
			body: map[string]any{"name": "C", "metric": "churn_rate", "unit": "%", "target": 1, "direction": "lower_is_better", "segment": "smb"}, want: http.StatusUnprocessableEntity, field: "segment"},
	})
	if after := len(a.Views.KPIs.List()); after != before {
		t.Fatalf("a refused definition wrote a KPI: %d, then %d", before, after)
	}
}
