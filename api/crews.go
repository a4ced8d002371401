package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// FormCrewRequest forms a crew; function is the CX team function it serves,
// where it has one.
type FormCrewRequest struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Purpose  string `json:"purpose"`
	Function string `json:"function,omitempty"`
}

// ChangeCrewRequest gives a crew a new purpose.
type ChangeCrewRequest struct {
	Purpose string `json:"purpose"`
}

// JoinCrewRequest makes a person a crew's lead or member.
type JoinCrewRequest struct {
	PersonID string `json:"person_id"`
	Role     string `json:"role"`
}

// DisbandRequest disbands a crew, for a reason.
type DisbandRequest struct {
	Reason string `json:"reason"`
}

// CrewQuery filters the crews.
type CrewQuery struct {
	Type string `query:"type" doc:"governance, value_stream, facilitation, capability, platform, experience or partnership"`
	PageQuery
}

func (s *Server) crewRoutes() []Route {
	crew := projections.CrewView{}
	return []Route{
		{Method: http.MethodPost, Path: "/v1/crews", Allow: Rule{Roles: cxTeam}, Summary: "form a crew (name, type, purpose, optional CX function)",
			Request: FormCrewRequest{}, Response: crew, Status: http.StatusCreated, Handler: s.formCrew},
		{Method: http.MethodPatch, Path: "/v1/crews/{id}", Allow: Rule{Roles: cxTeam, LeadOf: "id"}, Summary: "change a crew's purpose",
			Request: ChangeCrewRequest{}, Response: crew, Handler: s.changeCrew},
		{Method: http.MethodPost, Path: "/v1/crews/{id}/members", Allow: Rule{Roles: cxTeam, LeadOf: "id"}, Summary: "a person joins a crew as lead or member; changing role is leaving and joining again",
			Request: JoinCrewRequest{}, Response: crew, Handler: s.joinCrew},
		{Method: http.MethodDelete, Path: "/v1/crews/{id}/members/{person_id}", Allow: Rule{Roles: cxTeam, LeadOf: "id"}, Summary: "a person leaves a crew",
			Response: crew, Handler: s.leaveCrew},
		{Method: http.MethodPost, Path: "/v1/crews/{id}/disbandment", Allow: Rule{Roles: managers}, Summary: "disband a crew (reason); its members leave, its touchpoints stay as a gap to reassign",
			Request: DisbandRequest{}, Response: crew, Handler: s.disbandCrew},
		{Method: http.MethodGet, Path: "/v1/crews", Summary: "crews with their members and owned touchpoints, disbanded ones included, ordered by id",
			Query: CrewQuery{}, Response: Page[projections.CrewView]{}, Handler: s.listCrews},
		{Method: http.MethodGet, Path: "/v1/crews/{id}", AsOf: travels(events.KindCrew, projections.NewCrews, (*projections.Crews).Get), Summary: "a crew with its members and owned touchpoints",
			Response: crew, Handler: getByID("crew", s.Views.Crews.Get)},
	}
}

func (s *Server) formCrew(c echo.Context) error {
	var req FormCrewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.FormCrew{CrewID: id, Name: req.Name, Type: req.Type, Purpose: req.Purpose, Function: req.Function},
		Status:  http.StatusCreated,
		View:    foundView("crew", id, s.Views.Crews.Get),
	})
}

func (s *Server) changeCrew(c echo.Context) error {
	var req ChangeCrewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeCrew(c, id, events.ChangeCrewPurpose{CrewID: id, Purpose: req.Purpose})
}

func (s *Server) joinCrew(c echo.Context) error {
	var req JoinCrewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeCrew(c, id, events.JoinCrew{CrewID: id, PersonID: req.PersonID, Role: req.Role})
}

func (s *Server) leaveCrew(c echo.Context) error {
	id := c.Param("id")
	return s.writeCrew(c, id, events.LeaveCrew{CrewID: id, PersonID: c.Param("person_id")})
}

func (s *Server) disbandCrew(c echo.Context) error {
	var req DisbandRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.writeCrew(c, id, events.DisbandCrew{CrewID: id, Reason: req.Reason})
}

func (s *Server) writeCrew(c echo.Context, id string, cmd events.Command) error {
	return s.write(c, Write{Aggregate: events.Aggregate{Kind: events.KindCrew, ID: id}, Command: cmd, View: foundView("crew", id, s.Views.Crews.Get)})
}

func (s *Server) listCrews(c echo.Context) error {
	typ, errs := queryEnum(c, "type", events.CrewTypes, nil)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	page, err := paginate(c, s.Views.Crews.List(typ), func(v projections.CrewView) string { return v.ID })
	if err != nil {
		return err
	}
	return ok(c, page)
}
