package events

import "testing"

func TestProgramCommands(t *testing.T) {
	sponsor := on(ProgramAggregate, SponsorAppointed{PersonID: ann})
	run(t, []scenario{
		{name: "appoint the first sponsor", given: council(), when: AppointSponsor{PersonID: ann},
			then: on(ProgramAggregate, SponsorAppointed{PersonID: ann})},
		{name: "one sponsor at a time: a new one replaces the old", given: given(council(), sponsor), when: AppointSponsor{PersonID: bob},
			then: on(ProgramAggregate, SponsorAppointed{PersonID: bob, PreviousPersonID: ann})},
		{name: "appoint the sitting sponsor again", given: given(council(), sponsor), when: AppointSponsor{PersonID: ann}},
		{name: "appoint an unknown sponsor", when: AppointSponsor{PersonID: ann}, code: CodeNotFound},
		{name: "appoint a sponsor who left", given: council(), when: AppointSponsor{PersonID: eve}, code: CodeRuleForbids},
		{name: "appoint a sponsor without id", when: AppointSponsor{}, code: CodeInvalid, field: "person_id"},

		{name: "appoint the CX manager", given: council(), when: AppointCXManager{PersonID: bob},
			then: on(ProgramAggregate, CXManagerAppointed{PersonID: bob})},
		{name: "replace the CX manager", given: given(council(), on(ProgramAggregate, CXManagerAppointed{PersonID: bob})), when: AppointCXManager{PersonID: cat},
			then: on(ProgramAggregate, CXManagerAppointed{PersonID: cat, PreviousPersonID: bob})},
		{name: "appoint the sitting CX manager", given: given(council(), on(ProgramAggregate, CXManagerAppointed{PersonID: bob})), when: AppointCXManager{PersonID: bob}},
		{name: "appoint a CX manager who left", given: council(), when: AppointCXManager{PersonID: eve}, code: CodeRuleForbids},
		{name: "appoint an unknown CX manager", when: AppointCXManager{PersonID: bob}, code: CodeNotFound},

		{name: "assign an ambassador to their own department", given: council(), when: AssignAmbassador{PersonID: fay},
			then: on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Sales"})},
		{name: "assign an ambassador to a department", given: council(), when: AssignAmbassador{PersonID: fay, Department: "Claims"},
			then: on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Claims"})},
		{name: "move an ambassador", given: given(council(), on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Claims"})),
			when: AssignAmbassador{PersonID: fay, Department: "Retail"}, then: on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Retail"})},
		{name: "assign the same again", given: given(council(), on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Claims"})),
			when: AssignAmbassador{PersonID: fay, Department: "Claims"}},
		{name: "assign an ambassador who left", given: council(), when: AssignAmbassador{PersonID: eve}, code: CodeRuleForbids},
		{name: "assign an unknown ambassador", when: AssignAmbassador{PersonID: fay}, code: CodeNotFound},
		{name: "release an ambassador", given: given(council(), on(ProgramAggregate, AmbassadorAssigned{PersonID: fay, Department: "Claims"})),
			when: ReleaseAmbassador{PersonID: fay, Reason: "moved on"}, then: on(ProgramAggregate, AmbassadorReleased{PersonID: fay, Reason: "moved on"})},
		{name: "release someone who is no ambassador", given: council(), when: ReleaseAmbassador{PersonID: fay}, code: CodeNotFound},

		{name: "name an expert", given: council(), when: NameExpert{PersonID: fay, Unit: "Claims"},
			then: on(ProgramAggregate, ExpertNamed{PersonID: fay, Unit: "Claims"})},
		{name: "name an expert without a unit", given: council(), when: NameExpert{PersonID: fay}, code: CodeInvalid, field: "unit"},
		{name: "name the same expert again", given: council(), when: NameExpert{PersonID: dan, Unit: "Retail"}},
		{name: "name an expert who left", given: council(), when: NameExpert{PersonID: eve, Unit: "Claims"}, code: CodeRuleForbids},
		{name: "release an expert", given: council(), when: ReleaseExpert{PersonID: dan},
			then: on(ProgramAggregate, ExpertReleased{PersonID: dan})},
		{name: "release someone who is no expert", given: council(), when: ReleaseExpert{PersonID: fay}, code: CodeNotFound},
	})
}
