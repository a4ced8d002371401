package api

import (
	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

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
