package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

// aarrrMap is a journey mapped over HTTP with the five AARRR stages and a
// touchpoint or two at each, owned by a crew formed through the Engine.
type aarrrMap struct {
	ID          string
	Crew        string
	Stages      map[string]string // name -> id
	Touchpoints map[string]string // name -> id
}

// aarrrTouchpoints are the touchpoints of the AARRR map: stage, name, channel.
var aarrrTouchpoints = [][3]string{
	{"Acquisition", "Website", "web"}, {"Acquisition", "Call centre", "phone"},
	{"Activation", "Onboarding app", "app"}, {"Retention", "Branch", "in_person"},
	{"Referral", "Referral email", "email"}, {"Revenue", "Upsell call", "phone"},
}

// formCrewByEngine forms a crew through the Engine (the crew routes are not these
// tests' subject) and answers its id.
func formCrewByEngine(tb testing.TB, a *testAPI, name string) string {
	tb.Helper()
	id := events.NewID()
	if _, err := a.Engine.Execute(context.Background(), events.FormCrew{CrewID: id, Name: name, Type: events.CrewExperience, Purpose: "Watch the seams"}, events.Meta{}); err != nil {
		tb.Fatal(err)
	}
	return id
}

// registerPersonByEngine registers a person through the Engine and answers the id.
func registerPersonByEngine(tb testing.TB, a *testAPI, name string) string {
	tb.Helper()
	id := events.NewID()
	if _, err := a.Engine.Execute(context.Background(), events.RegisterPerson{PersonID: id, Name: name, Email: id + "@example.com", Department: "Sales"}, events.Meta{}); err != nil {
		tb.Fatal(err)
	}
	return id
}

func mapAARRR(tb testing.TB, a *testAPI) aarrrMap {
	tb.Helper()
	m := aarrrMap{Crew: formCrewByEngine(tb, a, "Journey crew"), Stages: map[string]string{}, Touchpoints: map[string]string{}}
	var j projections.JourneyView
	decodeAnswer(tb, a.Must(http.StatusCreated, http.MethodPost, "/v1/journeys", map[string]any{"name": "Retail banking", "segment": "young adults"}), &j)
	m.ID = j.ID
	// Added out of order, each at its position, to exercise the ordering.
	for _, st := range []struct {
		name string
		pos  int
	}{{"Activation", 1}, {"Revenue", 2}, {"Acquisition", 1}, {"Retention", 3}, {"Referral", 4}} {
		var v projections.StageView
		decodeAnswer(tb, a.Must(http.StatusCreated, http.MethodPost, "/v1/journeys/"+m.ID+"/stages", map[string]any{"name": st.name, "position": st.pos}), &v)
		m.Stages[st.name] = v.ID
	}
	for _, tp := range aarrrTouchpoints {
		var v projections.TouchpointView
		decodeAnswer(tb, a.Must(http.StatusCreated, http.MethodPost, "/v1/journeys/"+m.ID+"/touchpoints",
			map[string]any{"stage_id": m.Stages[tp[0]], "name": tp[1], "channel": tp[2], "owner_crew_id": m.Crew}), &v)
		m.Touchpoints[tp[1]] = v.ID
	}
	return m
}

// decodeAnswer reads an answer's JSON body into v.
func decodeAnswer(tb testing.TB, r Response, v any) {
	tb.Helper()
	if t, isT := tb.(*testing.T); isT {
		r.JSON(t, v)
		return
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("answer %d: %v: %s", r.Status, err, r.Body)
	}
}

func TestJourneyMapIsOrderedAndEditable(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	var j projections.JourneyView
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodGet, "/v1/journeys/"+m.ID, nil), &j)
	var names []string
	for i, st := range j.Stages {
		names = append(names, st.Name)
		if st.Position != i+1 || st.JourneyID != m.ID {
			t.Fatalf("stage %+v at %d", st, i)
		}
	}
	if got := names; len(got) != 5 || got[0] != "Acquisition" || got[1] != "Activation" || got[2] != "Retention" || got[3] != "Referral" || got[4] != "Revenue" {
		t.Fatalf("stages in order %v", got)
	}
	if tps := j.Stages[0].Touchpoints; len(tps) != 2 || tps[0].Name != "Website" || tps[1].OwnerCrewID != m.Crew || tps[0].Count != 0 || tps[0].NPS != nil {
		t.Fatalf("acquisition touchpoints %+v", tps)
	}

	// Rename and move in one PATCH: one append, both changes.
	r := a.Must(http.StatusOK, http.MethodPatch, "/v1/journeys/"+m.ID+"/stages/"+m.Stages["Revenue"], map[string]any{"name": "Monetisation", "position": 1})
	var st projections.StageView
	decodeAnswer(t, r, &st)
	if st.Name != "Monetisation" || st.Position != 1 || r.Header.Get("ETag") != `"14"` {
		t.Fatalf("changed stage %+v, ETag %s", st, r.Header.Get("ETag"))
	}
	other := formCrewByEngine(t, a, "Branch crew")
	var tp projections.TouchpointView
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodPatch, "/v1/journeys/"+m.ID+"/touchpoints/"+m.Touchpoints["Branch"], map[string]any{"owner_crew_id": other}), &tp)
	if tp.OwnerCrewID != other {
		t.Fatalf("owner %+v", tp)
	}
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodDelete, "/v1/journeys/"+m.ID+"/touchpoints/"+m.Touchpoints["Upsell call"], map[string]any{"reason": "moved to chat"}), &tp)
	if !tp.Retired || tp.RetiredReason != "moved to chat" {
		t.Fatalf("retired %+v", tp)
	}
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodDelete, "/v1/journeys/"+m.ID+"/touchpoints/"+m.Touchpoints["Referral email"], nil), &tp)
	if !tp.Retired {
		t.Fatalf("retired without a body %+v", tp)
	}
	var page struct {
		Items      []projections.JourneyView `json:"items"`
		NextCursor string                    `json:"next_cursor"`
	}
	a.Must(http.StatusCreated, http.MethodPost, "/v1/journeys", map[string]any{"name": "Mortgage"})
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodGet, "/v1/journeys?limit=1", nil), &page)
	if len(page.Items) != 1 || page.Items[0].ID != m.ID || page.NextCursor == "" {
		t.Fatalf("first page %+v", page)
	}
	cursor := page.NextCursor
	page.Items, page.NextCursor = nil, ""
	decodeAnswer(t, a.Must(http.StatusOK, http.MethodGet, "/v1/journeys?limit=1&cursor="+cursor, nil), &page)
	if len(page.Items) != 1 || page.Items[0].Name != "Mortgage" || page.NextCursor != "" {
		t.Fatalf("second page %+v", page)
	}
}
