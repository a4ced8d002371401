package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/events"
)

// history is the events of one entity as the API shows them.
func history(a *testAPI, path string) []api.EventView {
	a.t.Helper()
	var h api.History
	a.Must(http.StatusOK, http.MethodGet, path, nil).JSON(a.t, &h)
	return h.Events
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func TestAWriteIsDatedNowOrWhenItsOccurredAtSays(t *testing.T) {
	a := startAPI(t)
	before := a.Engine.Now()
	ana := register(a, "Ana Costa", "ana@example.com", "Board")
	evs := history(a, "/v1/people/"+ana+"/history")
	if len(evs) != 1 {
		t.Fatalf("history %+v", evs)
	}
	ev := evs[0]
	if ev.OccurredAt.Before(before) || ev.OccurredAt.After(a.Engine.Now()) || !ev.Time.Equal(ev.OccurredAt) || ev.RecordedAt.IsZero() {
		t.Fatalf("a write without occurred_at: occurred %v (time %v, recorded %v), want between %v and now", ev.OccurredAt, ev.Time, ev.RecordedAt, before)
	}

	// The admin back-dates a registration by a month: the event says so,
	// and the log still says when it was recorded.
	month := a.Engine.Now().Add(-30 * 24 * time.Hour).Truncate(time.Second)
	var p struct{ ID string }
	a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Bruno Neri", "email": "bruno@example.com", "department": "CX", "occurred_at": rfc(month)}).JSON(t, &p)
	evs = history(a, "/v1/people/"+p.ID+"/history")
	if len(evs) != 1 || !evs[0].OccurredAt.Equal(month) || evs[0].RecordedAt.Sub(month) < 29*24*time.Hour {
		t.Fatalf("back-dated history %+v, want occurred_at %v and recorded now", evs, month)
	}
	// The audit log shows both times too.
	var page api.Page[api.EventView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?aggregate=person&id="+p.ID, nil).JSON(t, &page)
	if len(page.Items) != 1 || !page.Items[0].OccurredAt.Equal(month) || page.Items[0].RecordedAt.IsZero() {
		t.Fatalf("the audit log shows %+v", page.Items)
	}

	// Before the entity's latest event: 409 naming its time.
	r := a.Do(http.MethodPatch, "/v1/people/"+p.ID, map[string]any{"department": "Sales", "occurred_at": rfc(month.Add(-time.Hour))})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), month.Format(time.RFC3339)) {
		t.Fatalf("a change dated before the registration answered %d %s, want 409 naming %s", r.Status, r.Body, month.Format(time.RFC3339))
	}
	// In the future: 422 on occurred_at, saying how far ahead.
	r = a.Do(http.MethodPatch, "/v1/people/"+p.ID, map[string]any{"department": "Sales", "occurred_at": rfc(a.Engine.Now().Add(3 * time.Hour))})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"occurred_at"`) || !strings.Contains(string(r.Body), "in the future") {
		t.Fatalf("a change dated in the future answered %d %s, want 422 on occurred_at", r.Status, r.Body)
	}
	// Neither wrote anything.
	if evs := history(a, "/v1/people/"+p.ID+"/history"); len(evs) != 1 {
		t.Fatalf("refused writes wrote %+v", evs)
	}
	// Not a time: 422; a body and a query both dating it: 400.
	if r := a.Do(http.MethodPatch, "/v1/people/"+p.ID, map[string]any{"department": "Sales", "occurred_at": "last tuesday"}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("occurred_at that is not a time answered %d %s", r.Status, r.Body)
	}
	if r := a.Do(http.MethodPatch, "/v1/people/"+p.ID+"?occurred_at="+rfc(month), map[string]any{"department": "Sales"}); r.Status != http.StatusBadRequest {
		t.Fatalf("occurred_at in the query of a write with a body answered %d %s", r.Status, r.Body)
	}
	// A later time is taken, and a write without a body takes it in the query.
	later := month.Add(24 * time.Hour)
	a.Must(http.StatusOK, http.MethodPatch, "/v1/people/"+p.ID, map[string]any{"department": "Sales", "occurred_at": rfc(later)})
	a.Must(http.StatusOK, http.MethodPost, "/v1/program/ambassadors", map[string]any{"person_id": p.ID, "occurred_at": rfc(later)})
	a.Must(http.StatusOK, http.MethodDelete, "/v1/program/ambassadors/"+p.ID+"?occurred_at="+rfc(later.Add(time.Hour)), nil)
	evs = history(a, "/v1/program/history")
	if last := evs[len(evs)-1]; last.Event != events.EventAmbassadorReleased || !last.OccurredAt.Equal(later.Add(time.Hour)) {
		t.Fatalf("the release is %+v, want it dated %v", last, later.Add(time.Hour))
	}
}

func TestBackDatingMoreThanADayNeedsTheBackdateGrant(t *testing.T) {
	a := startAPI(t)
	bruno := register(a, "Bruno Neri", "bruno@example.com", "CX")
	a.Must(http.StatusOK, http.MethodPut, "/v1/program/cx-manager", map[string]any{"person_id": bruno})
	plain := personToken(a, bruno)
	var granted struct{ Token string }
	a.Must(http.StatusCreated, http.MethodPost, "/v1/tokens", map[string]any{"person_id": bruno, "grants": []string{"action:backdate"}}).JSON(t, &granted)

	now := a.Engine.Now()
	hours := a.DoAs(plain, http.MethodPost, "/v1/people", map[string]any{"name": "Carla Rossi", "email": "carla@example.com", "department": "CX", "occurred_at": rfc(now.Add(-23 * time.Hour))})
	if hours.Status != http.StatusCreated {
		t.Fatalf("dating a write 23 hours back needs no grant; answered %d %s", hours.Status, hours.Body)
	}
	old := rfc(now.Add(-72 * time.Hour))
	r := a.DoAs(plain, http.MethodPost, "/v1/people", map[string]any{"name": "Diego Lima", "email": "diego@example.com", "department": "CX", "occurred_at": old})
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "action:backdate") {
		t.Fatalf("back-dating three days without the grant answered %d %s, want 403 naming action:backdate", r.Status, r.Body)
	}
	r = a.DoAs(granted.Token, http.MethodPost, "/v1/people", map[string]any{"name": "Diego Lima", "email": "diego@example.com", "department": "CX", "occurred_at": old})
	if r.Status != http.StatusCreated {
		t.Fatalf("back-dating with the grant answered %d %s", r.Status, r.Body)
	}

	// A feedback item's own occurred_at is the customer's time: a year-old
	// item needs no grant, and its event is dated by it.
	m := mapAARRR(t, a)
	year := rfc(now.Add(-365 * 24 * time.Hour).Truncate(time.Second))
	line := fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":9,"source":"survey","occurred_at":%q}`, m.Touchpoints["Website"], year)
	var res api.ImportResult
	imp := a.importNDJSON(line + "\n")
	if imp.Status != http.StatusOK {
		t.Fatalf("import answered %d %s", imp.Status, imp.Body)
	}
	imp.JSON(t, &res)
	if res.Logged != 1 {
		t.Fatalf("import %+v", res)
	}
	// A line dated in the future is refused on its own.
	ahead := fmt.Sprintf(`{"touchpoint_id":%q,"metric":"nps","score":9,"source":"survey","occurred_at":%q}`, m.Touchpoints["Website"], rfc(now.Add(48*time.Hour)))
	a.importNDJSON(ahead+"\n").JSON(t, &res)
	if res.Logged != 0 || len(res.Errors) != 1 || res.Errors[0].Field != "occurred_at" || !strings.Contains(res.Errors[0].Message, "in the future") {
		t.Fatalf("a line dated in the future: %+v", res)
	}
	var page api.Page[api.EventView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?aggregate=feedback", nil).JSON(t, &page)
	if len(page.Items) != 1 || rfc(page.Items[0].OccurredAt) != year {
		t.Fatalf("the imported item's event %+v, want occurred_at %s", page.Items, year)
	}
}

// Every write that records an event documents its occurred_at: in its JSON
// body, in each line of the import, or as a query parameter when it takes
// no body.
func TestTheDocumentShowsOccurredAtOnEveryWrite(t *testing.T) {
	a := startAPI(t)
	doc := servedDocument(t, a)
	// Writes that record no event (Route.Undated) take no occurred_at.
	undated := map[string]bool{}
	for _, r := range a.Server.Routes() {
		undated[r.Method+" "+r.Path] = r.Undated
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if method == http.MethodGet || !strings.HasPrefix(path, "/v1/") || undated[method+" "+path] {
				continue
			}
			n++
			if p := op.Parameters.GetByInAndName("query", "occurred_at"); p != nil {
				continue
			}
			if op.RequestBody == nil {
				t.Errorf("%s %s takes occurred_at nowhere", method, path)
				continue
			}
			for mt, content := range op.RequestBody.Value.Content {
				s := content.Schema.Value
				if mt == "application/x-ndjson" {
					s = doc.Components.Schemas["LogFeedbackRequest"].Value
				}
				if s.Properties["occurred_at"] == nil {
					t.Errorf("%s %s: its %s body has no occurred_at", method, path, mt)
				}
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d writes in the document", n)
	}
}
