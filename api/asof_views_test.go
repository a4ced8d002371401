package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

// A history written back-dated (business time 2024) and recorded now:
// as_of answers the program, the council, the decision log, the lists and
// a journey with its figures as they stood; known_at leaves out what the
// log recorded later; and every read that cannot travel says why.
func TestEveryReadTravelsOnBothAxesOrSaysWhyNot(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	at := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 12, 0, 0, 0, time.UTC) }
	do := func(when time.Time, cmds ...events.Command) {
		t.Helper()
		for _, c := range cmds {
			if _, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test", Time: when}); err != nil {
				t.Fatalf("%T: %v", c, err)
			}
		}
	}
	ann, bob, jny, st, tp, ini := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	do(at(1, 10), events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Sales"})
	do(at(1, 11), events.SeatMember{PersonID: ann, Department: "Sales", Chair: true})
	do(at(1, 12), events.MapJourney{JourneyID: jny, Name: "Retail"},
		events.AddStage{JourneyID: jny, StageID: st, Name: "Onboarding", Position: 1},
		events.AddTouchpoint{JourneyID: jny, TouchpointID: tp, StageID: st, Name: "Welcome call", Channel: "phone"})
	do(at(2, 1), events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: tp, Metric: events.MetricNPS, Score: 10, Source: events.SourceSurvey, OccurredAt: at(2, 1)})
	do(at(3, 1), events.ProposeInitiative{InitiativeID: ini, Title: "Shorter calls", Problem: "long calls", ProposedBy: ann})
	do(at(3, 5), events.DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: events.OutcomeRejected, Rationale: "not now"})
	time.Sleep(20 * time.Millisecond) // recorded times are the server's clock
	known := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)
	do(at(5, 1), events.RegisterPerson{PersonID: bob, Name: "Bob", Email: "bob@example.com", Department: "IT"})
	do(at(6, 1), events.LogFeedback{FeedbackID: events.NewID(), TouchpointID: tp, Metric: events.MetricNPS, Score: 0, Source: events.SourceSurvey, OccurredAt: at(6, 1)})

	get := func(path, query string, v any) {
		t.Helper()
		a.Must(http.StatusOK, http.MethodGet, path+"?"+query, nil).JSON(t, v)
	}
	count := func(path, query string) int {
		t.Helper()
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		get(path, query, &p)
		return len(p.Items)
	}
	april := "as_of=" + url.QueryEscape("2024-04-01T00:00:00Z")
	for _, tc := range []struct {
		path        string
		then, today int
	}{
		{"/v1/people", 1, 2}, // Ann, then Ann and Bob (and not the admin token's person: tokens are no people)
		{"/v1/council/decisions", 1, 1},
		{"/v1/journeys", 1, 1},
		{"/v1/initiatives", 1, 1},
	} {
		if then, today := count(tc.path, april), count(tc.path, ""); then != tc.then || today != tc.today {
			t.Errorf("%s: %d as of April 2024 and %d today, want %d and %d", tc.path, then, today, tc.then, tc.today)
		}
	}
	if n := count("/v1/people", "as_of="+url.QueryEscape("2024-01-10T11:00:00Z")); n != 0 {
		t.Errorf("before Ann was registered the people list holds %d", n)
	}
	if n := count("/v1/people", "known_at="+url.QueryEscape(known)); n != 1 {
		t.Errorf("as the log knew it before Bob was recorded, the people list holds %d, want 1", n)
	}

	// The journey with its figures: in April one promoter (NPS 100); today
	// a promoter and a detractor (NPS 0).
	var j struct {
		Count int      `json:"count"`
		NPS   *float64 `json:"nps"`
	}
	get("/v1/journeys/"+jny, april, &j)
	if j.Count != 1 || j.NPS == nil || *j.NPS != 100 {
		t.Errorf("the journey as of April 2024: %d responses, NPS %v; want 1, 100", j.Count, deref(j.NPS))
	}
	get("/v1/journeys/"+jny, "", &j)
	if j.Count != 2 || j.NPS == nil || *j.NPS != 0 {
		t.Errorf("the journey today: %d responses, NPS %v; want 2, 0", j.Count, deref(j.NPS))
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/journeys/"+jny+"?as_of="+url.QueryEscape("2024-01-01T00:00:00Z"), nil)

	var council struct {
		Members []struct {
			Name string `json:"name"`
		} `json:"members"`
	}
	get("/v1/council", "as_of="+url.QueryEscape("2024-01-10T13:00:00Z"), &council)
	if len(council.Members) != 0 {
		t.Errorf("before Ann was seated the council has %+v", council.Members)
	}
	get("/v1/council", april, &council)
	if len(council.Members) != 1 || council.Members[0].Name != "Ann" {
		t.Errorf("the council as of April 2024: %+v", council.Members)
	}
	var program struct {
		Headline struct {
			NPSCount int `json:"nps_count"`
		} `json:"headline"`
		Initiatives map[string]int `json:"initiatives_by_status"`
	}
	get("/v1/program", "as_of="+url.QueryEscape("2024-03-02T00:00:00Z"), &program)
	if program.Headline.NPSCount != 1 || program.Initiatives["proposed"] != 1 || program.Initiatives["rejected"] != 0 {
		t.Errorf("the program as of 2 March 2024: %+v", program)
	}
	// known_at on an entity: Bob was not recorded yet.
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/people/"+bob+"?known_at="+url.QueryEscape(known), nil)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+ann+"?known_at="+url.QueryEscape(known), nil)

	for _, bad := range []struct{ path, why string }{
		{"/v1/program?as_of=yesterday", "as_of must be an RFC 3339 time"},
		{"/v1/people?known_at=soon", "known_at must be an RFC 3339 time"},
		{"/v1/journeys?as_of=99999999", "past the end of the log"},
		{"/v1/people/" + ann + "?as_of=3&known_at=" + url.QueryEscape(known), "stream sequence"},
		{"/v1/events?as_of=2024-04-01T00:00:00Z", "audit log is cut by after_seq"},
		{"/v1/people/" + ann + "/history?as_of=2024-04-01T00:00:00Z", "history lists every event"},
		{"/v1/audit/digest?known_at=2024-04-01T00:00:00Z", "as it stands"},
		{"/v1/reports/council?from=2024-01-01T00:00:00Z&as_of=2024-04-01T00:00:00Z", "known_at cuts it"},
	} {
		r := a.Do(http.MethodGet, bad.path, nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), bad.why) {
			t.Errorf("%s answered %d, want 400 saying %q: %s", bad.path, r.Status, bad.why, r.Body)
		}
	}
}
