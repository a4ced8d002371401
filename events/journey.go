package events

import (
	"slices"
	"strconv"
	"strings"
)

// KindJourney is the aggregate of one journey map with its stages and
// touchpoints. Keeping stages and touchpoints inside the journey makes "a
// touchpoint belongs to a stage of its own journey" and the order of stages
// one aggregate's rules, checked under one expected sequence; maps are
// edited by a few people, so one stream per journey does not contend.
const KindJourney = "journey"

// journeyEvents registers the event types of this aggregate in the catalogue
// (catalogue.go), each with its schema version and the upcasters from older
// versions: a new event type of the aggregate is one line here.
var journeyEvents = []EventType{
	def[JourneyMapped](KindJourney, 1),
	def[StageAdded](KindJourney, 1),
	def[StageRenamed](KindJourney, 1),
	def[StageMoved](KindJourney, 1),
	def[TouchpointAdded](KindJourney, 1),
	def[TouchpointOwnerChanged](KindJourney, 1),
	def[TouchpointRetired](KindJourney, 1),
}

// Event names of the journey aggregate.
const (
	EventJourneyMapped          = "journey_mapped"
	EventStageAdded             = "stage_added"
	EventStageRenamed           = "stage_renamed"
	EventStageMoved             = "stage_moved"
	EventTouchpointAdded        = "touchpoint_added"
	EventTouchpointOwnerChanged = "touchpoint_owner_changed"
	EventTouchpointRetired      = "touchpoint_retired"
)

// JourneyMapped says a journey map was started for a persona or segment.
type JourneyMapped struct {
	JourneyID string `json:"journey_id"`
	Name      string `json:"name"`
	Segment   string `json:"segment,omitempty"`
}

// StageAdded says a stage was added at a position (1 is the first stage);
// the stages from that position on move one place down.
type StageAdded struct {
	StageID  string `json:"stage_id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
}

// StageRenamed carries a stage's new name.
type StageRenamed struct {
	StageID string `json:"stage_id"`
	Name    string `json:"name"`
}

// StageMoved says a stage now stands at a position (1 is the first); the
// stages between its old and new place shift by one.
type StageMoved struct {
	StageID  string `json:"stage_id"`
	Position int    `json:"position"`
}

// TouchpointAdded says a channel of contact exists at a stage of the journey,
// owned by a crew when one is given.
type TouchpointAdded struct {
	TouchpointID string `json:"touchpoint_id"`
	StageID      string `json:"stage_id"`
	Name         string `json:"name"`
	Channel      string `json:"channel"`
	OwnerCrewID  string `json:"owner_crew_id,omitempty"`
}

// TouchpointOwnerChanged says which crew owns a touchpoint from now on.
type TouchpointOwnerChanged struct {
	TouchpointID        string `json:"touchpoint_id"`
	OwnerCrewID         string `json:"owner_crew_id"`
	PreviousOwnerCrewID string `json:"previous_owner_crew_id,omitempty"`
}

// TouchpointRetired says a touchpoint is no longer in use; it takes no new
// feedback, and its history stays.
type TouchpointRetired struct {
	TouchpointID string `json:"touchpoint_id"`
	Reason       string `json:"reason,omitempty"`
}

func (JourneyMapped) EventName() string          { return EventJourneyMapped }
func (StageAdded) EventName() string             { return EventStageAdded }
func (StageRenamed) EventName() string           { return EventStageRenamed }
func (StageMoved) EventName() string             { return EventStageMoved }
func (TouchpointAdded) EventName() string        { return EventTouchpointAdded }
func (TouchpointOwnerChanged) EventName() string { return EventTouchpointOwnerChanged }
func (TouchpointRetired) EventName() string      { return EventTouchpointRetired }

// Journey is the current state of one journey map.
type Journey struct {
	ID      string
	Name    string
	Segment string
	// Stages are in the order the customer goes through them.
	Stages      []Stage
	Touchpoints map[string]*Touchpoint
}

// Stage is one stage of a journey.
type Stage struct {
	ID   string
	Name string
}

// Touchpoint is one channel of contact at a stage.
type Touchpoint struct {
	ID          string
	JourneyID   string
	StageID     string
	Name        string
	Channel     string
	OwnerCrewID string
	Retired     bool
}

func (j *Journey) apply(ev Payload) {
	switch e := ev.(type) {
	case JourneyMapped:
		j.Name, j.Segment = e.Name, e.Segment
	case StageAdded:
		at := min(max(e.Position, 1), len(j.Stages)+1) - 1
		j.Stages = slices.Insert(j.Stages, at, Stage{ID: e.StageID, Name: e.Name})
	case StageRenamed:
		if i := j.stageIndex(e.StageID); i >= 0 {
			j.Stages[i].Name = e.Name
		}
	case StageMoved:
		if i := j.stageIndex(e.StageID); i >= 0 {
			st := j.Stages[i]
			j.Stages = slices.Delete(j.Stages, i, i+1)
			at := min(max(e.Position, 1), len(j.Stages)+1) - 1
			j.Stages = slices.Insert(j.Stages, at, st)
		}
	case TouchpointAdded:
		j.Touchpoints[e.TouchpointID] = &Touchpoint{
			ID: e.TouchpointID, JourneyID: j.ID, StageID: e.StageID,
			Name: e.Name, Channel: e.Channel, OwnerCrewID: e.OwnerCrewID,
		}
	case TouchpointOwnerChanged:
		if tp := j.Touchpoints[e.TouchpointID]; tp != nil {
			tp.OwnerCrewID = e.OwnerCrewID
		}
	case TouchpointRetired:
		if tp := j.Touchpoints[e.TouchpointID]; tp != nil {
			tp.Retired = true
		}
	}
}

// stageIndex is the place of a stage in the journey, -1 if it is not there.
func (j *Journey) stageIndex(id string) int {
	return slices.IndexFunc(j.Stages, func(s Stage) bool { return s.ID == id })
}

func (j *Journey) agg() Aggregate { return Aggregate{KindJourney, j.ID} }

// applyJourney applies a journey's event and keeps the indexes from stage and
// touchpoint ids to their journey, which other aggregates' rules look up.
func (s *State) applyJourney(id string, ev Payload) {
	created(s.journeys, id, func() *Journey { return &Journey{ID: id, Touchpoints: map[string]*Touchpoint{}} }).apply(ev)
	switch e := ev.(type) {
	case StageAdded:
		s.stages[e.StageID] = id
	case TouchpointAdded:
		s.touchpoints[e.TouchpointID] = id
	}
}

// Journey is the journey with id, and false if there is none.
func (s *State) Journey(id string) (*Journey, bool) {
	j, ok := s.journeys[id]
	return j, ok
}

// Touchpoint is the touchpoint with id, in whichever journey, and false if
// there is none.
func (s *State) Touchpoint(id string) (*Touchpoint, bool) {
	j, ok := s.journeys[s.touchpoints[id]]
	if !ok {
		return nil, false
	}
	tp, ok := j.Touchpoints[id]
	return tp, ok
}

// liveTouchpoint finds a touchpoint that is not retired.
func (s *State) liveTouchpoint(id string) (*Touchpoint, error) {
	tp, ok := s.Touchpoint(id)
	if !ok {
		return nil, notFound("touchpoint", id)
	}
	if tp.Retired {
		return nil, ruleForbids("touchpoint %s is retired", tp.Name)
	}
	return tp, nil
}

// journey finds a journey by id, checking the id first.
func (s *State) journey(id string) (*Journey, error) {
	var v checks
	v.id("journey_id", id)
	if err := v.err(); err != nil {
		return nil, err
	}
	j, ok := s.journeys[id]
	if !ok {
		return nil, notFound("journey", id)
	}
	return j, nil
}

// MapJourney starts a journey map.
type MapJourney struct {
	JourneyID string
	Name      string
	Segment   string
}

// Decide maps a journey once.
func (c MapJourney) Decide(s *State) (Decision, error) {
	var v checks
	v.id("journey_id", c.JourneyID)
	v.name("name", c.Name)
	if c.Segment != "" {
		v.name("segment", c.Segment)
	}
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	if _, ok := s.journeys[c.JourneyID]; ok {
		return Decision{}, ruleForbids("journey %q already exists", c.JourneyID)
	}
	return decide(Aggregate{KindJourney, c.JourneyID}, JourneyMapped{JourneyID: c.JourneyID, Name: c.Name, Segment: c.Segment})
}

// AddStage adds a stage to a journey at a position (1 is the first); 0 adds
// it after the last.
type AddStage struct {
	JourneyID string
	StageID   string
	Name      string
	Position  int
}

// Decide adds a stage with a new id and a name no other stage of the journey
// has, since a map with two stages of one name cannot be read.
func (c AddStage) Decide(s *State) (Decision, error) {
	var v checks
	v.id("stage_id", c.StageID)
	v.name("name", c.Name)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	j, err := s.journey(c.JourneyID)
	if err != nil {
		return Decision{}, err
	}
	pos := c.Position
	if pos == 0 {
		pos = len(j.Stages) + 1
	}
	if pos < 1 || pos > len(j.Stages)+1 {
		return Decision{}, invalidField("position", positionText(len(j.Stages)+1))
	}
	if _, ok := s.stages[c.StageID]; ok {
		return Decision{}, ruleForbids("stage %q already exists", c.StageID)
	}
	if err := j.nameFree(c.Name, ""); err != nil {
		return Decision{}, err
	}
	return decide(j.agg(), StageAdded{StageID: c.StageID, Name: c.Name, Position: pos})
}

// nameFree checks that no stage but except is called name.
func (j *Journey) nameFree(name, except string) error {
	for _, st := range j.Stages {
		if st.ID != except && strings.EqualFold(st.Name, name) {
			return ruleForbids("journey %s already has a stage called %s", j.Name, st.Name)
		}
	}
	return nil
}

func positionText(last int) string {
	if last == 1 {
		return "must be 1"
	}
	return "must be from 1 to " + strconv.Itoa(last)
}

// journeyStage finds a journey and the place of one of its stages.
func (s *State) journeyStage(journeyID, stageID string) (*Journey, int, error) {
	j, err := s.journey(journeyID)
	if err != nil {
		return nil, -1, err
	}
	var v checks
	v.id("stage_id", stageID)
	if err := v.err(); err != nil {
		return nil, -1, err
	}
	i := j.stageIndex(stageID)
	if i < 0 {
		return nil, -1, notFound("stage of journey "+j.Name, stageID)
	}
	return j, i, nil
}

// RenameStage gives a stage a new name.
type RenameStage struct {
	JourneyID string
	StageID   string
	Name      string
}

// Decide renames a stage to a name no other stage of the journey has.
func (c RenameStage) Decide(s *State) (Decision, error) {
	var v checks
	v.name("name", c.Name)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	j, i, err := s.journeyStage(c.JourneyID, c.StageID)
	if err != nil {
		return Decision{}, err
	}
	if j.Stages[i].Name == c.Name {
		return decide(j.agg())
	}
	if err := j.nameFree(c.Name, c.StageID); err != nil {
		return Decision{}, err
	}
	return decide(j.agg(), StageRenamed{StageID: c.StageID, Name: c.Name})
}

// MoveStage moves a stage to a position (1 is the first).
type MoveStage struct {
	JourneyID string
	StageID   string
	Position  int
}

// Decide moves a stage within the journey's stages.
func (c MoveStage) Decide(s *State) (Decision, error) {
	j, i, err := s.journeyStage(c.JourneyID, c.StageID)
	if err != nil {
		return Decision{}, err
	}
	if c.Position < 1 || c.Position > len(j.Stages) {
		return Decision{}, invalidField("position", positionText(len(j.Stages)))
	}
	if c.Position == i+1 {
		return decide(j.agg())
	}
	return decide(j.agg(), StageMoved{StageID: c.StageID, Position: c.Position})
}

// AddTouchpoint adds a touchpoint at a stage of a journey.
type AddTouchpoint struct {
	JourneyID    string
	TouchpointID string
	StageID      string
	Name         string
	Channel      string
	OwnerCrewID  string
}

// Decide adds a touchpoint only at a stage of its own journey, owned (if at
// all) by a crew that exists and is not disbanded.
func (c AddTouchpoint) Decide(s *State) (Decision, error) {
	var v checks
	v.id("touchpoint_id", c.TouchpointID)
	v.id("stage_id", c.StageID)
	v.name("name", c.Name)
	v.name("channel", c.Channel)
	v.optionalID("owner_crew_id", c.OwnerCrewID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	j, err := s.journey(c.JourneyID)
	if err != nil {
		return Decision{}, err
	}
	if j.stageIndex(c.StageID) < 0 {
		if other, ok := s.journeys[s.stages[c.StageID]]; ok {
			return Decision{}, ruleForbids("stage %q belongs to journey %s; a touchpoint belongs to a stage of its own journey", c.StageID, other.Name)
		}
		return Decision{}, notFound("stage", c.StageID)
	}
	if _, ok := s.touchpoints[c.TouchpointID]; ok {
		return Decision{}, ruleForbids("touchpoint %q already exists", c.TouchpointID)
	}
	if c.OwnerCrewID != "" {
		if _, err := s.activeCrew(c.OwnerCrewID); err != nil {
			return Decision{}, err
		}
	}
	return decide(j.agg(), TouchpointAdded{
		TouchpointID: c.TouchpointID, StageID: c.StageID, Name: c.Name, Channel: c.Channel, OwnerCrewID: c.OwnerCrewID,
	})
}

// journeyTouchpoint finds a journey and one of its touchpoints that is not
// retired.
func (s *State) journeyTouchpoint(journeyID, touchpointID string) (*Journey, *Touchpoint, error) {
	j, err := s.journey(journeyID)
	if err != nil {
		return nil, nil, err
	}
	var v checks
	v.id("touchpoint_id", touchpointID)
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	tp, ok := j.Touchpoints[touchpointID]
	if !ok {
		return nil, nil, notFound("touchpoint of journey "+j.Name, touchpointID)
	}
	if tp.Retired {
		return nil, nil, ruleForbids("touchpoint %s is retired", tp.Name)
	}
	return j, tp, nil
}

// ChangeTouchpointOwner hands a touchpoint to another crew.
type ChangeTouchpointOwner struct {
	JourneyID    string
	TouchpointID string
	OwnerCrewID  string
}

// Decide hands a touchpoint in use to a crew that is not disbanded.
func (c ChangeTouchpointOwner) Decide(s *State) (Decision, error) {
	var v checks
	v.id("owner_crew_id", c.OwnerCrewID)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	j, tp, err := s.journeyTouchpoint(c.JourneyID, c.TouchpointID)
	if err != nil {
		return Decision{}, err
	}
	if _, err := s.activeCrew(c.OwnerCrewID); err != nil {
		return Decision{}, err
	}
	if tp.OwnerCrewID == c.OwnerCrewID {
		return decide(j.agg())
	}
	return decide(j.agg(), TouchpointOwnerChanged{TouchpointID: tp.ID, OwnerCrewID: c.OwnerCrewID, PreviousOwnerCrewID: tp.OwnerCrewID})
}

// RetireTouchpoint takes a touchpoint out of use.
type RetireTouchpoint struct {
	JourneyID    string
	TouchpointID string
	Reason       string
}

// Decide retires a touchpoint once.
func (c RetireTouchpoint) Decide(s *State) (Decision, error) {
	var v checks
	v.optionalText("reason", c.Reason)
	if err := v.err(); err != nil {
		return Decision{}, err
	}
	j, tp, err := s.journeyTouchpoint(c.JourneyID, c.TouchpointID)
	if err != nil {
		return Decision{}, err
	}
	return decide(j.agg(), TouchpointRetired{TouchpointID: tp.ID, Reason: c.Reason})
}
