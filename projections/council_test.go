package projections

import (
	"testing"

	"cxtracker/events"
)

func TestCouncilRosterCountsSeatsOfPeopleStillHere(t *testing.T) {
	m := NewCouncil()
	l := given(t, m)
	for _, id := range []string{"a", "b", "c", "d"} {
		l.PlayBy(personAgg(id), "admin", events.PersonRegistered{PersonID: id, Name: "Member " + id, Email: id + "@example.com", Department: "D" + id})
	}
	l.PlayBy(events.CouncilAggregate, "admin",
		events.MemberSeated{PersonID: "a", Department: "Da", Chair: true}, events.MemberSeated{PersonID: "b", Department: "Db"},
		events.MemberSeated{PersonID: "c", Department: "Dc"}, events.MemberSeated{PersonID: "d", Department: "Dd"})
	if v := m.Roster(); v.Seats != 4 || v.Quorum != 3 || v.Chair.PersonID != "a" || len(v.Members) != 4 || !v.Members[0].Chair {
		t.Fatalf("roster of four %+v", v)
	}
	l.PlayBy(personAgg("d"), "admin", events.PersonLeft{PersonID: "d"})
	l.PlayBy(events.CouncilAggregate, "admin", events.ChairChanged{PersonID: "b", PreviousPersonID: "a"}, events.MemberUnseated{PersonID: "b"})
	v := m.Roster()
	if v.Seats != 2 || v.Quorum != 2 || v.Chair != nil || len(v.Members) != 3 || !v.Members[2].Left || v.Members[0].Chair {
		t.Fatalf("after a departure and the chair unseated %+v", v)
	}
}
