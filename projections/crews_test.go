package projections

import (
	"testing"

	"cxtracker/events"
)

func TestCrewsKnowTheTouchpointsTheyOwn(t *testing.T) {
	m := NewCrews()
	l := given(t, m)
	journey := events.Aggregate{Kind: events.KindJourney, ID: "j1"}
	l.PlayBy(personAgg("bo"), "admin", events.PersonRegistered{PersonID: "bo", Name: "Bo", Email: "bo@example.com", Department: "CX"})
	l.PlayBy(crewAgg("c1"), "admin", events.CrewFormed{CrewID: "c1", Name: "Seams", Type: events.CrewExperience, Purpose: "p"},
		events.MemberJoined{PersonID: "bo", Role: events.RoleLead})
	l.PlayBy(crewAgg("c2"), "admin", events.CrewFormed{CrewID: "c2", Name: "Cards", Type: events.CrewValueStream, Purpose: "p"})
	l.PlayBy(journey, "admin",
		events.TouchpointAdded{TouchpointID: "t1", StageID: "s1", Name: "Call centre", Channel: "phone", OwnerCrewID: "c1"},
		events.TouchpointAdded{TouchpointID: "t2", StageID: "s1", Name: "App", Channel: "mobile", OwnerCrewID: "c1"},
		events.TouchpointAdded{TouchpointID: "t3", StageID: "s2", Name: "Branch", Channel: "in person"},
		events.TouchpointOwnerChanged{TouchpointID: "t2", OwnerCrewID: "c2", PreviousOwnerCrewID: "c1"},
		events.TouchpointOwnerChanged{TouchpointID: "t3", OwnerCrewID: "c1"},
		events.TouchpointRetired{TouchpointID: "t1"})

	c1, _ := m.Get("c1")
	if len(c1.Touchpoints) != 1 || c1.Touchpoints[0] != (OwnedTouchpoint{TouchpointID: "t3", JourneyID: "j1", StageID: "s2", Name: "Branch", Channel: "in person"}) {
		t.Fatalf("Seams owns %+v", c1.Touchpoints)
	}
	if len(c1.Members) != 1 || c1.Members[0].Name != "Bo" || c1.Members[0].Role != events.RoleLead {
		t.Fatalf("Seams' members %+v", c1.Members)
	}
	if c2, _ := m.Get("c2"); len(c2.Touchpoints) != 1 || c2.Touchpoints[0].TouchpointID != "t2" {
		t.Fatalf("Cards owns %+v", c2.Touchpoints)
	}
	// A disbanded crew loses its members and keeps its touchpoints as a gap.
	l.PlayBy(crewAgg("c1"), "admin", events.CrewDisbanded{Reason: "merged"})
	c1, _ = m.Get("c1")
	if !c1.Disbanded || len(c1.Members) != 0 || len(c1.Touchpoints) != 1 {
		t.Fatalf("disbanded Seams %+v", c1)
	}
	if n := m.CountByType(); n[events.CrewExperience] != 0 || n[events.CrewValueStream] != 1 {
		t.Fatalf("count by type %v", n)
	}
	if got := m.List(events.CrewValueStream); len(got) != 1 || got[0].ID != "c2" {
		t.Fatalf("value stream crews %+v", got)
	}
}
