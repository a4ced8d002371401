package events

import "testing"

func ptr[T any](v T) *T { return &v }

func TestPersonCommands(t *testing.T) {
	run(t, []scenario{
		{name: "register", when: RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Sales"},
			then: on(personAgg(ann), PersonRegistered{PersonID: ann, Name: "Ann", Email: "ann@example.com", Department: "Sales"})},
		{name: "register needs a ULID", when: RegisterPerson{PersonID: "ann", Name: "Ann", Email: "ann@example.com", Department: "Sales"},
			code: CodeInvalid, field: "person_id"},
		{name: "register needs a name", when: RegisterPerson{PersonID: ann, Name: " ", Email: "ann@example.com", Department: "Sales"},
			code: CodeInvalid, field: "name"},
		{name: "register needs an e-mail address", when: RegisterPerson{PersonID: ann, Name: "Ann", Email: "Ann <ann@example.com>", Department: "Sales"},
			code: CodeInvalid, field: "email"},
		{name: "register needs a department", when: RegisterPerson{PersonID: ann, Name: "Ann", Email: "ann@example.com"},
			code: CodeInvalid, field: "department"},
		{name: "register twice", given: people(ann), when: RegisterPerson{PersonID: ann, Name: "Ann", Email: "other@example.com", Department: "Sales"},
			code: CodeRuleForbids},
		{name: "an address names one person", given: people(ann), when: RegisterPerson{PersonID: bob, Name: "Bob", Email: "P01@EXAMPLE.com", Department: "Sales"},
			code: CodeRuleForbids},

		{name: "change details", given: people(ann), when: ChangePersonDetails{PersonID: ann, Department: ptr("Service")},
			then: on(personAgg(ann), PersonDetailsChanged{PersonID: ann, Name: "P01", Email: "p01@example.com", Department: "Service"})},
		{name: "change nothing", given: people(ann), when: ChangePersonDetails{PersonID: ann, Name: ptr("P01")}},
		{name: "change details of nobody", when: ChangePersonDetails{PersonID: ann, Name: ptr("Ann")}, code: CodeNotFound},
		{name: "change to a bad address", given: people(ann), when: ChangePersonDetails{PersonID: ann, Email: ptr("ann")},
			code: CodeInvalid, field: "email"},
		{name: "change to a taken address", given: people(ann, bob), when: ChangePersonDetails{PersonID: ann, Email: ptr("p02@example.com")},
			code: CodeRuleForbids},
		{name: "change the address's case", given: people(ann), when: ChangePersonDetails{PersonID: ann, Email: ptr("P01@example.com")},
			then: on(personAgg(ann), PersonDetailsChanged{PersonID: ann, Name: "P01", Email: "P01@example.com", Department: "Sales"})},
		{name: "change details of someone who left", given: given(people(ann), left(ann)), when: ChangePersonDetails{PersonID: ann, Name: ptr("A")},
			code: CodeRuleForbids},

		{name: "leave", given: people(ann), when: RecordDeparture{PersonID: ann, Reason: "retired"},
			then: on(personAgg(ann), PersonLeft{PersonID: ann, Reason: "retired"})},
		{name: "leave twice", given: given(people(ann), left(ann)), when: RecordDeparture{PersonID: ann}, code: CodeRuleForbids},
		{name: "leave unknown", when: RecordDeparture{PersonID: ann}, code: CodeNotFound},
	})
}

func TestEmailIndexFollowsChanges(t *testing.T) {
	s := replay(t, given(people(ann), on(personAgg(ann), PersonDetailsChanged{PersonID: ann, Name: "Ann", Email: "new@example.com", Department: "Sales"})))
	if _, err := (RegisterPerson{PersonID: bob, Name: "Bob", Email: "p01@example.com", Department: "Sales"}).Decide(s); err != nil {
		t.Fatalf("the old address should be free again: %v", err)
	}
	if _, err := (RegisterPerson{PersonID: bob, Name: "Bob", Email: "new@example.com", Department: "Sales"}).Decide(s); ErrorCode(err) != CodeRuleForbids {
		t.Fatalf("the new address should be taken, got %v", err)
	}
}
