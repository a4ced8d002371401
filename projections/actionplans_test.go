package projections

import (
	"testing"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

func TestActionPlansFollowTheirLife(t *testing.T) {
	m := NewActionPlans()
	tp := eventtest.New(t, m)
	plan, a1, a2 := fixtureID(80), fixtureID(81), fixtureID(82)
	agg := events.Aggregate{Kind: events.KindActionPlan, ID: plan}
	tp.Play(agg, events.ActionPlanDrafted{ActionPlanID: plan, Account: "ACME", Title: "Q2", FeedbackIDs: []string{fixtureID(100)},
		Actions: []events.PlannedAction{{ActionID: a1, Description: "Name a contact"}, {ActionID: a2, Description: "Weekly call"}}})
	if v, _ := m.Get(plan); v.Status != PlanDrafted || v.OpenActions != 2 || len(v.Actions) != 2 {
		t.Fatalf("drafted %+v", v)
	}
	tp.Play(agg, events.ActionPlanShared{SharedWith: "ACME's COO"}, events.ActionCompleted{ActionID: a2, Note: "set up"})
	v, _ := m.Get(plan)
	if v.Status != PlanShared || v.SharedAt == nil || v.OpenActions != 1 || !v.Actions[1].Done || v.Actions[1].Note != "set up" || v.Actions[0].Done {
		t.Fatalf("shared %+v", v)
	}
	tp.Play(agg, events.ActionPlanClosed{Summary: "done early", OpenActions: 1})
	if v, _ := m.Get(plan); v.Status != PlanClosed || v.Summary != "done early" || v.ClosedAt == nil {
		t.Fatalf("closed %+v", v)
	}
	v.Actions[0].Done = true
	if again := m.List(); len(again) != 1 || again[0].Actions[0].Done {
		t.Fatal("a reader changed the model")
	}
}
