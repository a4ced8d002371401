package events

import (
	"testing"
)

func TestTokenCommands(t *testing.T) {
	issued := on(Aggregate{KindToken, tok1}, TokenIssued{TokenID: tok1, PersonID: ann})
	run(t, []scenario{
		{name: "issue for a person", given: people(ann), when: IssueToken{TokenID: tok1, PersonID: ann},
			then: issued},
		{name: "issue for a service", when: IssueToken{TokenID: tok1, Label: "survey tool", Grants: []string{"action:log_feedback"}},
			then: on(Aggregate{KindToken, tok1}, TokenIssued{TokenID: tok1, Label: "survey tool", Grants: []string{"action:log_feedback"}})},
		{name: "a service token needs a grant", when: IssueToken{TokenID: tok1}, code: CodeInvalid, field: "grants"},
		{name: "a grant is admin or an action", when: IssueToken{TokenID: tok1, Grants: []string{"root"}}, code: CodeInvalid, field: "grants"},
		{name: "for nobody", when: IssueToken{TokenID: tok1, PersonID: ann}, code: CodeNotFound},
		{name: "for someone who left", given: given(people(ann), left(ann)), when: IssueToken{TokenID: tok1, PersonID: ann}, code: CodeRuleForbids},
		{name: "issue twice", given: given(people(ann), issued), when: IssueToken{TokenID: tok1, PersonID: ann}, code: CodeRuleForbids},
		{name: "revoke", given: given(people(ann), issued), when: RevokeToken{TokenID: tok1, Reason: "lost"},
			then: on(Aggregate{KindToken, tok1}, TokenRevoked{TokenID: tok1, Reason: "lost"})},
		{name: "revoke twice writes nothing", given: given(people(ann), issued, on(Aggregate{KindToken, tok1}, TokenRevoked{TokenID: tok1})),
			when: RevokeToken{TokenID: tok1}},
		{name: "revoke unknown", when: RevokeToken{TokenID: tok1}, code: CodeNotFound},
	})
}
