package events

import (
	"testing"
	"time"
)

var rule1 = id(80)

func ruleAgg(r string) Aggregate { return Aggregate{KindFollowUpRule, r} }

// detractors is the terms of a rule on NPS detractors, assigned to fay.
func detractors() RuleTerms {
	return RuleTerms{Metric: MetricNPS, MinScore: 0, MaxScore: 6, Assign: AssignPerson, PersonID: fay, DueInHours: 48}
}

func TestFollowUpRules(t *testing.T) {
	with := func(f func(*RuleTerms)) RuleTerms { r := detractors(); f(&r); return r }
	defined := on(ruleAgg(rule1), FollowUpRuleDefined{RuleID: rule1, RuleTerms: detractors()})
	run(t, []scenario{
		{name: "define", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: detractors()}, then: defined},
		{name: "CSAT 1-2 in a scope, to the crew lead", given: world(),
			when: DefineFollowUpRule{RuleID: rule1, Terms: RuleTerms{Metric: MetricCSAT, MinScore: 1, MaxScore: 2, JourneyID: jny, StageID: stg1, TouchpointID: tp1, Segment: "young adults", Assign: AssignCrewLead, DueInHours: 24}},
			then: on(ruleAgg(rule1), FollowUpRuleDefined{RuleID: rule1, RuleTerms: RuleTerms{Metric: MetricCSAT, MinScore: 1, MaxScore: 2, JourneyID: jny, StageID: stg1, TouchpointID: tp1, Segment: "young adults", Assign: AssignCrewLead, DueInHours: 24}})},
		{name: "a score off the metric's scale", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.Metric, r.MinScore = MetricCES, 0 })},
			code: CodeInvalid, field: "min_score"},
		{name: "max below min", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.MinScore, r.MaxScore = 6, 2 })},
			code: CodeInvalid, field: "max_score"},
		{name: "an unknown metric", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.Metric = "ltv" })},
			code: CodeInvalid, field: "metric"},
		{name: "assign is crew_lead or person", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.Assign = "boss" })},
			code: CodeInvalid, field: "assign"},
		{name: "a person to assign needs an id", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.PersonID = "" })},
			code: CodeInvalid, field: "person_id"},
		{name: "due in an hour at least", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.DueInHours = 0 })},
			code: CodeInvalid, field: "due_in_hours"},
		{name: "a person who left", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.PersonID = eve })},
			code: CodeRuleForbids},
		{name: "an unknown touchpoint", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.TouchpointID = fresh })},
			code: CodeNotFound},
		{name: "an unknown stage", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.StageID = fresh })},
			code: CodeNotFound},
		{name: "a stage of another journey", given: world(), when: DefineFollowUpRule{RuleID: rule1, Terms: with(func(r *RuleTerms) { r.JourneyID, r.StageID = jny, stgOther })},
			code: CodeRuleForbids},
		{name: "an id once", given: given(world(), defined), when: DefineFollowUpRule{RuleID: rule1, Terms: detractors()}, code: CodeRuleForbids},
		{name: "change", given: given(world(), defined), when: ChangeFollowUpRule{RuleID: rule1, Patch: RulePatch{MaxScore: ptr(4)}},
			then: on(ruleAgg(rule1), FollowUpRuleChanged{RuleTerms: with(func(r *RuleTerms) { r.MaxScore = 4 })})},
		{name: "the same terms change nothing", given: given(world(), defined), when: ChangeFollowUpRule{RuleID: rule1, Patch: RulePatch{MaxScore: ptr(6)}}},
		{name: "retire", given: given(world(), defined), when: RetireFollowUpRule{RuleID: rule1, Reason: "merged"},
			then: on(ruleAgg(rule1), FollowUpRuleRetired{Reason: "merged"})},
		{name: "a retired rule does not change", given: given(world(), defined, on(ruleAgg(rule1), FollowUpRuleRetired{Reason: "x"})),
			when: ChangeFollowUpRule{RuleID: rule1, Patch: RulePatch{MaxScore: ptr(4)}}, code: CodeRuleForbids},
		{name: "a change is checked as a new rule", given: given(world(), defined), when: ChangeFollowUpRule{RuleID: rule1, Patch: RulePatch{MinScore: ptr(7)}},
			code: CodeInvalid, field: "max_score"},
		{name: "to the crew lead drops the person", given: given(world(), defined), when: ChangeFollowUpRule{RuleID: rule1, Patch: RulePatch{Assign: ptr(AssignCrewLead)}},
			then: on(ruleAgg(rule1), FollowUpRuleChanged{RuleTerms: with(func(r *RuleTerms) { r.Assign, r.PersonID = AssignCrewLead, "" })})},
		{name: "an unknown rule", given: world(), when: RetireFollowUpRule{RuleID: rule1, Reason: "x"}, code: CodeNotFound},
	})
}

func TestRuleTermsMatch(t *testing.T) {
	r := detractors()
	r.StageID = stg1
	for _, c := range []struct {
		metric string
		score  int
		stage  string
		want   bool
	}{{MetricNPS, 0, stg1, true}, {MetricNPS, 6, stg1, true}, {MetricNPS, 7, stg1, false}, {MetricCSAT, 1, stg1, false}, {MetricNPS, 3, stg2, false}} {
		if got := r.Matches(c.metric, c.score, "", tp1, c.stage, jny); got != c.want {
			t.Errorf("%s %d at stage %s: matches %v, want %v", c.metric, c.score, c.stage, got, c.want)
		}
	}
}

func TestFollowUpEscalation(t *testing.T) {
	due := testTime.Add(48 * time.Hour)
	rule := on(ruleAgg(rule1), FollowUpRuleDefined{RuleID: rule1, RuleTerms: detractors()})
	opened := on(followUpAgg(fb1), FollowUpOpened{FeedbackID: fb1, TouchpointID: tp1, AssigneeID: fay, RuleID: rule1, DueAt: due})
	manager := on(Aggregate{KindProgram, ProgramID}, CXManagerAppointed{PersonID: bob})
	base := given(world(), manager, logged(fb1, tp1, MetricNPS, 2), rule, opened)
	run(t, []scenario{
		{name: "a rule's follow-up carries the rule and its due time", given: given(world(), logged(fb1, tp1, MetricNPS, 2), rule),
			when: OpenFollowUp{FeedbackID: fb1, AssigneeID: fay, RuleID: rule1, DueAt: due}, then: opened},
		{name: "an unknown rule", given: given(world(), logged(fb1, tp1, MetricNPS, 2)),
			when: OpenFollowUp{FeedbackID: fb1, RuleID: rule1, DueAt: due}, code: CodeNotFound},
		{name: "escalated to the CX manager past due", given: base, when: EscalateFollowUp{FeedbackID: fb1, Now: due.Add(time.Second)},
			then: on(followUpAgg(fb1), FollowUpEscalated{DueAt: due, EscalatedTo: bob})},
		{name: "not before it is due", given: base, when: EscalateFollowUp{FeedbackID: fb1, Now: due}, code: CodeRuleForbids},
		{name: "once", given: given(base, on(followUpAgg(fb1), FollowUpEscalated{DueAt: due, EscalatedTo: bob})),
			when: EscalateFollowUp{FeedbackID: fb1, Now: due.Add(time.Hour)}},
		{name: "not once closed", given: given(base, on(followUpAgg(fb1), FollowUpClosed{ActionTaken: "called"})),
			when: EscalateFollowUp{FeedbackID: fb1, Now: due.Add(time.Hour)}, code: CodeRuleForbids},
	})
}
