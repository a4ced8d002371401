package events

import (
	"bytes"
	"testing"
)

var acme, acmePlan = id(80), id(81)

func accountAgg(a string) Aggregate { return Aggregate{KindAccount, a} }

// opened opens acme, owned by bob, in the segment SMB.
func opened() []fact {
	return on(accountAgg(acme), AccountOpened{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob, Contact: "Jo Doe <jo@acme.example>"})
}

func TestAccountCommands(t *testing.T) {
	a := accountAgg(acme)
	run(t, []scenario{
		{name: "open", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob, Contact: "Jo Doe <jo@acme.example>"},
			then: opened()},
		{name: "open without a contact", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob},
			then: on(a, AccountOpened{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob})},
		{name: "open needs a name", given: council(), when: OpenAccount{AccountID: acme, Name: " ", Segment: "SMB", OwnerID: bob},
			code: CodeInvalid, field: "name"},
		{name: "open needs a segment", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", OwnerID: bob},
			code: CodeInvalid, field: "segment"},
		{name: "open needs an owner", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB"},
			code: CodeInvalid, field: "owner_id"},
		{name: "a contact of one line", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob, Contact: "Jo\nDoe"},
			code: CodeInvalid, field: "contact"},
		{name: "an owner who left", given: council(), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: eve},
			code: CodeRuleForbids},
		{name: "an owner nobody is", when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob},
			code: CodeNotFound},
		{name: "open twice", given: given(council(), opened()), when: OpenAccount{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob},
			code: CodeRuleForbids},

		{name: "change the owner", given: given(council(), opened()), when: ChangeAccount{AccountID: acme, OwnerID: ptr(cat)},
			then: on(a, AccountChanged{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: cat, Contact: "Jo Doe <jo@acme.example>"})},
		{name: "remove the contact", given: given(council(), opened()), when: ChangeAccount{AccountID: acme, Contact: ptr("")},
			then: on(a, AccountChanged{AccountID: acme, Name: "ACME", Segment: "SMB", OwnerID: bob})},
		{name: "change nothing", given: given(council(), opened()), when: ChangeAccount{AccountID: acme, Name: ptr("ACME")}},
		{name: "change to an owner who left", given: given(council(), opened()), when: ChangeAccount{AccountID: acme, OwnerID: ptr(eve)},
			code: CodeRuleForbids},
		{name: "an owner who left since stays while the name changes", given: given(council(), opened(), left(bob)),
			when: ChangeAccount{AccountID: acme, Name: ptr("ACME Ltd")},
			then: on(a, AccountChanged{AccountID: acme, Name: "ACME Ltd", Segment: "SMB", OwnerID: bob, Contact: "Jo Doe <jo@acme.example>"})},
		{name: "change to no segment", given: given(council(), opened()), when: ChangeAccount{AccountID: acme, Segment: ptr("")},
			code: CodeInvalid, field: "segment"},
		{name: "change an unknown account", given: council(), when: ChangeAccount{AccountID: acme, Name: ptr("X")}, code: CodeNotFound},
	})
}

func TestFeedbackAndPlansNameAnAccount(t *testing.T) {
	base := given(world(), opened())
	actions := []PlannedAction{{ActionID: act1, Description: "Call the COO"}}
	run(t, []scenario{
		{name: "feedback names an account", given: base,
			when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey, AccountID: acme},
			then: on(feedbackAgg(tp1), FeedbackLogged{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey, AccountID: acme})},
		{name: "feedback names no account that exists", given: world(),
			when: LogFeedback{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey, AccountID: acme},
			code: CodeInvalid, field: "account_id"},
		{name: "an item of a batch names no account", given: world(),
			when: LogFeedbackBatch{TouchpointID: tp1, Items: []LogFeedback{{FeedbackID: fb1, TouchpointID: tp1, Metric: MetricNPS, Score: 3, Source: SourceSurvey, AccountID: acme}}},
			code: CodeInvalid, field: "items[0].account_id"},
		{name: "a plan names an account and takes its name", given: base,
			when: DraftActionPlan{ActionPlanID: acmePlan, AccountID: acme, Title: "Win back", Actions: actions},
			then: on(actionPlanAgg(acmePlan), ActionPlanDrafted{ActionPlanID: acmePlan, Account: "ACME", AccountID: acme, Title: "Win back", Actions: actions})},
		{name: "a plan keeps the words it was given beside the account", given: base,
			when: DraftActionPlan{ActionPlanID: acmePlan, Account: "ACME, Leeds office", AccountID: acme, Title: "Win back", Actions: actions},
			then: on(actionPlanAgg(acmePlan), ActionPlanDrafted{ActionPlanID: acmePlan, Account: "ACME, Leeds office", AccountID: acme, Title: "Win back", Actions: actions})},
		{name: "a plan names no account that exists", given: world(),
			when: DraftActionPlan{ActionPlanID: acmePlan, Account: "ACME", AccountID: acme, Title: "Win back", Actions: actions},
			code: CodeInvalid, field: "account_id"},
	})
}

func TestAccountsSurviveACheckpoint(t *testing.T) {
	s := replay(t, given(council(), opened()))
	var buf bytes.Buffer
	if err := s.SaveCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	n := NewState()
	if err := n.LoadCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	a, ok := n.Account(acme)
	if !ok || a.Name != "ACME" || a.OwnerID != bob || a.Contact == "" {
		t.Fatalf("the account after a checkpoint is %+v, %v", a, ok)
	}
}
