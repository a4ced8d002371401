package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// AppointRequest names the person to appoint.
type AppointRequest struct {
	PersonID string `json:"person_id"`
}

// AmbassadorRequest assigns an ambassador to a department (the person's own
// when absent).
type AmbassadorRequest struct {
	PersonID   string `json:"person_id"`
	Department string `json:"department,omitempty"`
}

// ExpertRequest names a business-unit expert for a unit.
type ExpertRequest struct {
	PersonID string `json:"person_id"`
	Unit     string `json:"unit"`
}

func (s *Server) programRoutes() []Route {
	roles := projections.ProgramRoles{}
	return []Route{
		{Method: http.MethodPut, Path: "/v1/program/sponsor", Allow: Rule{Roles: admin}, Summary: "appoint the CX sponsor, replacing the current one; answers the program's appointments",
			Request: AppointRequest{}, Response: roles, Handler: s.appointSponsor},
		{Method: http.MethodPut, Path: "/v1/program/cx-manager", Allow: Rule{Roles: admin}, Summary: "appoint the CX manager, replacing the current one; answers the program's appointments",
			Request: AppointRequest{}, Response: roles, Handler: s.appointManager},
		{Method: http.MethodPost, Path: "/v1/program/ambassadors", Allow: Rule{Roles: cxTeam}, Summary: "assign a CX ambassador to a department (their own when absent); assigning again moves them",
			Request: AmbassadorRequest{}, Response: roles, Handler: s.assignAmbassador},
		{Method: http.MethodDelete, Path: "/v1/program/ambassadors/{person_id}", Allow: Rule{Roles: cxTeam}, Summary: "release an ambassador",
			Response: roles, Handler: s.releaseAmbassador},
		{Method: http.MethodPost, Path: "/v1/program/experts", Allow: Rule{Roles: cxTeam}, Summary: "name a business-unit expert for a unit; naming again moves them",
			Request: ExpertRequest{}, Response: roles, Handler: s.nameExpert},
		{Method: http.MethodDelete, Path: "/v1/program/experts/{person_id}", Allow: Rule{Roles: cxTeam}, Summary: "release a business-unit expert",
			Response: roles, Handler: s.releaseExpert},
	}
}

func (s *Server) appointSponsor(c echo.Context) error {
	var req AppointRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.writeProgram(c, events.AppointSponsor{PersonID: req.PersonID})
}

func (s *Server) appointManager(c echo.Context) error {
	var req AppointRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.writeProgram(c, events.AppointCXManager{PersonID: req.PersonID})
}

func (s *Server) assignAmbassador(c echo.Context) error {
	var req AmbassadorRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.writeProgram(c, events.AssignAmbassador{PersonID: req.PersonID, Department: req.Department})
}

func (s *Server) releaseAmbassador(c echo.Context) error {
	return s.writeProgram(c, events.ReleaseAmbassador{PersonID: c.Param("person_id")})
}

func (s *Server) nameExpert(c echo.Context) error {
	var req ExpertRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return s.writeProgram(c, events.NameExpert{PersonID: req.PersonID, Unit: req.Unit})
}

func (s *Server) releaseExpert(c echo.Context) error {
	return s.writeProgram(c, events.ReleaseExpert{PersonID: c.Param("person_id")})
}

// writeProgram runs a command on the program's appointments and answers
// them as they stand after it.
func (s *Server) writeProgram(c echo.Context, cmd events.Command) error {
	return s.write(c, Write{
		Aggregate: events.ProgramAggregate,
		Command:   cmd,
		View:      func() (any, error) { return s.Views.People.Roles(), nil },
	})
}
