package api

import (
	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// viewOf renders what get finds for id after a write, or a 404 naming what
// was not found.
func viewOf[T any](what, id string, get func(string) (T, bool)) func() (any, error) {
	return func() (any, error) {
		v, found := get(id)
		if !found {
			return nil, notFound(what, id)
		}
		return v, nil
	}
}

// readOne is the handler of GET .../{id}: what get finds, or a 404.
func readOne[T any](what string, get func(string) (T, bool)) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, err := viewOf(what, c.Param("id"), get)()
		if err != nil {
			return err
		}
		return ok(c, v)
	}
}

// newID is the id a creating request gives its entity: a fresh one, or, for
// a retry of a request already written (the same Idempotency-Key from the
// same token), the id the first one created, so that the retry is answered
// with that entity rather than a 404 about an id never written.
func (s *Server) newID(c echo.Context) string {
	if key := c.Request().Header.Get(HeaderIdempotencyKey); key != "" {
		if done, found := s.Views.Idempotency.Lookup(callerOf(c).TokenID, key); found {
			return done.Aggregate.ID
		}
	}
	return events.NewID()
}
