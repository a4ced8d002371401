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
		{Method: http.MethodPost, Path: "/v1/accounts/{id}/erasure", Allow: Rule{Roles: admin},
			Summary: "erase an account's contact and the comments of its feedback on request (reason required, no personal data in it): its key is erased from disk, and every event, view and copy reads them as erased",
			Request: ErasureRequest{}, Response: projections.AccountView{}, Handler: s.eraseAccount},
	}
}

// checked is an erasure's command, which checks its input before the key
// is erased.
type checked interface {
	events.Command
	Check() error
}

func (s *Server) erasePerson(c echo.Context) error {
	id := c.Param("id")
	return erase(s, c, "person", id, events.PersonSubject(id), personAggregate(id),
		func(reason string) checked { return events.ErasePerson{PersonID: id, Reason: reason} }, s.Views.People.Get)
}

func (s *Server) eraseAccount(c echo.Context) error {
	id := c.Param("id")
	return erase(s, c, "account", id, events.AccountSubject(id), events.Aggregate{Kind: events.KindAccount, ID: id},
		func(reason string) checked { return events.EraseAccount{AccountID: id, Reason: reason} }, s.Views.Accounts.Get)
}

// erase erases the key of subject, the data subject of the entity what id,
// before the event is written, so that once the event is read nothing can
// open its fields; a retry after a failure between the two erases nothing
// more and writes the event. Every replica's projector, applying the
// event, drops what it keeps beside its models (Projector.OnErasure, the
// item store's comments); the copies kept in the stream's buckets, which
// every replica shares, are scrubbed here once.
func erase[T any](s *Server, c echo.Context, what, id, subject string, agg events.Aggregate, command func(reason string) checked, get func(string) (T, bool)) error {
	var req ErasureRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	cmd := command(req.Reason)
	if err := cmd.Check(); err != nil {
		return err
	}
	if _, ok := get(id); !ok {
		return notFound(what, id)
	}
	if s.Eraser == nil {
		return &Problem{Status: http.StatusServiceUnavailable, Title: "Service Unavailable", Detail: "this tracker keeps no keys of personal data, so it cannot erase any"}
	}
	ctx := c.Request().Context()
	if err := s.Eraser.EraseKey(ctx, subject); err != nil {
		return err
	}
	view := foundView(what, id, get)
	return s.write(c, Write{
		Aggregate: agg,
		Command:   cmd,
		View: func() (any, error) {
			if err := s.Eraser.Scrub(ctx, id); err != nil {
				return nil, err
			}
			return view()
		},
	})
}
