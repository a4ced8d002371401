package events

import "testing"

func TestCouncilCommands(t *testing.T) {
	run(t, []scenario{
		{name: "seat a member for their department", given: people(ann), when: SeatMember{PersonID: ann},
			then: on(CouncilAggregate, MemberSeated{PersonID: ann, Department: "Sales"})},
		{name: "seat the first chair", given: people(ann), when: SeatMember{PersonID: ann, Department: "Board", Chair: true},
			then: on(CouncilAggregate, MemberSeated{PersonID: ann, Department: "Board", Chair: true})},
		{name: "a second chair is a chair change", given: council(), when: SeatMember{PersonID: fay, Chair: true}, code: CodeRuleForbids},
		{name: "seat twice", given: council(), when: SeatMember{PersonID: bob}, code: CodeRuleForbids},
		{name: "seat someone who left", given: council(), when: SeatMember{PersonID: eve}, code: CodeRuleForbids},
		{name: "seat an unknown person", when: SeatMember{PersonID: ann}, code: CodeNotFound},
		{name: "seat without id", when: SeatMember{PersonID: ""}, code: CodeInvalid, field: "person_id"},

		{name: "unseat", given: council(), when: UnseatMember{PersonID: bob, Reason: "term ended"},
			then: on(CouncilAggregate, MemberUnseated{PersonID: bob, Reason: "term ended"})},
		{name: "unseat someone not seated", given: council(), when: UnseatMember{PersonID: fay}, code: CodeNotFound},

		{name: "change the chair", given: council(), when: ChangeChair{PersonID: bob},
			then: on(CouncilAggregate, ChairChanged{PersonID: bob, PreviousPersonID: ann})},
		{name: "the chair stays the chair", given: council(), when: ChangeChair{PersonID: ann}},
		{name: "the chair holds a seat", given: council(), when: ChangeChair{PersonID: fay}, code: CodeRuleForbids},
		{name: "a chair after the chair was unseated", given: given(council(), on(CouncilAggregate, MemberUnseated{PersonID: ann})),
			when: ChangeChair{PersonID: cat}, then: on(CouncilAggregate, ChairChanged{PersonID: cat})},
		{name: "a seat for a new chair after the chair was unseated", given: given(council(), on(CouncilAggregate, MemberUnseated{PersonID: ann})),
			when: SeatMember{PersonID: fay, Chair: true}, then: on(CouncilAggregate, MemberSeated{PersonID: fay, Department: "Sales", Chair: true})},
	})
}
