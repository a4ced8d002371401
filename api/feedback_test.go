package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"cxtracker/api"
	"cxtracker/projections"
)

// scenarioFeedback is logged at the AARRR map: touchpoint, metric, score,
// and the day it occurred (all in 2025, at noon UTC).
var scenarioFeedback = []struct {
	tp, metric string
	score      int
	day        string
}{
	{"Website", "nps", 10, "02-25"}, {"Website", "nps", 9, "03-03"}, {"Website", "nps", 7, "03-04"}, {"Website", "nps", 3, "03-10"},
	{"Website", "csat", 5, "02-26"}, {"Website", "csat", 4, "03-05"}, {"Website", "csat", 1, "03-11"},
	{"Call centre", "nps", 0, "03-02"}, {"Call centre", "nps", 6, "03-06"}, {"Call centre", "nps", 9, "03-12"},
	{"Call centre", "ces", 2, "02-27"}, {"Call centre", "ces", 4, "03-07"}, {"Call centre", "ces", 6, "03-13"},
	{"Onboarding app", "nps", 10, "03-14"}, {"Onboarding app", "ces", 1, "03-14"}, {"Onboarding app", "ces", 2, "02-28"},
}

// feedbackPage is a page of feedback items as a client reads it.
type feedbackPage struct {
	Items      []projections.FeedbackItem `json:"items"`
	NextCursor string                     `json:"next_cursor"`
}

func (a *testAPI) feedbackList(t *testing.T, query string) feedbackPage {
	t.Helper()
	var p feedbackPage
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback?"+query, nil).JSON(t, &p)
	return p
}

func TestFeedbackScenarioFiguresFollowUpsAndTrends(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	logged := map[string]string{} // "touchpoint metric score" -> feedback id
	for _, f := range scenarioFeedback {
		var it projections.FeedbackItem
		a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints[f.tp], "metric": f.metric,
			"score": f.score, "source": "survey", "segment": "young adults", "occurred_at": "2025-" + f.day + "T12:00:00Z"}).JSON(t, &it)
		if it.ID == "" || it.StageID == "" || it.JourneyID != m.ID || it.OccurredAt.Format("01-02") != f.day || it.FollowUp != nil {
			t.Fatalf("logged %+v", it)
		}
		logged[f.tp+" "+f.metric+" "+strconv.Itoa(f.score)] = it.ID
	}
	caller := registerPersonByEngine(t, a, "Fay")
	detractor, passive := logged["Call centre nps 0"], logged["Website nps 3"]
	var it projections.FeedbackItem
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback/"+detractor+"/follow-up", map[string]any{"assignee_id": caller, "note": "call back"}).JSON(t, &it)
	if it.FollowUp == nil || it.FollowUp.Status != "open" || it.FollowUp.AssigneeID != caller {
		t.Fatalf("opened %+v", it.FollowUp)
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback/"+passive+"/follow-up", nil)
	a.Must(http.StatusOK, http.MethodPost, "/v1/feedback/"+passive+"/follow-up/closure", map[string]any{"action_taken": "fixed the form", "customer_informed": true}).JSON(t, &it)
	if it.FollowUp.Status != "closed" || !it.FollowUp.CustomerInformed || it.FollowUp.ClosedAt == nil {
		t.Fatalf("closed %+v", it.FollowUp)
	}

	var j projections.JourneyView
	a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID, nil).JSON(t, &j)
	acq, act := j.Stages[0], j.Stages[1]
	web, call := acq.Touchpoints[0], acq.Touchpoints[1]
	// Website: NPS 10 9 7 3 (2 promoters, 1 detractor of 4), CSAT 5 4 1 (2 of 3 satisfied, mean 10/3).
	checkFigures(t, "website", web.JourneyFigures, 7, ptrTo(25.0), ptrTo(100*2.0/3), ptrTo(10.0/3), nil, 0)
	// Call centre: NPS 0 6 9 (1 promoter, 2 detractors of 3), CES 2 4 6.
	checkFigures(t, "call centre", call.JourneyFigures, 6, ptrTo(100*-1.0/3), nil, nil, ptrTo(4.0), 1)
	// Acquisition merges both: NPS 3 promoters, 3 detractors of 7.
	checkFigures(t, "acquisition", acq.JourneyFigures, 13, ptrTo(0.0), ptrTo(100*2.0/3), ptrTo(10.0/3), ptrTo(4.0), 1)
	checkFigures(t, "activation", act.JourneyFigures, 3, ptrTo(100.0), nil, nil, ptrTo(1.5), 0)
	checkFigures(t, "retention", j.Stages[2].JourneyFigures, 0, nil, nil, nil, nil, 0)
	if j.Count != 16 || j.OpenFollowUps != 1 || a.Views.Feedback.OpenFollowUps() != 1 || a.Views.Feedback.Headline().NPSCount != 8 {
		t.Fatalf("journey %+v, open %d", j.JourneyFigures, a.Views.Feedback.OpenFollowUps())
	}

	for query, want := range map[string]int{
		"":                     16,
		"follow_up=open":       1,
		"follow_up=closed":     1,
		"follow_up=none":       14,
		"metric=ces":           5,
		"touchpoint=" + web.ID: 7,
		"journey=" + m.ID:      16,
		"from=2025-03-01T00:00:00Z&to=" + url.QueryEscape("2025-03-08T00:00:00+00:00"): 6,
	} {
		if got := a.feedbackList(t, "limit=100&"+query); len(got.Items) != want {
			t.Errorf("%q: %d items, want %d", query, len(got.Items), want)
		}
	}
	var seen []string
	for cursor, pages := "", 0; pages == 0 || cursor != ""; pages++ {
		p := a.feedbackList(t, "limit=5&cursor="+cursor)
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		cursor = p.NextCursor
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("pages out of id order: %v", seen)
		}
	}
	if len(seen) != 16 {
		t.Fatalf("paged through %d items", len(seen))
	}

	var months api.TrendsView
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/trends", nil).JSON(t, &months)
	if months.Period != "month" || months.By != "stage" || len(months.Periods) != 2 || months.Periods[0].Period != "2025-02" {
		t.Fatalf("months %+v", months)
	}
	feb, mar := months.Periods[0].Groups, months.Periods[1].Groups
	checkFigures(t, "february acquisition", figuresOfGroup(feb[0]), 3, ptrTo(100.0), ptrTo(100.0), ptrTo(5.0), ptrTo(2.0), 0)
	checkFigures(t, "february activation", figuresOfGroup(feb[1]), 1, nil, nil, nil, ptrTo(2.0), 0)
	// March at Acquisition: NPS 9 7 3 0 6 9 is 2 promoters, 3 detractors of 6; CSAT 4 1; CES 4 6.
	checkFigures(t, "march acquisition", figuresOfGroup(mar[0]), 10, ptrTo(100*-1.0/6), ptrTo(50.0), ptrTo(2.5), ptrTo(5.0), 0)
	if mar[0].StageName != "Acquisition" || mar[1].StageName != "Activation" {
		t.Fatalf("march groups %+v", mar)
	}

	var weeks api.TrendsView
	a.Must(http.StatusOK, http.MethodGet, "/v1/feedback/trends?period=week&by=touchpoint&metric=nps&journey="+m.ID, nil).JSON(t, &weeks)
	if len(weeks.Periods) != 3 || weeks.Periods[0].Period != "2025-02-24" || weeks.Periods[2].Period != "2025-03-10" {
		t.Fatalf("weeks %+v", weeks.Periods)
	}
	// The week of 10 March by touchpoint, NPS only: website 3, call centre 9, app 10.
	last := weeks.Periods[2].Groups
	if len(last) != 3 || last[0].TouchpointName != "Website" || *last[0].NPS != -100 || last[1].TouchpointName != "Call centre" || *last[1].NPS != 100 ||
		last[2].TouchpointName != "Onboarding app" || last[2].Count != 1 || last[2].CES != nil {
		t.Fatalf("week of 10 March %+v", last)
	}
	// The week of 24 February holds Sunday 2 March: website 10 and call centre 0.
	if first := weeks.Periods[0].Groups; len(first) != 2 || *first[0].NPS != 100 || *first[1].NPS != -100 {
		t.Fatalf("week of 24 February %+v", first)
	}
}

func ptrTo[T any](v T) *T { return &v }

func figuresOfGroup(g api.TrendGroupView) projections.JourneyFigures {
	return projections.JourneyFigures{Count: g.Count, Metrics: g.Metrics}
}

// checkFigures compares figures with hand-computed ones; nil is "no score".
func checkFigures(t *testing.T, what string, got projections.JourneyFigures, count int, nps, csat, csatMean, ces *float64, open int) {
	t.Helper()
	same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	if got.Count != count || !same(got.NPS, nps) || !same(got.CSAT, csat) || !same(got.CSATMean, csatMean) || !same(got.CES, ces) || got.OpenFollowUps != open {
		show := func(p *float64) any {
			if p == nil {
				return nil
			}
			return *p
		}
		t.Fatalf("%s: count %d nps %v csat %v mean %v ces %v open %d; want %d %v %v %v %v %d", what,
			got.Count, show(got.NPS), show(got.CSAT), show(got.CSATMean), show(got.CES), got.OpenFollowUps,
			count, show(nps), show(csat), show(csatMean), show(ces), open)
	}
}
