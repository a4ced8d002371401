package projections_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"cxtracker/events"
	"cxtracker/projections"
)

// accounts adds to a script two accounts, owned by owner, and what names
// them at touchpoint tp: feedback with and without an account, follow-ups
// opened and closed (one of an item that names no account), and plans
// drafted and closed.
func accounts(s *script, owner, tp string) {
	acme, globex := events.NewID(), events.NewID()
	s.do(events.OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: owner},
		events.OpenAccount{AccountID: globex, Name: "Globex", Segment: "Enterprise", OwnerID: owner})
	var fb []string
	for i, account := range []string{acme, acme, "", globex, acme, "", acme} {
		id := events.NewID()
		s.do(events.LogFeedback{FeedbackID: id, TouchpointID: tp, Metric: events.MetricNPS, Score: i, Source: events.SourceSurvey, AccountID: account})
		fb = append(fb, id)
	}
	s.do(events.OpenFollowUp{FeedbackID: fb[0]}, events.OpenFollowUp{FeedbackID: fb[1]}, events.OpenFollowUp{FeedbackID: fb[2]},
		events.OpenFollowUp{FeedbackID: fb[3]}, events.CloseFollowUp{FeedbackID: fb[0], ActionTaken: "called"},
		events.CloseFollowUp{FeedbackID: fb[2], ActionTaken: "wrote"}, events.OpenFollowUp{FeedbackID: fb[4]})
	planFor := func(account string) string {
		id := events.NewID()
		s.do(events.DraftActionPlan{ActionPlanID: id, Account: "named", AccountID: account, Title: "Win back",
			Actions: []events.PlannedAction{{ActionID: events.NewID(), Description: "visit"}}})
		return id
	}
	closed := planFor(acme)
	planFor(acme)
	planFor(globex)
	s.do(events.CloseActionPlan{ActionPlanID: closed, Summary: "done"})
}

// countsOfTheLists is each account's counts as the lists say them: its
// feedback, its follow-ups open and closed, its plans and the unclosed
// ones.
func countsOfTheLists(t *testing.T, v *projections.Views) map[string]projections.AccountCounts {
	t.Helper()
	out := map[string]projections.AccountCounts{}
	for _, a := range v.Accounts.List() {
		count := func(f projections.FeedbackFilter) int {
			f.AccountID = a.ID
			items, _, err := v.Feedback.Items(f, "", math.MaxInt-1)
			if err != nil {
				t.Fatal(err)
			}
			return len(items)
		}
		c := projections.AccountCounts{Feedback: count(projections.FeedbackFilter{}),
			OpenFollowUps:   count(projections.FeedbackFilter{FollowUp: projections.FollowUpOpen}),
			ClosedFollowUps: count(projections.FeedbackFilter{FollowUp: projections.FollowUpClosed})}
		for _, p := range v.ActionPlans.ForAccount(a.ID) {
			c.Plans++
			if p.Status != projections.PlanClosed {
				c.OpenPlans++
			}
		}
		out[a.ID] = c
	}
	return out
}

// checkCounts fails unless every account's counts, as the list and each
// account's read answer them, are what the lists say.
func checkCounts(t *testing.T, when string, v *projections.Views) {
	t.Helper()
	want := countsOfTheLists(t, v)
	for _, a := range v.Accounts.List() {
		if a.Counts == nil || *a.Counts != want[a.ID] {
			t.Fatalf("%s: the list counts %s %+v, the lists %+v", when, a.Name, a.Counts, want[a.ID])
		}
		if one, _ := v.Accounts.Get(a.ID); *one.Counts != want[a.ID] {
			t.Fatalf("%s: %s alone counts %+v, the lists %+v", when, a.Name, one.Counts, want[a.ID])
		}
	}
}

// An account's counts are what the lists of its feedback, follow-ups and
// plans say, after a full replay and after a restart from a checkpoint
// taken anywhere in the history, and they are not all zero.
func TestAccountCountsAreWhatTheListsSay(t *testing.T) {
	s := newScript(t)
	moreProgram(s, program(s))
	ctx := context.Background()

	full, _, fv := rebuilt(t, s)
	var cuts []*projections.Checkpoint
	if _, err := full.Rebuild(ctx, func(seq uint64) bool { return seq%3 == 0 }, func(c *projections.Checkpoint) error { cuts = append(cuts, c); return nil }, nil); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, "after a full replay", fv)
	want := projections.AccountCounts{Feedback: 4, OpenFollowUps: 2, ClosedFollowUps: 1, Plans: 2, OpenPlans: 1}
	if got := countsByName(fv)["ACME"]; got != want {
		t.Fatalf("ACME counts %+v, want %+v", got, want)
	}
	want = projections.AccountCounts{Feedback: 1, OpenFollowUps: 1, Plans: 1, OpenPlans: 1}
	if got := countsByName(fv)["Globex"]; got != want {
		t.Fatalf("Globex counts %+v, want %+v", got, want)
	}
	for _, cut := range cuts {
		p, _, v := rebuilt(t, s)
		if err := p.Restore(roundTrip(t, cut)); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Rebuild(ctx, nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		checkCounts(t, "from the checkpoint at "+cutName(cut), v)
		for name, c := range countsByName(fv) {
			if got := countsByName(v)[name]; got != c {
				t.Fatalf("from the checkpoint at %s %s counts %+v, a full replay %+v", cutName(cut), name, got, c)
			}
		}
	}
}

func countsByName(v *projections.Views) map[string]projections.AccountCounts {
	out := map[string]projections.AccountCounts{}
	for _, a := range v.Accounts.List() {
		out[a.Name] = *a.Counts
	}
	return out
}

func cutName(c *projections.Checkpoint) string { return fmt.Sprint("sequence ", c.Seq) }
