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

// newID is the id a creating request gives its entity: a fresh one, or,
// for a keyed request, one derived from its key (idempotency.go), so that
// every copy of the request creates the same entity, and a retry is
// answered with it. A key the log holds from before ids were derived
// answers the entity its request created.
func (s *Server) newID(c echo.Context) string {
	k := keyedOf(c)
	if k == nil {
		return events.NewID()
	}
	if k.done != nil && k.ids == 0 && k.done.RequestHash == "" {
		k.ids++
		return k.done.Aggregate.ID
	}
	k.ids++
	return k.derivedID("entity", k.ids)
}
