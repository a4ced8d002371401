package events

import (
	"reflect"
	"testing"
)

func TestJourneyCommands(t *testing.T) {
	j := journeyAgg(jny)
	run(t, []scenario{
		{name: "map", when: MapJourney{JourneyID: fresh, Name: "Claims", Segment: "families"},
			then: on(journeyAgg(fresh), JourneyMapped{JourneyID: fresh, Name: "Claims", Segment: "families"})},
		{name: "map without a name", when: MapJourney{JourneyID: fresh}, code: CodeInvalid, field: "name"},
		{name: "map twice", given: world(), when: MapJourney{JourneyID: jny, Name: "Again"}, code: CodeRuleForbids},

		{name: "add a stage at the end", given: world(), when: AddStage{JourneyID: jny, StageID: fresh, Name: "Retention"},
			then: on(j, StageAdded{StageID: fresh, Name: "Retention", Position: 3})},
		{name: "add a stage first", given: world(), when: AddStage{JourneyID: jny, StageID: fresh, Name: "Awareness", Position: 1},
			then: on(j, StageAdded{StageID: fresh, Name: "Awareness", Position: 1})},
		{name: "add a stage past the end", given: world(), when: AddStage{JourneyID: jny, StageID: fresh, Name: "Referral", Position: 4},
			code: CodeInvalid, field: "position"},
		{name: "a stage name once per journey", given: world(), when: AddStage{JourneyID: jny, StageID: fresh, Name: "activation"},
			code: CodeRuleForbids},
		{name: "a stage id once", given: world(), when: AddStage{JourneyID: jny, StageID: stgOther, Name: "Revenue"}, code: CodeRuleForbids},
		{name: "add a stage to an unknown journey", when: AddStage{JourneyID: jny, StageID: fresh, Name: "Revenue"}, code: CodeNotFound},

		{name: "rename a stage", given: world(), when: RenameStage{JourneyID: jny, StageID: stg2, Name: "Onboarding"},
			then: on(j, StageRenamed{StageID: stg2, Name: "Onboarding"})},
		{name: "rename to the same name", given: world(), when: RenameStage{JourneyID: jny, StageID: stg2, Name: "Activation"}},
		{name: "rename to another stage's name", given: world(), when: RenameStage{JourneyID: jny, StageID: stg2, Name: "Acquisition"}, code: CodeRuleForbids},
		{name: "rename a stage of another journey", given: world(), when: RenameStage{JourneyID: jny, StageID: stgOther, Name: "X"}, code: CodeNotFound},

		{name: "move a stage", given: world(), when: MoveStage{JourneyID: jny, StageID: stg2, Position: 1},
			then: on(j, StageMoved{StageID: stg2, Position: 1})},
		{name: "move a stage where it is", given: world(), when: MoveStage{JourneyID: jny, StageID: stg2, Position: 2}},
		{name: "move a stage past the end", given: world(), when: MoveStage{JourneyID: jny, StageID: stg2, Position: 3}, code: CodeInvalid, field: "position"},
		{name: "move an unknown stage", given: world(), when: MoveStage{JourneyID: jny, StageID: fresh, Position: 1}, code: CodeNotFound},

		{name: "add a touchpoint", given: world(), when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stg2, Name: "App", Channel: "mobile", OwnerCrewID: crewA},
			then: on(j, TouchpointAdded{TouchpointID: fresh, StageID: stg2, Name: "App", Channel: "mobile", OwnerCrewID: crewA})},
		{name: "add a touchpoint with no owner yet", given: world(), when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stg2, Name: "App", Channel: "mobile"},
			then: on(j, TouchpointAdded{TouchpointID: fresh, StageID: stg2, Name: "App", Channel: "mobile"})},
		{name: "a touchpoint belongs to a stage of its own journey", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stgOther, Name: "App", Channel: "mobile"}, code: CodeRuleForbids},
		{name: "a touchpoint at an unknown stage", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: id(98), Name: "App", Channel: "mobile"}, code: CodeNotFound},
		{name: "a touchpoint owned by a disbanded crew", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stg1, Name: "App", Channel: "mobile", OwnerCrewID: crewGone}, code: CodeRuleForbids},
		{name: "a touchpoint owned by an unknown crew", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stg1, Name: "App", Channel: "mobile", OwnerCrewID: id(98)}, code: CodeNotFound},
		{name: "a touchpoint id once", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: tp1, StageID: stg1, Name: "App", Channel: "mobile"}, code: CodeRuleForbids},
		{name: "a touchpoint needs a channel", given: world(),
			when: AddTouchpoint{JourneyID: jny, TouchpointID: fresh, StageID: stg1, Name: "App"}, code: CodeInvalid, field: "channel"},

		{name: "change a touchpoint's owner", given: given(world(), on(crewAgg(fresh), CrewFormed{CrewID: fresh, Name: "New", Type: CrewValueStream, Purpose: "p"})),
			when: ChangeTouchpointOwner{JourneyID: jny, TouchpointID: tp1, OwnerCrewID: fresh},
			then: on(j, TouchpointOwnerChanged{TouchpointID: tp1, OwnerCrewID: fresh, PreviousOwnerCrewID: crewA})},
		{name: "change to the same owner", given: world(), when: ChangeTouchpointOwner{JourneyID: jny, TouchpointID: tp1, OwnerCrewID: crewA}},
		{name: "change to a disbanded crew", given: world(), when: ChangeTouchpointOwner{JourneyID: jny, TouchpointID: tp1, OwnerCrewID: crewGone}, code: CodeRuleForbids},
		{name: "change the owner of a retired touchpoint", given: world(), when: ChangeTouchpointOwner{JourneyID: jny, TouchpointID: tpOld, OwnerCrewID: crewA},
			code: CodeRuleForbids},
		{name: "change the owner of another journey's touchpoint", given: world(), when: ChangeTouchpointOwner{JourneyID: jny2, TouchpointID: tp1, OwnerCrewID: crewA},
			code: CodeNotFound},

		{name: "retire a touchpoint", given: world(), when: RetireTouchpoint{JourneyID: jny, TouchpointID: tp1, Reason: "merged into app"},
			then: on(j, TouchpointRetired{TouchpointID: tp1, Reason: "merged into app"})},
		{name: "retire twice", given: world(), when: RetireTouchpoint{JourneyID: jny, TouchpointID: tpOld}, code: CodeRuleForbids},
		{name: "retire an unknown touchpoint", given: world(), when: RetireTouchpoint{JourneyID: jny, TouchpointID: fresh}, code: CodeNotFound},
	})
}

func TestStageOrder(t *testing.T) {
	a, b, c, d := id(70), id(71), id(72), id(73)
	s := replay(t, on(journeyAgg(jny),
		JourneyMapped{JourneyID: jny, Name: "J"},
		StageAdded{StageID: a, Name: "A", Position: 1},
		StageAdded{StageID: b, Name: "B", Position: 2},
		StageAdded{StageID: c, Name: "C", Position: 1},
		StageMoved{StageID: a, Position: 3},
		StageAdded{StageID: d, Name: "D", Position: 2},
	))
	j, _ := s.Journey(jny)
	var got []string
	for _, st := range j.Stages {
		got = append(got, st.Name)
	}
	if want := []string{"C", "D", "B", "A"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
}
