package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

// refused checks that r is a 400 problem document that names each of
// names, and holds every one of says.
func refused(t *testing.T, what string, r Response, names []string, says ...string) {
	t.Helper()
	if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.Header.Get("Content-Type"), api.ProblemType) {
		t.Fatalf("%s answered %d %s, want a 400 problem", what, r.Status, r.Body)
	}
	var p api.Problem
	r.JSON(t, &p)
	for _, name := range names {
		found := false
		for _, e := range p.Errors {
			found = found || e.Field == name
		}
		if !found || !strings.Contains(p.Detail, name) {
			t.Errorf("%s: the refusal does not name %s: %s", what, name, r.Body)
		}
	}
	for _, s := range says {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("%s: the refusal does not say %q: %s", what, s, r.Body)
		}
	}
}

// TestAQueryParameterARouteDoesNotTakeIsRefusedNamingIt: a list, an entity
// read, the report and a write each answer 400 to a query parameter they
// do not take, naming it and listing those they take, and write nothing;
// the ones they take still work.
func TestAQueryParameterARouteDoesNotTakeIsRefusedNamingIt(t *testing.T) {
	a := startAPI(t)
	m := mapAARRR(t, a)
	for _, tp := range []string{"Website", "Call centre", "Onboarding app"} {
		a.Must(http.StatusCreated, http.MethodPost, "/v1/feedback", map[string]any{"touchpoint_id": m.Touchpoints[tp], "metric": "nps", "score": 9, "source": "survey"})
	}

	// A list: touchpoint_id is the item's field, the filter is touchpoint.
	web := m.Touchpoints["Website"]
	refused(t, "a list", a.Do(http.MethodGet, "/v1/feedback?touchpoint_id="+web, nil), []string{"touchpoint_id"},
		"takes only the query parameters account, as_of, cursor, follow_up, from, journey, known_at, limit, metric, stage, to, touchpoint")
	if got := a.feedbackList(t, "touchpoint="+web).Items; len(got) != 1 || got[0].TouchpointID != web {
		t.Fatalf("the touchpoint filter answered %+v", got)
	}
	// Every parameter it does not take is named, sorted.
	refused(t, "a list", a.Do(http.MethodGet, "/v1/feedback?touchpoint_id="+web+"&journey_id="+m.ID+"&limit=2", nil), []string{"journey_id", "touchpoint_id"},
		"the query parameters journey_id, touchpoint_id are not ones")

	// A parameter it takes, given twice, would have one value ignored.
	refused(t, "a list", a.Do(http.MethodGet, "/v1/feedback?touchpoint="+web+"&touchpoint="+m.Touchpoints["Call centre"], nil), []string{"touchpoint"},
		"is given 2 times; give it once")

	// The stage filter lists the items at the stage's touchpoints.
	stage := m.Stages["Acquisition"]
	got := a.feedbackList(t, "stage="+stage).Items
	if len(got) != 2 || got[0].StageID != stage || got[1].StageID != stage {
		t.Fatalf("the stage filter answered %+v", got)
	}
	if got := a.feedbackList(t, "stage="+stage+"&journey="+m.ID+"&from=2000-01-01T00:00:00Z").Items; len(got) != 2 {
		t.Fatalf("the stage filter within its journey and a period answered %+v", got)
	}
	if got := a.feedbackList(t, "stage="+m.Stages["Retention"]).Items; len(got) != 0 {
		t.Fatalf("a stage without feedback answered %+v", got)
	}
	if r := a.Do(http.MethodGet, "/v1/feedback?stage=Acquisition", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "is not a stage id") {
		t.Fatalf("a stage that is not an id answered %d %s", r.Status, r.Body)
	}

	// An entity read.
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	refused(t, "an entity read", a.Do(http.MethodGet, "/v1/people/"+ana+"?fields=name", nil), []string{"fields"}, "takes only the query parameters as_of, known_at")
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+ana+"?as_of="+rfc(a.Engine.Now()), nil)

	// The report: its media type is chosen by Accept, not by a format.
	from := "?from=" + rfc(a.Engine.Now().Add(-24*time.Hour))
	refused(t, "the report", a.Do(http.MethodGet, "/v1/reports/council"+from+"&format=markdown", nil), []string{"format"}, "takes only the query parameters from, known_at, to")
	a.Must(http.StatusOK, http.MethodGet, "/v1/reports/council"+from, nil)
	// The report's own reason for as_of is still given.
	refused(t, "the report", a.Do(http.MethodGet, "/v1/reports/council"+from+"&as_of=1", nil), []string{"as_of"}, "known_at cuts it by recorded time")

	// A route that takes none says so.
	refused(t, "the probe", a.Do(http.MethodGet, "/healthz?verbose=1", nil), []string{"verbose"}, "GET /healthz takes no query parameters")

	// A write: refused, and nothing written.
	before := len(history(a, "/v1/people/"+ana+"/history"))
	refused(t, "a write", a.Do(http.MethodPatch, "/v1/people/"+ana+"?dry_run=true", map[string]any{"department": "Sales"}), []string{"dry_run"},
		"PATCH /v1/people/{id} takes no query parameters")
	// occurred_at goes in the body of a write that has one.
	refused(t, "a write", a.Do(http.MethodPatch, "/v1/people/"+ana+"?occurred_at="+rfc(a.Engine.Now()), map[string]any{"department": "Sales"}), []string{events.FieldOccurredAt},
		"this write has a body: give occurred_at in it")
	if after := len(history(a, "/v1/people/"+ana+"/history")); after != before {
		t.Fatalf("refused writes wrote %d events", after-before)
	}
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+ana, map[string]any{"department": "Sales"})
}

// TestEveryRouteRefusesAQueryParameterItDoesNotDeclare: every read without
// a path parameter, the dashboard's own pages aside, answers 400 to a
// parameter no route takes, and never to one the document gives it.
func TestEveryRouteRefusesAQueryParameterItDoesNotDeclare(t *testing.T) {
	a := startAPI(t)
	doc := a.Must(http.StatusOK, http.MethodGet, "/openapi.json", nil)
	var d struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Ref      string `json:"$ref"`
				Name, In string
			} `json:"parameters"`
		} `json:"paths"`
	}
	doc.JSON(t, &d)
	for _, r := range a.Server.Routes() {
		if r.Method != http.MethodGet || strings.Contains(r.Path, "{") || r.Produces == "text/event-stream" {
			continue
		}
		refused(t, r.Path, a.Do(http.MethodGet, r.Path+"?no_such_parameter=1", nil), []string{"no_such_parameter"})
		// A parameter of the document is never refused as undeclared.
		for _, p := range d.Paths[r.Path]["get"].Parameters {
			name := p.Name
			if p.Ref != "" {
				name = p.Ref[strings.LastIndex(p.Ref, "/")+1:]
			}
			if p.In == "header" || name == api.HeaderMinSeq || name == "If-None-Match" {
				continue
			}
			if got := a.Do(http.MethodGet, r.Path+"?"+name+"=x", nil); strings.Contains(string(got.Body), "is not a query parameter") {
				t.Errorf("GET %s refused its own parameter %s: %s", r.Path, name, got.Body)
			}
		}
	}
}

// TestABodyOnAWriteThatTakesNoneIsRefused: an occurred_at in the body of a
// write without one is refused with the query parameter to use, any other
// body too, and neither writes; the query parameter dates the write.
func TestABodyOnAWriteThatTakesNoneIsRefused(t *testing.T) {
	a := startAPI(t)
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	at := a.Engine.Now().Add(-time.Hour).Truncate(time.Second)
	a.Must(http.StatusOK, http.MethodPost, "/v1/program/ambassadors", map[string]any{"person_id": ana, "occurred_at": rfc(at.Add(-time.Hour))})
	before := len(history(a, "/v1/program/history"))

	refused(t, "occurred_at in the body", a.Do(http.MethodDelete, "/v1/program/ambassadors/"+ana, map[string]any{"occurred_at": rfc(at)}),
		[]string{events.FieldOccurredAt}, "this write takes no body: give occurred_at as the query parameter")
	refused(t, "another body", a.Do(http.MethodDelete, "/v1/program/ambassadors/"+ana, map[string]any{"reason": "moved"}), nil,
		"this write takes no body")
	refused(t, "a body that is not JSON", a.Do(http.MethodDelete, "/v1/program/ambassadors/"+ana, "occurred_at="+rfc(at)), nil,
		"this write takes no body")
	if after := len(history(a, "/v1/program/history")); after != before {
		t.Fatalf("refused writes wrote %d events", after-before)
	}

	a.Must(http.StatusOK, http.MethodDelete, "/v1/program/ambassadors/"+ana+"?occurred_at="+rfc(at), nil)
	evs := history(a, "/v1/program/history")
	if last := evs[len(evs)-1]; last.Event != events.EventAmbassadorReleased || !last.OccurredAt.Equal(at) {
		t.Fatalf("the release is %+v, want it dated %v", last, at)
	}
}
