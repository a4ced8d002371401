package api_test

import (
	"net/http"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

func TestKPIsStandAgainstTargetWithHistory(t *testing.T) {
	a := startAPI(t)
	owner := registerPersonByEngine(t, a, "Bob")
	var nps, wait projections.KPIView
	a.Must(http.StatusCreated, http.MethodPost, "/v1/kpis", map[string]any{"name": "Call centre NPS", "metric": "nps", "unit": "points",
		"target": 30, "direction": "higher_is_better", "owner_id": owner, "scope": "touchpoint"}).JSON(t, &nps)
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
