package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"cxtracker/api"
	"cxtracker/events"
)

// TestAnEntityReadCarriesTheVersionAWriteNeeds reads a person and writes
// with the ETag the read answered, reading no history: the write goes
// through, the same ETag again is stale, and If-None-Match answers 304
// only while the person is unchanged.
func TestAnEntityReadCarriesTheVersionAWriteNeeds(t *testing.T) {
	a := startAPI(t)
	created := a.Must(http.StatusCreated, http.MethodPost, "/v1/people", map[string]any{"name": "Ann", "email": "ann@example.com", "department": "Claims"})
	id := created.Map(t)["id"].(string)
	path := "/v1/people/" + id

	read := a.Must(http.StatusOK, http.MethodGet, path, nil)
	etag := read.Header.Get("ETag")
	if etag == "" || etag != created.Header.Get("ETag") || read.Header.Get(api.HeaderEventSeq) != created.Header.Get(api.HeaderEventSeq) {
		t.Fatalf("the read answered ETag %q and X-Event-Seq %q; the write that created it %q and %q",
			etag, read.Header.Get(api.HeaderEventSeq), created.Header.Get("ETag"), created.Header.Get(api.HeaderEventSeq))
	}
	a.Must(http.StatusNotModified, http.MethodGet, path, nil, "If-None-Match", etag)
	a.Must(http.StatusNotModified, http.MethodGet, path, nil, "If-None-Match", `"999", W/`+etag)

	changed := a.Must(http.StatusOK, http.MethodPatch, path, map[string]any{"name": "Ann Lee"}, "If-Match", etag)
	a.Must(http.StatusPreconditionFailed, http.MethodPatch, path, map[string]any{"name": "Ann Other"}, "If-Match", etag)

	again := a.Must(http.StatusOK, http.MethodGet, path, nil, "If-None-Match", etag)
	if again.Header.Get("ETag") != changed.Header.Get("ETag") || again.Header.Get("ETag") == etag ||
		again.Header.Get(api.HeaderEventSeq) != changed.Header.Get(api.HeaderEventSeq) {
		t.Fatalf("after the change the read answered ETag %q and X-Event-Seq %q; the change %q and %q",
			again.Header.Get("ETag"), again.Header.Get(api.HeaderEventSeq), changed.Header.Get("ETag"), changed.Header.Get(api.HeaderEventSeq))
	}
	if got := again.Map(t)["name"]; got != "Ann Lee" {
		t.Fatalf("name %v after the change", got)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/people/"+events.NewID(), nil, "If-None-Match", "*")
}

// TestEveryEntityReadCarriesItsVersionNowAndAsOf reads one entity of each
// kind now and as of a sequence before its last change: each answers the
// version and last sequence its aggregate had then.
func TestEveryEntityReadCarriesItsVersionNowAndAsOf(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	ann, crew, ini, jny, kpi, plan, stage := events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID(), events.NewID()
	type stood struct{ version, seq uint64 }
	at := map[string][]stood{}
	do := func(path string, c events.Command) {
		t.Helper()
		res, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"})
		if err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		at[path] = append(at[path], stood{res.Stream.Version, res.Appended.LastSeq})
	}
	forty, lee := 40.0, "Ann Lee"
	do("/v1/people/"+ann, events.RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Claims"})
	if _, err := a.Engine.Execute(ctx, events.SeatMember{PersonID: ann, Department: "Claims", Chair: true}, events.Meta{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	do("/v1/crews/"+crew, events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "seams"})
	do("/v1/initiatives/"+ini, events.ProposeInitiative{InitiativeID: ini, Title: "Fewer forms", Problem: "too many forms", ProposedBy: ann})
	do("/v1/journeys/"+jny, events.MapJourney{JourneyID: jny, Name: "Claims"})
	do("/v1/kpis/"+kpi, events.DefineKPI{KPIID: kpi, Name: "CSAT", Metric: events.MetricCSAT, Unit: "%", Target: 80, Direction: events.HigherIsBetter})
	do("/v1/action-plans/"+plan, events.DraftActionPlan{ActionPlanID: plan, Account: "ACME", Title: "Q3", Actions: []events.PlannedAction{{ActionID: events.NewID(), Description: "call weekly"}}})
	do("/v1/people/"+ann, events.ChangePersonDetails{PersonID: ann, Name: &lee})
	do("/v1/crews/"+crew, events.ChangeCrewPurpose{CrewID: crew, Purpose: "own claims"})
	do("/v1/initiatives/"+ini, events.CastVote{InitiativeID: ini, PersonID: ann, Vote: events.VoteApprove})
	do("/v1/journeys/"+jny, events.AddStage{JourneyID: jny, StageID: stage, Name: "Claim", Position: 1})
	do("/v1/kpis/"+kpi, events.ChangeKPI{KPIID: kpi, Target: &forty})
	do("/v1/action-plans/"+plan, events.ShareActionPlan{ActionPlanID: plan, SharedWith: "ACME board"})

	check := func(path string, r Response, want stood) {
		t.Helper()
		if r.Header.Get("ETag") != `"`+strconv.FormatUint(want.version, 10)+`"` || r.Header.Get(api.HeaderEventSeq) != strconv.FormatUint(want.seq, 10) {
			t.Errorf("%s: ETag %q, X-Event-Seq %q; want version %d at seq %d", path, r.Header.Get("ETag"), r.Header.Get(api.HeaderEventSeq), want.version, want.seq)
		}
	}
	for path, history := range at {
		first, last := history[0], history[len(history)-1]
		check(path, a.Must(http.StatusOK, http.MethodGet, path, nil), last)
		then := path + "?as_of=" + strconv.FormatUint(last.seq-1, 10)
		check(then, a.Must(http.StatusOK, http.MethodGet, then, nil), first)
		a.Must(http.StatusNotModified, http.MethodGet, then, nil, "If-None-Match", `"`+strconv.FormatUint(first.version, 10)+`"`)
	}
}

// TestAListsSequenceReadsAtLeastAsMuchOnAnotherReplica reads a list and
// the program's views on one replica and sends the X-Event-Seq they
// answered as X-Min-Seq to another: it answers at least what the first saw.
func TestAListsSequenceReadsAtLeastAsMuchOnAnotherReplica(t *testing.T) {
	a := startAPI(t)
	b := a.replica(t)
	ids := registerPeople(t, a, 1)
	for _, path := range []string{"/v1/people", "/v1/program", "/v1/council", "/v1/crews", "/v1/council/decisions"} {
		seq := a.Must(http.StatusOK, http.MethodGet, path, nil).Header.Get(api.HeaderEventSeq)
		if n, err := strconv.ParseUint(seq, 10, 64); err != nil || n < a.Engine.LastSeq() {
			t.Fatalf("%s answered X-Event-Seq %q; the log is at %d", path, seq, a.Engine.LastSeq())
		}
		b.Must(http.StatusOK, http.MethodGet, path, nil, api.HeaderMinSeq, seq)
	}
	var people struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	seq := a.Must(http.StatusOK, http.MethodGet, "/v1/people", nil).Header.Get(api.HeaderEventSeq)
	b.Must(http.StatusOK, http.MethodGet, "/v1/people", nil, api.HeaderMinSeq, seq).JSON(t, &people)
	if found := len(people.Items) > 0 && people.Items[len(people.Items)-1].ID == ids[0]; !found {
		t.Fatalf("the other replica, at X-Min-Seq %s, lists %+v without %s", seq, people.Items, ids[0])
	}
}
