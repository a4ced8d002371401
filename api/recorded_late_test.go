package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/api"
	"cxtracker/projections"
)

// A past loaded today through the API in the order it happened, but for
// one decision taken in the second quarter and written after events of the
// third: that decision, and nothing else of the load, is recorded_late in
// the audit log, the initiative's history, the live stream, the decision
// log and the initiative (as of now and as it stood), though every event
// was recorded today.
func TestOnlyTheDecisionWrittenAfterLaterEventsIsRecordedLateInEveryAnswer(t *testing.T) {
	a := startAPI(t)
	start := a.Engine.Now().Add(-300 * 24 * time.Hour).Truncate(time.Second)
	on := func(days int) string { return rfc(start.Add(time.Duration(days) * 24 * time.Hour)) }
	post := func(path string, body map[string]any, days int) map[string]any {
		body["occurred_at"] = on(days)
		r := a.Do(http.MethodPost, path, body)
		if r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Fatalf("POST %s at day %d: %d %s", path, days, r.Status, r.Body)
		}
		return r.Map(t)
	}
	ana := post("/v1/people", map[string]any{"name": "Ana Costa", "email": "ana@example.com", "department": "Operations"}, 0)["id"].(string)
	bo := post("/v1/people", map[string]any{"name": "Bo Lind", "email": "bo@example.com", "department": "Sales"}, 1)["id"].(string)
	post("/v1/council/members", map[string]any{"person_id": ana, "chair": true}, 2)
	post("/v1/council/members", map[string]any{"person_id": bo}, 3)
	spring := post("/v1/initiatives", map[string]any{"title": "Shorter signup", "problem": "drop-off", "person_id": bo}, 60)["id"].(string)
	post("/v1/initiatives/"+spring+"/votes", map[string]any{"vote": "approve", "person_id": ana}, 80)
	post("/v1/initiatives/"+spring+"/votes", map[string]any{"vote": "approve", "person_id": bo}, 81)
	summer := post("/v1/initiatives", map[string]any{"title": "Callback", "problem": "queues", "person_id": ana}, 150)["id"].(string)
	post("/v1/initiatives/"+summer+"/decision", map[string]any{"outcome": "rejected", "rationale": "cost", "person_id": ana}, 170)
	// The second quarter's meeting, written after the third's events.
	post("/v1/initiatives/"+spring+"/decision", map[string]any{"outcome": "approved", "rationale": "go", "person_id": ana}, 120)
	post("/v1/people", map[string]any{"name": "Cy Berg", "email": "cy@example.com", "department": "IT"}, 200)

	var log api.Page[api.EventView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/events?limit=500", nil).JSON(t, &log)
	var late []api.EventView
	for _, ev := range log.Items {
		if ev.RecordedAt.Sub(ev.OccurredAt) > 24*time.Hour != (ev.Seq > 1) {
			t.Fatalf("event %d (%s) happened %v, recorded %v: the load should be recorded months after it happened", ev.Seq, ev.Event, ev.OccurredAt, ev.RecordedAt)
		}
		if ev.RecordedLate {
			late = append(late, ev)
		}
	}
	if len(log.Items) != 12 || len(late) != 1 || late[0].Event != "initiative_decided" || late[0].AggregateID != spring || late[0].OccurredAt.Format(time.RFC3339) != on(120) {
		t.Fatalf("of %d events these are recorded late: %+v; want only the decision on %s", len(log.Items), late, spring)
	}
	lateSeq := late[0].Seq
	if raw := a.Must(http.StatusOK, http.MethodGet, "/v1/events?limit=500", nil).Body; strings.Count(string(raw), `"recorded_late"`) != 1 {
		t.Errorf("the audit log says recorded_late %d times, want once (left out when not late): %s", strings.Count(string(raw), `"recorded_late"`), raw)
	}

	for _, ev := range history(a, "/v1/initiatives/"+spring+"/history") {
		if ev.RecordedLate != (ev.Seq == lateSeq) {
			t.Errorf("the initiative's history: event %d (%s) recorded_late %v", ev.Seq, ev.Event, ev.RecordedLate)
		}
	}

	var decisions api.Page[projections.DecisionView]
	a.Must(http.StatusOK, http.MethodGet, "/v1/council/decisions", nil).JSON(t, &decisions)
	if len(decisions.Items) != 2 {
		t.Fatalf("decisions %+v", decisions.Items)
	}
	for _, d := range decisions.Items {
		if d.Decision.RecordedLate != (d.InitiativeID == spring) {
			t.Errorf("the decision log: the decision on %q recorded_late %v", d.Proposal.Title, d.Decision.RecordedLate)
		}
	}
	for _, path := range []string{"/v1/initiatives/" + spring, "/v1/initiatives/" + spring + "?as_of=" + strconv.FormatUint(lateSeq, 10)} {
		var in projections.InitiativeView
		a.Must(http.StatusOK, http.MethodGet, path, nil).JSON(t, &in)
		if in.Decision == nil || !in.Decision.RecordedLate {
			t.Errorf("GET %s: the decision %+v is not recorded_late", path, in.Decision)
		}
	}

	// The live stream, from the event before the late one.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resp := a.Stream(ctx, "/v1/events/stream?aggregate=initiative", "Last-Event-ID", "1")
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	seen := 0
	for seen < 6 && lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var ev api.EventView
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatal(err)
		}
		seen++
		if ev.RecordedLate != (ev.Seq == lateSeq) {
			t.Errorf("the live stream: event %d (%s) recorded_late %v", ev.Seq, ev.Event, ev.RecordedLate)
		}
	}
	if seen != 6 {
		t.Fatalf("the stream gave %d of the initiatives' 6 events", seen)
	}
}

// Written live, a change back-dated by three days after today's events is
// recorded late; one back-dated by a few hours is not.
func TestALiveChangeBackDatedByThreeDaysIsRecordedLate(t *testing.T) {
	a := startAPI(t)
	register(a, "Ana Costa", "ana@example.com", "Operations")
	register(a, "Bo Lind", "bo@example.com", "Sales")
	now := a.Engine.Now()
	for who, c := range map[string]struct {
		ago  time.Duration
		late bool
	}{"Cy": {3 * time.Hour, false}, "Dee": {3 * 24 * time.Hour, true}} {
		var p projections.PersonView
		a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": who, "email": who + "@example.com", "department": "IT",
			"occurred_at": rfc(now.Add(-c.ago))}).JSON(t, &p)
		if evs := history(a, "/v1/people/"+p.ID+"/history"); len(evs) != 1 || evs[0].RecordedLate != c.late {
			t.Errorf("%s registered %v ago: history %+v, want recorded_late %v", who, c.ago, evs, c.late)
		}
	}
}
