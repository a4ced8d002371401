package projections

import (
	"testing"
	"time"

	"cxtracker/events"
	"cxtracker/events/eventtest"
)

// given is a tape feeding models whose events are a minute apart.
func given(t *testing.T, models ...eventtest.Model) *eventtest.Tape {
	return eventtest.New(t, models...).Ticking(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), time.Minute)
}

func personAgg(id string) events.Aggregate { return events.Aggregate{Kind: events.KindPerson, ID: id} }
func crewAgg(id string) events.Aggregate   { return events.Aggregate{Kind: events.KindCrew, ID: id} }

func TestPeopleShowEveryRoleAPersonHolds(t *testing.T) {
	m := NewPeople()
	l := given(t, m)
	l.PlayBy(personAgg("ana"), "admin", events.PersonRegistered{PersonID: "ana", Name: "Ana", Email: "ana@example.com", Department: "Board"})
	l.PlayBy(personAgg("bo"), "admin", events.PersonRegistered{PersonID: "bo", Name: "Bo", Email: "bo@example.com", Department: "CX"})
	l.PlayBy(events.ProgramAggregate, "admin", events.SponsorAppointed{PersonID: "ana"}, events.CXManagerAppointed{PersonID: "ana"},
		events.AmbassadorAssigned{PersonID: "ana", Department: "Sales"}, events.ExpertNamed{PersonID: "ana", Unit: "Retail"})
	l.PlayBy(events.CouncilAggregate, "admin", events.MemberSeated{PersonID: "bo", Department: "CX", Chair: true},
		events.MemberSeated{PersonID: "ana", Department: "Board"}, events.ChairChanged{PersonID: "ana", PreviousPersonID: "bo"})
	l.PlayBy(crewAgg("c1"), "admin", events.CrewFormed{CrewID: "c1", Name: "Seams", Type: events.CrewExperience, Purpose: "p"},
		events.MemberJoined{PersonID: "ana", Role: events.RoleLead})
	l.PlayBy(crewAgg("c2"), "admin", events.CrewFormed{CrewID: "c2", Name: "Cards", Type: events.CrewValueStream, Purpose: "p"},
		events.MemberJoined{PersonID: "ana", Role: events.RoleMember}, events.CrewDisbanded{Reason: "merged"})
	l.PlayBy(personAgg("ana"), "admin", events.PersonDetailsChanged{PersonID: "ana", Name: "Ana Costa", Email: "ana@example.com", Department: "Board"})

	ana, ok := m.Get("ana")
	r := ana.Roles
	if !ok || ana.Name != "Ana Costa" || !r.Sponsor || !r.CXManager || r.Council == nil || !r.Council.Chair ||
		r.Ambassador.Department != "Sales" || r.Expert.Unit != "Retail" || len(r.Crews) != 1 || r.Crews[0] != (CrewRole{CrewID: "c1", Name: "Seams", Role: "lead"}) {
		t.Fatalf("Ana %+v", ana)
	}
	if bo, _ := m.Get("bo"); bo.Roles.Council == nil || bo.Roles.Council.Chair || bo.Roles.Sponsor {
		t.Fatalf("Bo %+v", bo.Roles)
	}
	roles := m.Roles()
	if roles.Sponsor.Name != "Ana Costa" || len(roles.Ambassadors) != 1 || roles.Ambassadors[0].Name != "Ana Costa" {
		t.Fatalf("roles %+v", roles)
	}
	// A view is a copy: changing it changes nothing in the model.
	ana.Roles.Crews[0].Role = "member"
	if again, _ := m.Get("ana"); again.Roles.Crews[0].Role != "lead" {
		t.Fatal("a view shares the model's data")
	}
	l.PlayBy(personAgg("bo"), "admin", events.PersonLeft{PersonID: "bo", Reason: "retired"})
	l.PlayBy(events.CouncilAggregate, "admin", events.MemberUnseated{PersonID: "ana"})
	if ana, _ := m.Get("ana"); ana.Roles.Council != nil {
		t.Fatalf("unseated Ana keeps %+v", ana.Roles.Council)
	}
	if got := m.Departments(); len(got) != 1 || got[0] != "Board" {
		t.Fatalf("departments of people still here: %v", got)
	}
	if len(m.List()) != 2 {
		t.Fatalf("those who left are listed too: %d", len(m.List()))
	}
}

func TestPeopleReportEventsOnUnknownEntities(t *testing.T) {
	m := NewPeople()
	rec := events.Record{Seq: 1, Subject: crewAgg("nope").Subject(events.EventMemberJoined)}
	if err := m.Apply(rec, events.MemberJoined{PersonID: "x", Role: "member"}); err == nil {
		t.Fatal("a member joined a crew the model never saw, and nothing was said")
	}
	if err := m.Apply(events.Record{Seq: 2}, events.PersonLeft{PersonID: "x"}); err == nil {
		t.Fatal("an unknown person left, and nothing was said")
	}
}
