package events

import "testing"

func TestCrewCommands(t *testing.T) {
	run(t, []scenario{
		{name: "form", when: FormCrew{CrewID: crewA, Name: "Insights", Type: CrewCapability, Purpose: "Voice of the customer", Function: FunctionInsights},
			then: on(crewAgg(crewA), CrewFormed{CrewID: crewA, Name: "Insights", Type: CrewCapability, Purpose: "Voice of the customer", Function: FunctionInsights})},
		{name: "form without a function", when: FormCrew{CrewID: crewA, Name: "Seams", Type: CrewExperience, Purpose: "Watch the seams"},
			then: on(crewAgg(crewA), CrewFormed{CrewID: crewA, Name: "Seams", Type: CrewExperience, Purpose: "Watch the seams"})},
		{name: "form of an unknown type", when: FormCrew{CrewID: crewA, Name: "X", Type: "tribe", Purpose: "p"}, code: CodeInvalid, field: "type"},
		{name: "form with an unknown function", when: FormCrew{CrewID: crewA, Name: "X", Type: CrewPlatform, Purpose: "p", Function: "sales"},
			code: CodeInvalid, field: "function"},
		{name: "form without a purpose", when: FormCrew{CrewID: crewA, Name: "X", Type: CrewPlatform}, code: CodeInvalid, field: "purpose"},
		{name: "form twice", given: crews(), when: FormCrew{CrewID: crewA, Name: "X", Type: CrewPlatform, Purpose: "p"}, code: CodeRuleForbids},

		{name: "join as lead", given: given(council(), crews()), when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleLead},
			then: on(crewAgg(crewA), MemberJoined{PersonID: bob, Role: RoleLead})},
		{name: "join as member", given: given(council(), crews()), when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleMember},
			then: on(crewAgg(crewA), MemberJoined{PersonID: bob, Role: RoleMember})},
		{name: "join in no role", given: given(council(), crews()), when: JoinCrew{CrewID: crewA, PersonID: bob, Role: "boss"},
			code: CodeInvalid, field: "role"},
		{name: "a disbanded crew takes no members", given: given(council(), crews()), when: JoinCrew{CrewID: crewGone, PersonID: bob, Role: RoleMember},
			code: CodeRuleForbids},
		{name: "join an unknown crew", given: council(), when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleMember}, code: CodeNotFound},
		{name: "an unknown person joins", given: crews(), when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleMember}, code: CodeNotFound},
		{name: "someone who left joins", given: given(council(), crews()), when: JoinCrew{CrewID: crewA, PersonID: eve, Role: RoleMember},
			code: CodeRuleForbids},
		{name: "join again in the same role", given: given(council(), crews(), on(crewAgg(crewA), MemberJoined{PersonID: bob, Role: RoleMember})),
			when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleMember}},
		{name: "join again in another role", given: given(council(), crews(), on(crewAgg(crewA), MemberJoined{PersonID: bob, Role: RoleMember})),
			when: JoinCrew{CrewID: crewA, PersonID: bob, Role: RoleLead}, code: CodeRuleForbids},

		{name: "leave", given: given(council(), crews(), on(crewAgg(crewA), MemberJoined{PersonID: bob, Role: RoleMember})),
			when: LeaveCrew{CrewID: crewA, PersonID: bob}, then: on(crewAgg(crewA), MemberLeft{PersonID: bob})},
		{name: "leave without being a member", given: given(council(), crews()), when: LeaveCrew{CrewID: crewA, PersonID: bob}, code: CodeNotFound},
		{name: "leave an unknown crew", when: LeaveCrew{CrewID: crewA, PersonID: bob}, code: CodeNotFound},
		{name: "members leave with a disbanded crew", given: given(council(), on(crewAgg(crewA),
			CrewFormed{CrewID: crewA, Name: "X", Type: CrewPlatform, Purpose: "p"}, MemberJoined{PersonID: bob, Role: RoleLead}, CrewDisbanded{Reason: "done"})),
			when: LeaveCrew{CrewID: crewA, PersonID: bob}, code: CodeNotFound},

		{name: "change purpose", given: crews(), when: ChangeCrewPurpose{CrewID: crewA, Purpose: "Own the seams"},
			then: on(crewAgg(crewA), PurposeChanged{Purpose: "Own the seams"})},
		{name: "change purpose to the same", given: crews(), when: ChangeCrewPurpose{CrewID: crewA, Purpose: "Watch the seams"}},
		{name: "change purpose to nothing", given: crews(), when: ChangeCrewPurpose{CrewID: crewA}, code: CodeInvalid, field: "purpose"},
		{name: "change purpose of a disbanded crew", given: crews(), when: ChangeCrewPurpose{CrewID: crewGone, Purpose: "again"}, code: CodeRuleForbids},

		{name: "disband", given: crews(), when: DisbandCrew{CrewID: crewA, Reason: "merged"},
			then: on(crewAgg(crewA), CrewDisbanded{Reason: "merged"})},
		{name: "disband without a reason", given: crews(), when: DisbandCrew{CrewID: crewA}, code: CodeInvalid, field: "reason"},
		{name: "disband twice", given: crews(), when: DisbandCrew{CrewID: crewGone, Reason: "again"}, code: CodeRuleForbids},
		{name: "disband an unknown crew", when: DisbandCrew{CrewID: crewA, Reason: "x"}, code: CodeNotFound},
	})
}
