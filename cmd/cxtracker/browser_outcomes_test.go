package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cxtracker/projections"
)

// TestTheDecisionTimelineShowsWhatCameOfADecision records, dated in the
// past, a decision on one of the demo's touchpoints, the work started on
// it and feedback since, and reads the decision's outcome on the timeline
// in a real browser: before → after in figures and in words, as the API
// says, for the touchpoint and for a KPI computed from its NPS.
func TestTheDecisionTimelineShowsWhatCameOfADecision(t *testing.T) {
	m, admin := demoTracker(t)
	ctx := context.Background()
	var council projections.CouncilView
	admin.must(t, "/v1/council", &council)
	var journeys struct{ Items []projections.JourneyView }
	admin.must(t, "/v1/journeys", &journeys)
	if council.Chair == nil || len(journeys.Items) == 0 || len(journeys.Items[0].Stages) == 0 || len(journeys.Items[0].Stages[0].Touchpoints) == 0 {
		t.Fatalf("the demo has no chair or no touchpoint: %+v %+v", council, journeys.Items)
	}
	tp := journeys.Items[0].Stages[0].Touchpoints[0]
	now := demoNow()
	at := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	do := func(when time.Time, method, path string, body obj, out any) {
		t.Helper()
		if err := admin.doAt(ctx, when, method, path, body, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	var in, kpi struct {
		ID string `json:"id"`
	}
	do(at(41), http.MethodPost, "/v1/kpis", obj{"name": "Callers' NPS", "metric": "nps", "unit": "points", "target": 50,
		"direction": "higher_is_better", "touchpoint_id": tp.ID}, &kpi)
	do(at(40), http.MethodPost, "/v1/initiatives", obj{"title": "Greet every caller by name", "problem": "callers feel like numbers",
		"touchpoint_ids": []string{tp.ID}, "kpi_ids": []string{kpi.ID}, "person_id": council.Chair.PersonID}, &in)
	base := "/v1/initiatives/" + in.ID
	do(at(39), http.MethodPost, base+"/decision", obj{"outcome": "approved", "rationale": "cheap to try", "person_id": council.Chair.PersonID}, nil)
	var crews struct{ Items []projections.CrewView }
	admin.must(t, "/v1/crews", &crews)
	if len(crews.Items) == 0 {
		t.Fatal("the demo has no crew")
	}
	do(at(38), http.MethodPut, base+"/owner", obj{"crew_id": crews.Items[0].ID}, nil)
	do(at(30), http.MethodPost, base+"/start", nil, nil)
	for i := range 6 {
		do(at(10+i), http.MethodPost, "/v1/feedback", obj{"touchpoint_id": tp.ID, "metric": "nps", "score": 10, "source": "survey"}, nil)
	}

	// The API's figures for the touchpoint, to read on the page.
	var log struct{ Items []projections.DecisionView }
	admin.must(t, "/v1/council/decisions?limit=500", &log)
	var o *projections.DecisionOutcome
	for _, d := range log.Items {
		if d.InitiativeID == in.ID {
			o = d.Outcome
		}
	}
	if o == nil || len(o.Touchpoints) != 1 || len(o.KPIs) != 1 || o.AfterStart == nil || !o.AfterStart.Ongoing || o.Touchpoints[0].AfterStart.NPSCount < 6 {
		t.Fatalf("the decision's outcome %+v %+v", o, o.AfterStart)
	}
	w := o.Touchpoints[0]
	verdict := projections.Verdict(w.ChangeAfterStart.NPS, w.ChangeAfterStart.Margin.NPS, false)
	if verdict == "" {
		t.Fatalf("no NPS known at the decision at %s to compare with: %+v", tp.Name, w.Before)
	}

	browser := newBrowser(t)
	member, _ := personToken(t, admin, councilMember)
	tab := newTab(t, browser, "http://"+m.HTTPAddr())
	tab.signIn(member)
	entry := "#timeline li.decision[data-initiative='" + in.ID + "']"
	tab.open("/decisions")
	tab.do("wait for the timeline", chromedp.WaitVisible(chromedp.CSS(entry)))
	rowOf := func(head, measure string) string {
		row := evalIn[string](tab, `(Array.from(document.querySelectorAll("`+entry+` tr.outcome-row")).find(r => r.querySelector("th").textContent.trim() === "`+head+`" && r.textContent.includes("`+measure+`")) || {textContent: ""}).textContent`)
		return strings.Join(strings.Fields(row), " ")
	}
	row := rowOf("Touchpoint: "+tp.Name, "NPS")
	// The page says "1 response", and "n responses" for any other n.
	responses := func(n int) string {
		if n == 1 {
			return "1 response"
		}
		return fmt.Sprintf("%d responses", n)
	}
	before := fmt.Sprintf("%.1f ± %.1f (%s)", *w.Before.NPS, *w.Before.Margin.NPS, responses(w.Before.NPSCount))
	after := fmt.Sprintf("%.1f ", *w.AfterStart.NPS)
	if !strings.Contains(row, before) || !strings.Contains(row, after) || !strings.Contains(row, verdict) || !strings.Contains(row, "not completed") {
		t.Errorf("the timeline's NPS row for %s reads %q; want %q before, %q since the start, %q, and not completed", tp.Name, row, before, after, verdict)
	}
	// The KPI computed from the touchpoint's NPS reads the same figures,
	// with its margin, said as a figure from the feedback against its
	// target, and the same verdict in its direction.
	k := o.KPIs[0]
	if k.Source != projections.KPISourceFeedback || k.Before.Value == nil || *k.Before.Value != *w.Before.NPS || k.AfterStart == nil || k.AfterStart.Count != w.AfterStart.NPSCount {
		t.Fatalf("the computed KPI's outcome %+v, the touchpoint's %+v", k, w)
	}
	kpiVerdict := projections.Verdict(k.ChangeAfterStart.Change, k.ChangeAfterStart.Margin, false)
	row = rowOf("KPI: Callers' NPS", "NPS")
	kpiBefore := fmt.Sprintf("%.1f ± %.1f (%s)", *k.Before.Value, *k.Before.Margin, responses(k.Before.Count))
	kpiAfter := fmt.Sprintf("%.1f ± %.1f (%s) %s", *k.AfterStart.Value, *k.AfterStart.Margin, responses(k.AfterStart.Count), kpiVerdict)
	if kpiVerdict != verdict || !strings.Contains(row, "NPS (higher is better; computed from the feedback in its scope; target 50 points)") ||
		!strings.Contains(row, kpiBefore) || !strings.Contains(row, kpiAfter) || !strings.Contains(row, "not completed") {
		t.Errorf("the timeline's row of the computed KPI reads %q; want NPS computed from the feedback against 50 points, %q before, %q since the start (the touchpoint's verdict %q), and not completed",
			row, kpiBefore, kpiAfter, verdict)
	}
	if got := tab.text(entry + " .outcome-figures p.muted"); !strings.Contains(got, "to now") || !strings.Contains(got, "as recorded by") {
		t.Errorf("the windows read %q", got)
	}
	tab.do("show the outcome", chromedp.ScrollIntoView(chromedp.CSS(entry+" .outcome-figures")))
	tab.screenshot("decision-outcome")
}
