package events

import "testing"

func TestActionPlanCommands(t *testing.T) {
	a := actionPlanAgg(plan1)
	actions := []PlannedAction{{ActionID: act1, Description: "Name one contact", OwnerID: bob}, {ActionID: act2, Description: "Weekly status call"}}
	drafted := on(a, ActionPlanDrafted{ActionPlanID: plan1, Account: "ACME", Title: "Q2 plan", FeedbackIDs: []string{fb1}, Actions: actions})
	base := given(world(), logged(fb1, tp1, MetricNPS, 4))
	closed := on(a, ActionPlanClosed{OpenActions: 2})
	run(t, []scenario{
		{name: "draft from feedback", given: base,
			when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "Q2 plan", FeedbackIDs: []string{fb1}, Actions: actions}, then: drafted},
		{name: "draft needs an action", given: base, when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "T"},
			code: CodeInvalid, field: "actions"},
		{name: "draft with an action twice", given: base, when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "T",
			Actions: []PlannedAction{{ActionID: act1, Description: "a"}, {ActionID: act1, Description: "b"}}}, code: CodeInvalid, field: "actions[1].action_id"},
		{name: "draft from unknown feedback", given: world(), when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "T",
			FeedbackIDs: []string{fb1}, Actions: actions}, code: CodeNotFound},
		{name: "an action owner who left", given: base, when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "T",
			Actions: []PlannedAction{{ActionID: act1, Description: "a", OwnerID: eve}}}, code: CodeRuleForbids},
		{name: "draft twice", given: given(base, drafted), when: DraftActionPlan{ActionPlanID: plan1, Account: "ACME", Title: "T", Actions: actions},
			code: CodeRuleForbids},

		{name: "share", given: given(base, drafted), when: ShareActionPlan{ActionPlanID: plan1, SharedWith: "ACME's COO"},
			then: on(a, ActionPlanShared{SharedWith: "ACME's COO"})},
		{name: "share twice", given: given(base, drafted, on(a, ActionPlanShared{SharedWith: "COO"})), when: ShareActionPlan{ActionPlanID: plan1, SharedWith: "CEO"},
			code: CodeRuleForbids},
		{name: "share a closed plan", given: given(base, drafted, closed), when: ShareActionPlan{ActionPlanID: plan1, SharedWith: "CEO"}, code: CodeRuleForbids},
		{name: "share an unknown plan", when: ShareActionPlan{ActionPlanID: plan1, SharedWith: "CEO"}, code: CodeNotFound},

		{name: "complete an action", given: given(base, drafted), when: CompleteAction{ActionPlanID: plan1, ActionID: act2, Note: "every Monday"},
			then: on(a, ActionCompleted{ActionID: act2, Note: "every Monday"})},
		{name: "complete an action twice", given: given(base, drafted, on(a, ActionCompleted{ActionID: act2})), when: CompleteAction{ActionPlanID: plan1, ActionID: act2},
			code: CodeRuleForbids},
		{name: "complete an unknown action", given: given(base, drafted), when: CompleteAction{ActionPlanID: plan1, ActionID: fresh}, code: CodeNotFound},
		{name: "complete an action of a closed plan", given: given(base, drafted, closed), when: CompleteAction{ActionPlanID: plan1, ActionID: act1},
			code: CodeRuleForbids},

		{name: "close counts open actions", given: given(base, drafted, on(a, ActionCompleted{ActionID: act1})), when: CloseActionPlan{ActionPlanID: plan1, Summary: "done"},
			then: on(a, ActionPlanClosed{Summary: "done", OpenActions: 1})},
		{name: "close twice", given: given(base, drafted, closed), when: CloseActionPlan{ActionPlanID: plan1}, code: CodeRuleForbids},
	})
}
