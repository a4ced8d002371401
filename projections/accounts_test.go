package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

func TestAccountsFollowTheirLife(t *testing.T) {
	m := NewAccounts()
	tp := eventtest.New(t, m)
	acme := fixtureID(90)
	agg := events.Aggregate{Kind: events.KindAccount, ID: acme}
	tp.Play(agg, events.AccountOpened{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: fixtureID(1), Contact: "jo@acme.example"})
	if v, ok := m.Get(acme); !ok || v.Name != "ACME" || v.OwnerID != fixtureID(1) || v.Contact != "jo@acme.example" || v.ChangedAt != nil {
		t.Fatalf("opened %+v %v", v, ok)
	}
	tp.Play(agg, events.AccountChanged{AccountID: acme, Name: "ACME Ltd", Segment: "Enterprise", OwnerID: fixtureID(2)})
	v, _ := m.Get(acme)
	if v.Name != "ACME Ltd" || v.Segment != "Enterprise" || v.OwnerID != fixtureID(2) || v.Contact != "" || v.ChangedAt == nil {
		t.Fatalf("changed %+v", v)
	}
	if all := m.List(); len(all) != 1 || all[0].ID != acme {
		t.Fatalf("list %+v", all)
	}
}

// TestAnAccountShowsItsFeedbackFollowUpsAndPlans reads an account's detail
// from views whose item store is in memory and from views whose store is
// on disk: the account index is built in both.
func TestAnAccountShowsItsFeedbackFollowUpsAndPlans(t *testing.T) {
	onDisk, err := OpenViews(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = onDisk.Close() })
	for name, v := range map[string]*Views{"in memory": NewViews(), "on disk": onDisk} {
		t.Run(name, func(t *testing.T) {
			var models []eventtest.Model
			for _, m := range v.Models() {
				models = append(models, m)
			}
			tp := eventtest.New(t, models...)
			acme, other, plan := fixtureID(90), fixtureID(91), fixtureID(92)
			for _, a := range []string{acme, other} {
				tp.Play(events.Aggregate{Kind: events.KindAccount, ID: a}, events.AccountOpened{AccountID: a, Name: "A" + a[len(a)-2:], Segment: "SMB", OwnerID: fixtureID(1)})
			}
			day := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
			logFor := func(id, account string, score int) {
				tp.Play(events.Aggregate{Kind: events.KindFeedback, ID: fxWeb}, events.FeedbackLogged{FeedbackID: id, TouchpointID: fxWeb,
					Metric: events.MetricNPS, Score: score, Source: events.SourceSurvey, OccurredAt: day.Add(time.Duration(score) * time.Minute), AccountID: account})
			}
			logFor(fixtureID(101), acme, 3)
			logFor(fixtureID(102), other, 9)
			logFor(fixtureID(103), acme, 2)
			logFor(fixtureID(104), "", 1)
			logFor(fixtureID(105), acme, 10)
			tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(101)}, events.FollowUpOpened{FeedbackID: fixtureID(101), TouchpointID: fxWeb})
			tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(103)}, events.FollowUpOpened{FeedbackID: fixtureID(103), TouchpointID: fxWeb})
			tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(103)}, events.FollowUpClosed{ActionTaken: "called", CustomerInformed: true})
			tp.Play(events.Aggregate{Kind: events.KindFollowUp, ID: fixtureID(104)}, events.FollowUpOpened{FeedbackID: fixtureID(104), TouchpointID: fxWeb})
			tp.Play(events.Aggregate{Kind: events.KindActionPlan, ID: plan}, events.ActionPlanDrafted{ActionPlanID: plan, Account: "ACME", AccountID: acme,
				Title: "Win back", Actions: []events.PlannedAction{{ActionID: fixtureID(93), Description: "Call"}}})
			tp.Play(events.Aggregate{Kind: events.KindActionPlan, ID: fixtureID(94)}, events.ActionPlanDrafted{ActionPlanID: fixtureID(94), Account: "Words only",
				Title: "Other", Actions: []events.PlannedAction{{ActionID: fixtureID(95), Description: "Call"}}})

			d, ok, err := v.AccountOf(acme, 2)
			if err != nil || !ok {
				t.Fatalf("AccountOf: %v %v", ok, err)
			}
			if got := feedbackIDsOf(d.Feedback); len(got) != 2 || got[0] != fixtureID(101) || got[1] != fixtureID(103) || !d.FeedbackMore {
				t.Errorf("feedback %v more %v", got, d.FeedbackMore)
			}
			if got := feedbackIDsOf(d.Newest); len(got) != 2 || got[0] != fixtureID(105) || got[1] != fixtureID(101) {
				t.Errorf("newest %v, want the two that occurred last, not the last ids", got)
			}
			if d.Feedback[0].AccountID != acme {
				t.Errorf("an item does not say its account: %+v", d.Feedback[0])
			}
			if got := feedbackIDsOf(d.FollowUps); len(got) != 2 || got[0] != fixtureID(101) || got[1] != fixtureID(103) {
				t.Errorf("follow-ups %v, want the open one, then the closed one", got)
			}
			want := AccountCounts{Feedback: 3, OpenFollowUps: 1, ClosedFollowUps: 1, Plans: 1, OpenPlans: 1}
			if d.Account.Counts == nil || *d.Account.Counts != want {
				t.Errorf("counts %+v, want %+v", d.Account.Counts, want)
			}
			if len(d.Plans) != 1 || d.Plans[0].ID != plan || d.Plans[0].AccountID != acme {
				t.Errorf("plans %+v", d.Plans)
			}
			if d, _, _ := v.AccountOf(other, 50); len(d.Feedback) != 1 || len(d.FollowUps) != 0 || len(d.Plans) != 0 || d.FeedbackMore {
				t.Errorf("the other account %+v", d)
			}
			if _, ok, _ := v.AccountOf(fixtureID(96), 50); ok {
				t.Error("an account nobody opened was found")
			}
			open, _ := v.Feedback.List(FeedbackFilter{FollowUp: FollowUpOpen}, "", 50)
			if got := feedbackIDsOf(open); len(got) != 2 {
				t.Errorf("open follow-ups of every account %v", got)
			}
		})
	}
}
