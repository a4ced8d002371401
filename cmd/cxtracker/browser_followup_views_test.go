package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cxtracker/projections"
)

// TestTheFollowUpQueuesViewsListWhatIsDueOverdueAndEscalated defines a
// follow-up rule on one of the demo's touchpoints over the API, logs two
// detractors there dated in the past (one three days before now, whose
// follow-up is long overdue and is escalated to the CX manager; one an
// hour before, whose follow-up is due tomorrow), and reads the queue's
// views in a real browser as the CX manager: each view lists the right
// rows with their due times, and the escalated one names the CX manager.
func TestTheFollowUpQueuesViewsListWhatIsDueOverdueAndEscalated(t *testing.T) {
	m, admin := demoTracker(t, func(c *Config) { c.EscalateEvery = 20 * time.Millisecond })
	ctx := context.Background()
	var journeys struct{ Items []projections.JourneyView }
	admin.must(t, "/v1/journeys", &journeys)
	if len(journeys.Items) == 0 || len(journeys.Items[0].Stages) == 0 || len(journeys.Items[0].Stages[0].Touchpoints) == 0 {
		t.Fatalf("the demo has no touchpoint: %+v", journeys.Items)
	}
	tp := journeys.Items[0].Stages[0].Touchpoints[0]
	var people struct{ Items []deskPerson }
	admin.must(t, "/v1/people?limit=500", &people)
	var assignee, manager deskPerson
	for _, p := range people.Items {
		switch {
		case cxManager(p) && manager.ID == "":
			manager = p
		case ambassador(p) && assignee.ID == "":
			assignee = p
		}
	}
	if assignee.ID == "" || manager.ID == "" {
		t.Fatal("the demo has no CX manager or no ambassador to assign")
	}
	if _, err := admin.create(ctx, "/v1/follow-up-rules", obj{"metric": "nps", "min_score": 0, "max_score": 6, "touchpoint_id": tp.ID,
		"assign": "person", "person_id": assignee.ID, "due_in_hours": 24}); err != nil {
		t.Fatal(err)
	}
	now := demoNow()
	logDetractor := func(at time.Time, comment string) string {
		t.Helper()
		id, err := admin.create(ctx, "/v1/feedback", obj{"touchpoint_id": tp.ID, "metric": "nps", "score": 2, "source": "survey",
			"comment": comment, "occurred_at": at.Format(time.RFC3339)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	old := logDetractor(now.Add(-72*time.Hour), "Nobody called me back for days.")
	recent := logDetractor(now.Add(-time.Hour), "Put on hold twice.")
	oldDue, recentDue := now.Add(-48*time.Hour), now.Add(23*time.Hour)

	// The manager opens both follow-ups, then an escalation pass finds the
	// old one overdue; the API's queue says when both have happened.
	listed := func(filter, id string) *projections.FeedbackItem {
		t.Helper()
		for _, it := range feedbackWhere(t, admin, filter) {
			if it.ID == id {
				return &it
			}
		}
		return nil
	}
	waitAPI(t, "the two follow-ups", func() bool { return listed("open", old) != nil && listed("open", recent) != nil })
	waitAPI(t, "the old follow-up's escalation", func() bool { return listed(projections.FollowUpEscalated, old) != nil })
	if f := listed(projections.FollowUpEscalated, old).FollowUp; f.DueAt == nil || !f.DueAt.Equal(oldDue) || f.EscalatedTo != manager.ID || f.AssigneeID != assignee.ID {
		t.Fatalf("the old follow-up %+v: want due %s, assigned to %s, escalated to %s", f, oldDue, assignee.ID, manager.ID)
	}
	if f := listed("open", recent).FollowUp; f.DueAt == nil || !f.DueAt.Equal(recentDue) || f.Escalated {
		t.Fatalf("the recent follow-up %+v: want due %s, not escalated", f, recentDue)
	}

	// The journey map counts the overdue follow-up beside the open ones
	// (the demo's own follow-ups, opened by hand, have no due time).
	journey := journeys.Items[0].ID
	overdueOnMap(t, admin, journey, tp.ID, 1)

	browser := newBrowser(t)
	token, _ := personToken(t, admin, func(p deskPerson) bool { return p.ID == manager.ID })
	tab := newTab(t, browser, "http://"+m.HTTPAddr())
	tab.signIn(token)
	row := func(id string) string { return `li.follow-up[data-feedback="` + id + `"]` }
	has := func(id string) bool {
		return evalIn[bool](tab, `document.querySelector('`+row(id)+`') !== null`)
	}
	stamp := func(at time.Time) string { return at.UTC().Format("2 Jan 2006 15:04 UTC") }
	for _, v := range []struct {
		show      string
		in, notIn string
		want      []string
	}{
		{"due", recent, old, []string{"due " + stamp(recentDue), assignee.Name, "Put on hold twice."}},
		{"overdue", old, recent, []string{"overdue since " + stamp(oldDue), "escalated to " + manager.Name, assignee.Name}},
		{"escalated", old, recent, []string{"overdue since " + stamp(oldDue), "escalated to " + manager.Name, "Nobody called me back for days."}},
	} {
		tab.open("/follow-ups?show=" + v.show)
		if !has(v.in) {
			t.Errorf("?show=%s does not list %s", v.show, v.in)
			continue
		}
		if has(v.notIn) {
			t.Errorf("?show=%s lists %s", v.show, v.notIn)
		}
		text := tab.text(row(v.in))
		for _, want := range v.want {
			if !strings.Contains(text, want) {
				t.Errorf("?show=%s: the row of %s lacks %q: %s", v.show, v.in, want, text)
			}
		}
		if strings.Contains(text, manager.ID) || strings.Contains(text, assignee.ID) {
			t.Errorf("?show=%s: the row of %s shows a person's id rather than their name: %s", v.show, v.in, text)
		}
		if current := tab.text("#queue-shows strong"); current != v.show {
			t.Errorf("?show=%s: the view marked current is %q", v.show, current)
		}
	}
	if has(recent) && strings.Contains(tab.text(row(recent)), "escalated") {
		t.Error("the follow-up not yet due is shown escalated")
	}

	tab.open("/journeys/" + journey)
	cell := tab.text(`.tp-cell[data-touchpoint="` + tp.ID + `"] .tp-counts`)
	if !strings.Contains(cell, "open follow-up") || !strings.Contains(cell, ", 1 overdue") {
		t.Errorf("the map's cell of %s reads %q, want its open follow-ups and 1 overdue", tp.Name, cell)
	}
	if overall := tab.text("#journey-overall"); !strings.Contains(overall, "1 overdue") {
		t.Errorf("the map's whole journey reads %q, want 1 overdue", overall)
	}

	tab.open("/follow-ups?show=late")
	if got := tab.text("main"); !strings.Contains(got, "show must be one of due, overdue, escalated") {
		t.Errorf("an unknown view shows %q, not which views there are", got)
	}

	// Closed, it is overdue no longer.
	if err := admin.do(ctx, http.MethodPost, "/v1/feedback/"+old+"/follow-up/closure", obj{"action_taken": "Called back", "customer_informed": true}, nil); err != nil {
		t.Fatal(err)
	}
	waitAPI(t, "the old follow-up's closing", func() bool { return listed("closed", old) != nil })
	overdueOnMap(t, admin, journey, tp.ID, 0)
}

// waitAPI asks ready, every 20 ms, until it is true; after 30 seconds the
// test fails naming what it waited for.
func waitAPI(t *testing.T, what string, ready func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 seconds", what)
		}
	}
}

// overdueOnMap checks that the API's map of the journey counts want
// overdue follow-ups at the touchpoint, its stage and the journey (the
// test's are the only ones with a due time), each no more than its open
// ones.
func overdueOnMap(t *testing.T, c *client, journey, touchpoint string, want int) {
	t.Helper()
	var j projections.JourneyView
	c.must(t, "/v1/journeys/"+journey, &j)
	check := func(what string, f projections.JourneyFigures) {
		t.Helper()
		if f.OverdueFollowUps == nil {
			t.Errorf("%s: no overdue follow-ups counted", what)
		} else if *f.OverdueFollowUps != want || f.OpenFollowUps < want {
			t.Errorf("%s: %d open follow-ups, %d overdue; want %d overdue", what, f.OpenFollowUps, *f.OverdueFollowUps, want)
		}
	}
	check("the journey", j.JourneyFigures)
	for _, st := range j.Stages {
		for _, tp := range st.Touchpoints {
			if tp.ID == touchpoint {
				check("its stage", st.JourneyFigures)
				check("the touchpoint", tp.JourneyFigures)
			}
		}
	}
}
