package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cxtracker/events"
)

func TestEntitiesAsTheyStoodAtATimeOrSequence(t *testing.T) {
	a := startAPI(t)
	id := registerPeople(t, a, 1)[0]
	var before struct {
		Name string `json:"name"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id, nil).JSON(t, &before)
	time.Sleep(20 * time.Millisecond)
	mid := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(20 * time.Millisecond)
	name := "Renamed Person"
	res, err := a.Engine.Execute(context.Background(), events.ChangePersonDetails{PersonID: id, Name: &name}, events.Meta{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var now, then, bySeq struct {
		Name string `json:"name"`
	}
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id, nil).JSON(t, &now)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"?as_of="+url.QueryEscape(mid), nil).JSON(t, &then)
	a.Must(http.StatusOK, http.MethodGet, "/v1/people/"+id+"?as_of="+strconv.FormatUint(res.Appended.LastSeq-1, 10), nil).JSON(t, &bySeq)
	if now.Name != name || then.Name != before.Name || bySeq.Name != before.Name {
		t.Fatalf("now %q, as of a time %q, as of a sequence %q; before the change it was %q", now.Name, then.Name, bySeq.Name, before.Name)
	}
	a.Must(http.StatusNotFound, http.MethodGet, "/v1/people/"+id+"?as_of=1", nil) // seq 1 is the admin token
	if r := a.Must(http.StatusBadRequest, http.MethodGet, "/v1/people/"+id+"?as_of=yesterday", nil); !strings.Contains(string(r.Body), "as_of must be an RFC 3339 time") {
		t.Errorf("a bad as_of answered %s", r.Body)
	}
}

func TestEveryKindOfEntityTravelsInTime(t *testing.T) {
	a := startAPI(t)
	ctx := context.Background()
	do := func(cmds ...events.Command) uint64 {
		t.Helper()
		var seq uint64
		for _, c := range cmds {
			res, err := a.Engine.Execute(ctx, c, events.Meta{Actor: "test"})
			if err != nil {
				t.Fatalf("%T: %v", c, err)
			}
			seq = res.Appended.LastSeq
		}
		return seq
	}
	crew, jny, stage, kpi := events.NewID(), events.NewID(), events.NewID(), events.NewID()
	thirty, forty := 30.0, 40.0
	mark := do(
		events.FormCrew{CrewID: crew, Name: "Seams", Type: events.CrewExperience, Purpose: "watch the seams"},
		events.MapJourney{JourneyID: jny, Name: "Retail"},
		events.AddStage{JourneyID: jny, StageID: stage, Name: "Acquisition", Position: 1},
		events.DefineKPI{KPIID: kpi, Name: "NPS", Metric: events.MetricNPS, Unit: "points", Target: thirty, Direction: events.HigherIsBetter},
	)
	do(
		events.ChangeCrewPurpose{CrewID: crew, Purpose: "own onboarding"},
		events.RenameStage{JourneyID: jny, StageID: stage, Name: "Awareness"},
		events.ChangeKPI{KPIID: kpi, Target: &forty},
	)
	at := "?as_of=" + strconv.FormatUint(mark, 10)
	for _, tc := range []struct{ path, then, now string }{
		{"/v1/crews/" + crew, `"purpose":"watch the seams"`, `"purpose":"own onboarding"`},
		{"/v1/journeys/" + jny, `"name":"Acquisition"`, `"name":"Awareness"`},
		{"/v1/kpis/" + kpi, `"target":30`, `"target":40`},
	} {
		then := string(a.Must(http.StatusOK, http.MethodGet, tc.path+at, nil).Body)
		now := string(a.Must(http.StatusOK, http.MethodGet, tc.path, nil).Body)
		if !strings.Contains(then, tc.then) || strings.Contains(then, tc.now) || !strings.Contains(now, tc.now) {
			t.Errorf("%s: as of seq %d %s; now %s", tc.path, mark, then, now)
		}
	}
}
