package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// AsOfQuery documents time travel on an entity's read.
type AsOfQuery struct {
	AsOf string `query:"as_of" doc:"the entity as it stood at this RFC 3339 time, or at this stream sequence, built from its own events"`
}

// asOf says how to build one kind of entity from its own events: a fresh
// model of its kind, and the read of one entity from it.
type asOf struct {
	kind  string
	fresh func() (projections.Model, func(id string) (any, bool))
}

// getter adapts a model's typed Get.
func getter[T any](get func(string) (T, bool)) func(string) (any, bool) {
	return func(id string) (any, bool) { return get(id) }
}

// travels is the AsOf of a route that reads one entity of kind from the
// model fresh makes, by the model's get.
func travels[M projections.Model, T any](kind string, fresh func() M, get func(M, string) (T, bool)) *asOf {
	return &asOf{kind, func() (projections.Model, func(string) (any, bool)) {
		m := fresh()
		return m, getter(func(id string) (T, bool) { return get(m, id) })
	}}
}

// timeTravel answers the entity as it stood at as_of, by reading only its
// own events (a subject-filtered read, not a replay of the whole log) into a
// fresh model; without as_of the route answers as usual.
func (s *Server) timeTravel(a asOf) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			at := c.QueryParam("as_of")
			if at == "" {
				return next(c)
			}
			until, err := parseAsOf(at)
			if err != nil {
				return err
			}
			id := c.Param("id")
			agg := events.Aggregate{Kind: a.kind, ID: id}
			if agg.Validate() != nil {
				return notFound(a.kind, id)
			}
			model, get := a.fresh()
			// Where the aggregate stood: each of its records is one version.
			var stood events.Stream
			counted := projections.Options{Progress: func(st projections.Step) error {
				stood.Seq, stood.Version = st.Digest.Seq, stood.Version+1
				return nil
			}}
			if r, some := until.rangeOf(agg.Filter()); some {
				if _, err := projections.Replay(c.Request().Context(), s.Store, r, []projections.Model{model}, counted); err != nil {
					return err
				}
			}
			v, found := get(id)
			if !found {
				return &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: fmt.Sprintf("%s %q did not exist at %s", a.kind, id, at)}
			}
			if notModified(c, stood) {
				return c.NoContent(http.StatusNotModified)
			}
			return ok(c, v)
		}
	}
}

// point is a moment of the log: a stream sequence or a time.
type point struct {
	seq uint64
	t   time.Time
}

func parseAsOf(v string) (point, error) {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return point{seq: n}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return point{}, invalid(FieldError{Field: "as_of", Message: "must be an RFC 3339 time or a stream sequence"})
	}
	return point{t: t}, nil
}

// rangeOf is the range of the log on filter up to the point, and whether
// it can hold a record at all: sequence 0 is before the log's first.
func (p point) rangeOf(filter string) (projections.Range, bool) {
	if p.t.IsZero() {
		return projections.Range{Subject: filter, UntilSeq: p.seq}, p.seq > 0
	}
	return projections.Range{Subject: filter, Until: p.t}, true
}
