package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// RegisterPersonRequest registers a person.
type RegisterPersonRequest struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	Department string `json:"department"`
}

// ChangePersonRequest changes some of a person's details; an absent field
// stays as it is.
type ChangePersonRequest struct {
	Name       *string `json:"name,omitempty"`
	Email      *string `json:"email,omitempty"`
	Department *string `json:"department,omitempty"`
}

// DepartureRequest records that a person left; the body may be omitted.
type DepartureRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (s *Server) peopleRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/people", Allow: Rule{Roles: managers}, Summary: "register a person (name, email, department); an e-mail address names one person at most",
			Request: RegisterPersonRequest{}, Response: projections.PersonView{}, Status: http.StatusCreated, Handler: s.registerPerson},
		{Method: http.MethodPatch, Path: "/v1/people/{id}", Allow: Rule{Roles: managers, Self: "id"}, Summary: "change a person's details; absent fields stay as they are",
			Request: ChangePersonRequest{}, Response: projections.PersonView{}, Handler: s.changePerson},
		{Method: http.MethodPost, Path: "/v1/people/{id}/departure", Allow: Rule{Roles: managers}, Summary: "record that a person left (optional reason); they keep their history but take no new role",
			BodyOptional: true, Request: DepartureRequest{}, Response: projections.PersonView{}, Handler: s.recordDeparture},
		{Method: http.MethodGet, Path: "/v1/people", Summary: "people with every role they hold, ordered by id",
			Query: PageQuery{}, Response: Page[projections.PersonView]{}, Handler: s.listPeople},
		{Method: http.MethodGet, Path: "/v1/people/{id}", AsOf: travels(events.KindPerson, projections.NewPeople, (*projections.People).Get), Summary: "a person with every role they hold",
			Response: projections.PersonView{}, Handler: getByID("person", s.Views.People.Get)},
	}
}

func (s *Server) registerPerson(c echo.Context) error {
	var req RegisterPersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := s.newID(c)
	return s.write(c, Write{
		Command: events.RegisterPerson{PersonID: id, Name: req.Name, Email: req.Email, Department: req.Department},
		Status:  http.StatusCreated,
		View:    foundView("person", id, s.Views.People.Get),
	})
}

func (s *Server) changePerson(c echo.Context) error {
	var req ChangePersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: personAggregate(id),
		Command:   events.ChangePersonDetails{PersonID: id, Name: req.Name, Email: req.Email, Department: req.Department},
		View:      foundView("person", id, s.Views.People.Get),
	})
}

func (s *Server) recordDeparture(c echo.Context) error {
	var req DepartureRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	return s.write(c, Write{
		Aggregate: personAggregate(id),
		Command:   events.RecordDeparture{PersonID: id, Reason: req.Reason},
		View:      foundView("person", id, s.Views.People.Get),
	})
}

func (s *Server) listPeople(c echo.Context) error {
	page, err := paginate(c, s.Views.People.List(), func(p projections.PersonView) string { return p.ID })
	if err != nil {
		return err
	}
	return ok(c, page)
}

func personAggregate(id string) events.Aggregate {
	return events.Aggregate{Kind: events.KindPerson, ID: id}
}
