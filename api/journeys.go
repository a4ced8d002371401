package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// MapJourneyRequest maps a journey for a persona or segment.
type MapJourneyRequest struct {
	Name    string `json:"name"`
	Segment string `json:"segment,omitempty"`
}

// AddStageRequest adds a stage at a position (1 is the first); without a
// position the stage goes after the last.
type AddStageRequest struct {
	Name     string `json:"name"`
	Position int    `json:"position,omitempty"`
}

// ChangeStageRequest renames a stage, moves it, or both at once.
type ChangeStageRequest struct {
	Name     *string `json:"name,omitempty"`
	Position *int    `json:"position,omitempty"`
}

// AddTouchpointRequest adds a touchpoint at a stage of the journey, owned by
// a crew: a touchpoint nobody owns is a gap the program would have to chase.
type AddTouchpointRequest struct {
	StageID     string `json:"stage_id"`
	Name        string `json:"name"`
	Channel     string `json:"channel"`
	OwnerCrewID string `json:"owner_crew_id"`
}

// ChangeTouchpointRequest hands a touchpoint to another crew.
type ChangeTouchpointRequest struct {
	OwnerCrewID string `json:"owner_crew_id"`
}

// RetireTouchpointRequest says, optionally, why a touchpoint is retired.
type RetireTouchpointRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (s *Server) journeyRoutes() []Route {
	page := Page[projections.JourneyView]{}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/journeys", Allow: Rule{Roles: cxTeam}, Summary: "map a journey (name, segment)",
			Request: MapJourneyRequest{}, Response: projections.JourneyView{}, Status: http.StatusCreated, Handler: s.mapJourney},
		{Method: http.MethodGet, Path: "/v1/journeys", Summary: "the journey maps with their figures, by id",
			Query: PageQuery{}, Response: page, Handler: listByID(s.Views.Journeys.List, func(j projections.JourneyView) string { return j.ID })},
		{Method: http.MethodGet, Path: "/v1/journeys/{id}", AsOf: withViews(travels(events.KindJourney, projections.NewJourneys, (*projections.Journeys).Get)), Summary: "the map: ordered stages, touchpoints, and per touchpoint and stage count, NPS, CSAT, CES and open follow-ups, and those overdue now (with as_of, its figures as they stood, overdue left out); with from and to, each one's own figures for that period beside the previous period's, with 95% margins of error",
			Query: JourneyQuery{}, Response: projections.JourneyView{}, Handler: s.getJourney},
		{Method: http.MethodPost, Path: "/v1/journeys/{id}/stages", Allow: Rule{Roles: cxTeam}, Summary: "add a stage; answers the stage, with the journey's version as ETag",
			Request: AddStageRequest{}, Response: projections.StageView{}, Status: http.StatusCreated, Handler: s.addStage},
		{Method: http.MethodPatch, Path: "/v1/journeys/{id}/stages/{stage_id}", Allow: Rule{Roles: cxTeam}, Summary: "rename or move a stage, or both at once",
			Request: ChangeStageRequest{}, Response: projections.StageView{}, Handler: s.changeStage},
		{Method: http.MethodPost, Path: "/v1/journeys/{id}/touchpoints", Allow: Rule{Roles: cxTeam}, Summary: "add a touchpoint (stage, channel, owner crew); answers the touchpoint",
			Request: AddTouchpointRequest{}, Response: projections.TouchpointView{}, Status: http.StatusCreated, Handler: s.addTouchpoint},
		{Method: http.MethodPatch, Path: "/v1/journeys/{id}/touchpoints/{tp_id}", Allow: Rule{Roles: cxTeam}, Summary: "change a touchpoint's owner crew",
			Request: ChangeTouchpointRequest{}, Response: projections.TouchpointView{}, Handler: s.changeTouchpoint},
		{Method: http.MethodDelete, Path: "/v1/journeys/{id}/touchpoints/{tp_id}", Allow: Rule{Roles: cxTeam}, Summary: "retire a touchpoint (optional body: reason); its history stays",
			BodyOptional: true, Request: RetireTouchpointRequest{}, Response: projections.TouchpointView{}, Handler: s.retireTouchpoint},
	}
}

// stageView renders a stage of a journey after a write.
func (s *Server) stageView(journeyID, stageID string) func() (any, error) {
	return foundView("stage", stageID, func(id string) (projections.StageView, bool) { return s.Views.Journeys.Stage(journeyID, id) })
}

func journeyAggregate(id string) events.Aggregate {
	return events.Aggregate{Kind: events.KindJourney, ID: id}
}

func (s *Server) mapJourney(c echo.Context) error {
	var req MapJourneyRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.MapJourney{JourneyID: id, Name: req.Name, Segment: req.Segment},
		Status:  http.StatusCreated, View: foundView("journey", id, s.Views.Journeys.Get),
	})
}

func (s *Server) addStage(c echo.Context) error {
	var req AddStageRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	journeyID, stageID := c.Param("id"), s.newID(c)
	return s.write(c, Write{
		Aggregate: journeyAggregate(journeyID),
		Command:   events.AddStage{JourneyID: journeyID, StageID: stageID, Name: req.Name, Position: req.Position},
		Status:    http.StatusCreated, View: s.stageView(journeyID, stageID),
	})
}

func (s *Server) changeStage(c echo.Context) error {
	var req ChangeStageRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Name == nil && req.Position == nil {
		return invalid(FieldError{Field: "name", Message: "give a name, a position, or both"})
	}
	journeyID, stageID := c.Param("id"), c.Param("stage_id")
	var change stageChange
	if req.Name != nil {
		change = append(change, events.RenameStage{JourneyID: journeyID, StageID: stageID, Name: *req.Name})
	}
	if req.Position != nil {
		change = append(change, events.MoveStage{JourneyID: journeyID, StageID: stageID, Position: *req.Position})
	}
	return s.write(c, Write{Aggregate: journeyAggregate(journeyID), Command: change, View: s.stageView(journeyID, stageID)})
}

// stageChange renames and moves a stage in one decision and one append, so
// that a PATCH with both does both or neither. Renaming and moving touch
// different parts of the stage, so deciding each against the same state is
// what deciding them one after the other would give.
type stageChange []events.Command

func (c stageChange) Decide(s *events.State) (events.Decision, error) {
	var d events.Decision
	for _, cmd := range c {
		one, err := cmd.Decide(s)
		if err != nil {
			return events.Decision{}, err
		}
		d.Aggregate = one.Aggregate
		d.Events = append(d.Events, one.Events...)
	}
	return d, nil
}

func (s *Server) addTouchpoint(c echo.Context) error {
	var req AddTouchpointRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.OwnerCrewID == "" {
		return invalid(FieldError{Field: "owner_crew_id", Message: "is required: every touchpoint is owned by a crew"})
	}
	journeyID, tpID := c.Param("id"), s.newID(c)
	return s.write(c, Write{
		Aggregate: journeyAggregate(journeyID),
		Command: events.AddTouchpoint{JourneyID: journeyID, TouchpointID: tpID, StageID: req.StageID,
			Name: req.Name, Channel: req.Channel, OwnerCrewID: req.OwnerCrewID},
		Status: http.StatusCreated, View: foundView("touchpoint", tpID, s.Views.Journeys.Touchpoint),
	})
}

func (s *Server) changeTouchpoint(c echo.Context) error {
	var req ChangeTouchpointRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	journeyID, tpID := c.Param("id"), c.Param("tp_id")
	return s.write(c, Write{
		Aggregate: journeyAggregate(journeyID),
		Command:   events.ChangeTouchpointOwner{JourneyID: journeyID, TouchpointID: tpID, OwnerCrewID: req.OwnerCrewID},
		View:      foundView("touchpoint", tpID, s.Views.Journeys.Touchpoint),
	})
}

func (s *Server) retireTouchpoint(c echo.Context) error {
	var req RetireTouchpointRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	journeyID, tpID := c.Param("id"), c.Param("tp_id")
	return s.write(c, Write{
		Aggregate: journeyAggregate(journeyID),
		Command:   events.RetireTouchpoint{JourneyID: journeyID, TouchpointID: tpID, Reason: req.Reason},
		View:      foundView("touchpoint", tpID, s.Views.Journeys.Touchpoint),
	})
}
