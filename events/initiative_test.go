package events

import "testing"

// proposed is ini proposed by bob.
func proposed() []fact {
	return on(initiativeAgg(ini), InitiativeProposed{InitiativeID: ini, Title: "Fix the IVR", Problem: "Callers give up", ProposedBy: bob})
}

func votes(vs ...VoteCast) []fact {
	var out []fact
	for _, v := range vs {
		out = append(out, on(initiativeAgg(ini), v)...)
	}
	return out
}

// approved is ini approved with a quorum (bob and cat voted of three seats).
func approved() []fact {
	return given(proposed(),
		votes(VoteCast{PersonID: bob, Vote: VoteApprove}, VoteCast{PersonID: cat, Vote: VoteApprove}),
		on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, DecidedBy: ann,
			Tally: Tally{Approve: 2, Voted: 2, Seats: 3}, Quorum: true}))
}

func started() []fact { return given(approved(), on(initiativeAgg(ini), InitiativeStarted{})) }

func TestProposeInitiative(t *testing.T) {
	kpis := on(kpiAgg(kpi1), KPIDefined{KPIID: kpi1, Name: "NPS", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter})
	retiredKPI := on(kpiAgg(kpiOld), KPIDefined{KPIID: kpiOld, Name: "Old", Metric: "x", Unit: "u", Direction: LowerIsBetter}, KPIRetired{})
	run(t, []scenario{
		{name: "a seated member proposes", given: given(world(), kpis),
			when: ProposeInitiative{InitiativeID: ini, Title: "Fix the IVR", Problem: "Callers give up", ProposedBy: bob,
				StageIDs: []string{stg1}, TouchpointIDs: []string{tp1}, KPIIDs: []string{kpi1}},
			then: on(initiativeAgg(ini), InitiativeProposed{InitiativeID: ini, Title: "Fix the IVR", Problem: "Callers give up", ProposedBy: bob,
				StageIDs: []string{stg1}, TouchpointIDs: []string{tp1}, KPIIDs: []string{kpi1}})},
		{name: "only a seated member proposes", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: dan},
			code: CodeRuleForbids},
		{name: "a member who left proposes", given: given(world(), left(bob)), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob},
			code: CodeRuleForbids},
		{name: "an unknown proposer", when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob}, code: CodeNotFound},
		{name: "propose without a problem", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", ProposedBy: bob},
			code: CodeInvalid, field: "problem"},
		{name: "propose the same stage twice", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob,
			StageIDs: []string{stg1, stg1}}, code: CodeInvalid, field: "stage_ids[1]"},
		{name: "propose for an unknown stage", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob,
			StageIDs: []string{fresh}}, code: CodeNotFound},
		{name: "propose for a retired touchpoint", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob,
			TouchpointIDs: []string{tpOld}}, code: CodeRuleForbids},
		{name: "propose to move a retired KPI", given: given(world(), retiredKPI), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob,
			KPIIDs: []string{kpiOld}}, code: CodeRuleForbids},
		{name: "propose to move an unknown KPI", given: world(), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob,
			KPIIDs: []string{kpi1}}, code: CodeNotFound},
		{name: "propose twice", given: given(world(), proposed()), when: ProposeInitiative{InitiativeID: ini, Title: "T", Problem: "P", ProposedBy: bob},
			code: CodeRuleForbids},
	})
}

func TestCastVote(t *testing.T) {
	run(t, []scenario{
		{name: "a seated member votes", given: given(council(), proposed()), when: CastVote{InitiativeID: ini, PersonID: cat, Vote: VoteReject, Comment: "too costly"},
			then: on(initiativeAgg(ini), VoteCast{PersonID: cat, Vote: VoteReject, Comment: "too costly"})},
		{name: "a member changes their vote before the decision", given: given(council(), proposed(), votes(VoteCast{PersonID: cat, Vote: VoteReject})),
			when: CastVote{InitiativeID: ini, PersonID: cat, Vote: VoteApprove},
			then: on(initiativeAgg(ini), VoteCast{PersonID: cat, Vote: VoteApprove, PreviousVote: VoteReject})},
		{name: "the same vote again is one vote", given: given(council(), proposed(), votes(VoteCast{PersonID: cat, Vote: VoteAbstain})),
			when: CastVote{InitiativeID: ini, PersonID: cat, Vote: VoteAbstain}},
		{name: "only a seated member votes", given: given(council(), proposed()), when: CastVote{InitiativeID: ini, PersonID: dan, Vote: VoteApprove},
			code: CodeRuleForbids},
		{name: "an unseated member votes", given: given(council(), proposed(), on(CouncilAggregate, MemberUnseated{PersonID: cat})),
			when: CastVote{InitiativeID: ini, PersonID: cat, Vote: VoteApprove}, code: CodeRuleForbids},
		{name: "an unknown voter", given: given(council(), proposed()), when: CastVote{InitiativeID: ini, PersonID: fresh, Vote: VoteApprove},
			code: CodeNotFound},
		{name: "no vote after the decision", given: given(council(), approved()), when: CastVote{InitiativeID: ini, PersonID: ann, Vote: VoteReject},
			code: CodeRuleForbids},
		{name: "a vote is approve, reject or abstain", given: given(council(), proposed()), when: CastVote{InitiativeID: ini, PersonID: cat, Vote: "yes"},
			code: CodeInvalid, field: "vote"},
		{name: "a vote on an unknown initiative", given: council(), when: CastVote{InitiativeID: ini, PersonID: cat, Vote: VoteApprove}, code: CodeNotFound},
	})
}

func TestDecideInitiative(t *testing.T) {
	twoVotes := votes(VoteCast{PersonID: bob, Vote: VoteApprove}, VoteCast{PersonID: cat, Vote: VoteReject})
	oneVote := votes(VoteCast{PersonID: bob, Vote: VoteApprove})
	run(t, []scenario{
		{name: "decide with a quorum", given: given(council(), proposed(), twoVotes),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: cat, Outcome: OutcomeDeferred},
			then: on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeDeferred, DecidedBy: cat,
				Tally: Tally{Approve: 1, Reject: 1, Voted: 2, Seats: 3}, Quorum: true})},
		{name: "half the seats is no quorum", given: given(council(), on(CouncilAggregate, MemberSeated{PersonID: dan, Department: "Retail"}), proposed(), twoVotes),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: cat, Outcome: OutcomeApproved}, code: CodeRuleForbids},
		{name: "without a quorum a member cannot decide", given: given(council(), proposed(), oneVote),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: bob, Outcome: OutcomeApproved, Rationale: "urgent"}, code: CodeRuleForbids},
		{name: "without a quorum the chair decides with a rationale", given: given(council(), proposed(), oneVote),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeApproved, Rationale: "experience before revenue"},
			then: on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, Rationale: "experience before revenue", DecidedBy: ann,
				Tally: Tally{Approve: 1, Voted: 1, Seats: 3}, ChairDecision: true})},
		{name: "without a quorum the chair needs a rationale", given: given(council(), proposed(), oneVote),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeApproved}, code: CodeInvalid, field: "rationale"},
		{name: "votes of unseated members do not count", given: given(council(), proposed(), twoVotes, on(CouncilAggregate, MemberUnseated{PersonID: cat})),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: bob, Outcome: OutcomeApproved}, code: CodeRuleForbids},
		{name: "the tally counts seated voters only", given: given(council(), proposed(), twoVotes, on(CouncilAggregate, MemberUnseated{PersonID: cat})),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeApproved, Rationale: "r"},
			then: on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, Rationale: "r", DecidedBy: ann,
				Tally: Tally{Approve: 1, Voted: 1, Seats: 2}, ChairDecision: true})},
		{name: "seats of people who left do not count", given: given(council(), on(CouncilAggregate, MemberSeated{PersonID: fay}), proposed(),
			votes(VoteCast{PersonID: bob, Vote: VoteApprove}, VoteCast{PersonID: ann, Vote: VoteApprove}), left(fay)),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: bob, Outcome: OutcomeApproved},
			then: on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, DecidedBy: bob,
				Tally: Tally{Approve: 2, Voted: 2, Seats: 3}, Quorum: true})},
		{name: "only a seated member records a decision", given: given(council(), proposed(), twoVotes),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: dan, Outcome: OutcomeApproved}, code: CodeRuleForbids},
		{name: "a decision only on a proposed initiative", given: given(council(), approved()),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeRejected, Rationale: "changed our minds"}, code: CodeRuleForbids},
		{name: "a deferred initiative is not decided again", given: given(council(), proposed(), twoVotes,
			on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeDeferred, DecidedBy: ann, Tally: Tally{Voted: 2, Seats: 3}, Quorum: true})),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeApproved, Rationale: "now"}, code: CodeRuleForbids},
		{name: "an outcome is approved, rejected or deferred", given: given(council(), proposed(), twoVotes),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: "maybe"}, code: CodeInvalid, field: "outcome"},
		{name: "decide an unknown initiative", given: council(),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: ann, Outcome: OutcomeApproved, Rationale: "r"}, code: CodeNotFound},
	})
}

func TestInitiativeLaterLife(t *testing.T) {
	ten := 10
	run(t, []scenario{
		{name: "assign an expert and a crew", given: given(world(), approved()), when: AssignOwner{InitiativeID: ini, PersonID: dan, CrewID: crewA},
			then: on(initiativeAgg(ini), OwnerAssigned{PersonID: dan, CrewID: crewA})},
		{name: "assign only a crew", given: given(world(), started()), when: AssignOwner{InitiativeID: ini, CrewID: crewA},
			then: on(initiativeAgg(ini), OwnerAssigned{CrewID: crewA})},
		{name: "assign the same owners again", given: given(world(), approved(), on(initiativeAgg(ini), OwnerAssigned{PersonID: dan})),
			when: AssignOwner{InitiativeID: ini, PersonID: dan}},
		{name: "assign nobody", given: given(world(), approved()), when: AssignOwner{InitiativeID: ini}, code: CodeInvalid, field: "person_id"},
		{name: "the owner is a business-unit expert", given: given(world(), approved()), when: AssignOwner{InitiativeID: ini, PersonID: bob},
			code: CodeRuleForbids},
		{name: "an expert who left owns nothing", given: given(world(), approved(), left(dan)), when: AssignOwner{InitiativeID: ini, PersonID: dan},
			code: CodeRuleForbids},
		{name: "a disbanded crew owns nothing", given: given(world(), approved()), when: AssignOwner{InitiativeID: ini, CrewID: crewGone},
			code: CodeRuleForbids},
		{name: "an unknown crew owns nothing", given: given(world(), approved()), when: AssignOwner{InitiativeID: ini, CrewID: fresh},
			code: CodeNotFound},
		{name: "no owner before approval", given: given(world(), proposed()), when: AssignOwner{InitiativeID: ini, PersonID: dan},
			code: CodeRuleForbids},

		{name: "start an approved initiative", given: given(council(), approved()), when: StartInitiative{InitiativeID: ini},
			then: on(initiativeAgg(ini), InitiativeStarted{})},
		{name: "work starts only on an approved initiative", given: given(council(), proposed()), when: StartInitiative{InitiativeID: ini},
			code: CodeRuleForbids},
		{name: "work starts once", given: given(council(), started()), when: StartInitiative{InitiativeID: ini}, code: CodeRuleForbids},
		{name: "start an unknown initiative", when: StartInitiative{InitiativeID: ini}, code: CodeNotFound},

		{name: "report progress", given: given(council(), started()), when: ReportProgress{InitiativeID: ini, Note: "IVR menu cut to 3 options", PercentComplete: &ten},
			then: on(initiativeAgg(ini), ProgressReported{Note: "IVR menu cut to 3 options", PercentComplete: &ten})},
		{name: "progress is a percentage", given: given(council(), started()), when: ReportProgress{InitiativeID: ini, Note: "n", PercentComplete: ptr(101)},
			code: CodeInvalid, field: "percent_complete"},
		{name: "progress needs a note", given: given(council(), started()), when: ReportProgress{InitiativeID: ini}, code: CodeInvalid, field: "note"},
		{name: "progress only in progress", given: given(council(), approved()), when: ReportProgress{InitiativeID: ini, Note: "n"}, code: CodeRuleForbids},

		{name: "complete", given: given(council(), started()), when: CompleteInitiative{InitiativeID: ini, Outcome: "abandonment down 40%"},
			then: on(initiativeAgg(ini), InitiativeCompleted{Outcome: "abandonment down 40%"})},
		{name: "complete needs an outcome", given: given(council(), started()), when: CompleteInitiative{InitiativeID: ini}, code: CodeInvalid, field: "outcome"},
		{name: "complete only work in progress", given: given(council(), approved()), when: CompleteInitiative{InitiativeID: ini, Outcome: "o"},
			code: CodeRuleForbids},

		{name: "cancel a proposal", given: given(council(), proposed()), when: CancelInitiative{InitiativeID: ini, Reason: "duplicate"},
			then: on(initiativeAgg(ini), InitiativeCancelled{Reason: "duplicate"})},
		{name: "cancel work in progress", given: given(council(), started()), when: CancelInitiative{InitiativeID: ini, Reason: "budget"},
			then: on(initiativeAgg(ini), InitiativeCancelled{Reason: "budget"})},
		{name: "cancel needs a reason", given: given(council(), started()), when: CancelInitiative{InitiativeID: ini}, code: CodeInvalid, field: "reason"},
		{name: "a completed initiative is not cancelled", given: given(council(), started(), on(initiativeAgg(ini), InitiativeCompleted{Outcome: "o"})),
			when: CancelInitiative{InitiativeID: ini, Reason: "r"}, code: CodeRuleForbids},
		{name: "a rejected initiative is not cancelled", given: given(council(), proposed(),
			on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeRejected, DecidedBy: ann, Rationale: "no", ChairDecision: true})),
			when: CancelInitiative{InitiativeID: ini, Reason: "r"}, code: CodeRuleForbids},
		{name: "cancel twice", given: given(council(), proposed(), on(initiativeAgg(ini), InitiativeCancelled{Reason: "r"})),
			when: CancelInitiative{InitiativeID: ini, Reason: "r"}, code: CodeRuleForbids},
	})
}

// deferred is ini deferred with a quorum: bob approved, cat rejected.
func deferred() []fact {
	return given(proposed(),
		votes(VoteCast{PersonID: bob, Vote: VoteApprove}, VoteCast{PersonID: cat, Vote: VoteReject}),
		on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeDeferred, DecidedBy: ann,
			Tally: Tally{Approve: 1, Reject: 1, Voted: 2, Seats: 3}, Quorum: true}))
}

// reopened is ini deferred, then reopened by cat.
func reopened() []fact {
	return given(deferred(), on(initiativeAgg(ini), InitiativeReopened{ReopenedBy: cat, Rationale: "the budget came through"}))
}

func TestReopenInitiative(t *testing.T) {
	run(t, []scenario{
		{name: "a seated member reopens a deferred initiative", given: given(council(), deferred()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: cat, Rationale: "the budget came through"},
			then: on(initiativeAgg(ini), InitiativeReopened{ReopenedBy: cat, Rationale: "the budget came through"})},
		{name: "reopening needs a rationale", given: given(council(), deferred()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: cat, Rationale: " "}, code: CodeInvalid, field: "rationale"},
		{name: "only a seated member reopens", given: given(council(), deferred()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: dan, Rationale: "r"}, code: CodeRuleForbids},
		{name: "a proposed initiative is not reopened", given: given(council(), proposed()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: cat, Rationale: "r"}, code: CodeRuleForbids},
		{name: "an approved initiative is not reopened", given: given(council(), approved()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: cat, Rationale: "r"}, code: CodeRuleForbids},
		{name: "a reopened initiative is not reopened again before a decision", given: given(council(), reopened()),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: bob, Rationale: "r"}, code: CodeRuleForbids},
		{name: "reopen an unknown initiative", given: council(),
			when: ReopenInitiative{InitiativeID: ini, ReopenedBy: cat, Rationale: "r"}, code: CodeNotFound},

		// Votes are cast afresh: the vote bob cast before the deferral is
		// not his vote now, so the same vote again is recorded.
		{name: "after reopening votes are cast afresh", given: given(council(), reopened()),
			when: CastVote{InitiativeID: ini, PersonID: bob, Vote: VoteApprove},
			then: on(initiativeAgg(ini), VoteCast{PersonID: bob, Vote: VoteApprove})},
		{name: "after reopening the earlier votes make no quorum", given: given(council(), reopened(), votes(VoteCast{PersonID: bob, Vote: VoteApprove})),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: bob, Outcome: OutcomeApproved}, code: CodeRuleForbids},
		{name: "after reopening the council decides again on the new votes", given: given(council(), reopened(),
			votes(VoteCast{PersonID: bob, Vote: VoteApprove}, VoteCast{PersonID: ann, Vote: VoteApprove})),
			when: DecideInitiative{InitiativeID: ini, DecidedBy: bob, Outcome: OutcomeApproved},
			then: on(initiativeAgg(ini), InitiativeDecided{Outcome: OutcomeApproved, DecidedBy: bob,
				Tally: Tally{Approve: 2, Voted: 2, Seats: 3}, Quorum: true})},
	})
}
