package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// Eraser erases a data subject's personal data where it lives outside the
// read models (events/personal.go): the key that seals it in the log, and
// the copies of its plaintext the tracker kept beside the log.
type Eraser interface {
	// EraseKey erases the subject's key from disk, so that its fields in
	// the log read as erased from then on. Erasing it again does nothing.
	EraseKey(ctx context.Context, subject string) error
	// Scrub removes, once the erasure's event is applied, every copy
	// kept beside the log that may hold the plaintext of the entity with
	// id: kept answers that name it, and checkpoints taken before.
	Scrub(ctx context.Context, id string) error
}

// ErasureRequest erases a data subject's personal data. Reason is stored
// in the clear in the log: a request's reference, never personal data.
type ErasureRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) erasureRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/v1/people/{id}/erasure", Allow: Rule{Roles: admin},
			Summary: "erase a person's name and e-mail on their request (reason required, no personal data in it): their key is erased from disk, and every event, view and copy reads them as erased",
			Request: ErasureRequest{}, Response: projections.PersonView{}, Handler: s.erasePerson},
	}
}

// erasePerson erases the person's key before the event is written, so
// that once the event is read nothing can open their fields; a retry after
// a failure between the two erases nothing more and writes the event.
func (s *Server) erasePerson(c echo.Context) error {
	var req ErasureRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	id := c.Param("id")
	cmd := events.ErasePerson{PersonID: id, Reason: req.Reason}
	if err := cmd.Check(); err != nil {
		return err
	}
	if _, ok := s.Views.People.Get(id); !ok {
		return notFound("person", id)
	}
	if s.Eraser == nil {
		return &Problem{Status: http.StatusServiceUnavailable, Title: "Service Unavailable", Detail: "this tracker keeps no keys of personal data, so it cannot erase any"}
	}
	ctx := c.Request().Context()
	if err := s.Eraser.EraseKey(ctx, events.PersonSubject(id)); err != nil {
		return err
	}
	view := foundView("person", id, s.Views.People.Get)
	return s.write(c, Write{
		Aggregate: personAggregate(id),
		Command:   cmd,
		View: func() (any, error) {
			s.past.Forget()
			if err := s.Eraser.Scrub(ctx, id); err != nil {
				return nil, err
			}
			return view()
		},
	})
}
