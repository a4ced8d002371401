package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

// Time travel on reads. as_of is business time (what had happened by
// then) or a stream sequence; known_at is recorded time (what the log had
// recorded by then). Every GET travels or answers 400 saying why not:
//   - an entity read whose route names an AsOf is built from the entity's
//     own events (a subject-filtered read, not a replay of the whole log);
//   - every other read (the program, the council, the lists, the journey
//     maps with their figures) is answered by its own handler from views
//     built from the whole log at the cut (projections.PastViews, which
//     keeps the views of a few cuts and carries them on as the log grows);
//   - the reads of the log itself, of the service, and the report (which
//     has its own from, to and known_at) do not travel: noTravel says why.

// asOf says how to build one kind of entity from its own events: a fresh
// model of its kind, and the read of one entity from it.
type asOf struct {
	kind  string
	fresh func() (projections.Model, func(id string) (any, bool))
	// views says the entity's view takes figures from other aggregates
	// (a journey's feedback), so that as it stood it is read from every
	// view at the cut, not from its own events alone.
	views bool
}

// getter adapts a model's typed Get.
func getter[T any](get func(string) (T, bool)) func(string) (any, bool) {
	return func(id string) (any, bool) { return get(id) }
}

// travels is the AsOf of a route that reads one entity of kind from the
// model fresh makes, by the model's get.
func travels[M projections.Model, T any](kind string, fresh func() M, get func(M, string) (T, bool)) *asOf {
	return &asOf{kind: kind, fresh: func() (projections.Model, func(string) (any, bool)) {
		m := fresh()
		return m, getter(func(id string) (T, bool) { return get(m, id) })
	}}
}

// withViews is a, read as it stood from every view at the cut (see
// asOf.views).
func withViews(a *asOf) *asOf {
	a.views = true
	return a
}

// pastViewsKept is how many cuts' views the server keeps built.
const pastViewsKept = 4

// noTravel says why a read does not travel in time, or "" when it does.
func noTravel(r Route) string {
	switch {
	case r.Public:
		return "the service's own state is of now"
	case strings.HasSuffix(r.Path, "/history"):
		return "a history lists every event of its entity with both times; read the entity itself with as_of"
	case r.Path == "/v1/events" || r.Path == "/v1/events/stream":
		return "the audit log is cut by after_seq, from and to"
	case strings.HasPrefix(r.Path, "/v1/audit/"):
		return "it is of the log as it stands; a council report prints the digest at its known_at"
	}
	return ""
}

// travelsOwn says whether the route reads as_of or known_at itself.
func travelsOwn(r Route) bool { return r.Path == "/v1/reports/council" }

// timeTravel answers a read at the cut its as_of and known_at ask for, as
// the package comment says; without either the route answers as usual.
func (s *Server) timeTravel(r Route) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// A read that does not travel, or travels on its own, does not
			// take as_of (nor known_at but its own): the document leaves
			// them out, so declaredQuery has refused them, saying why.
			asked := c.QueryParam("as_of") != "" || c.QueryParam("known_at") != ""
			if travelsOwn(r) || !asked {
				return next(c)
			}
			cut, err := s.cutOf(c)
			if err != nil {
				return err
			}
			if r.AsOf != nil {
				return s.entityAt(c, r, cut)
			}
			c.Response().Header().Set(HeaderEventSeq, strconv.FormatUint(cut.Seq, 10))
			return s.readAt(c, r, cut)
		}
	}
}

// cutOf is the request's cut: as_of (an RFC 3339 time, or a stream
// sequence) and known_at (an RFC 3339 time, default now), each refused
// with a 400 that says why.
func (s *Server) cutOf(c echo.Context) (projections.Cut, error) {
	last := s.Projector.LastSeq()
	var cut projections.Cut
	at, known := c.QueryParam("as_of"), c.QueryParam("known_at")
	if n, err := strconv.ParseUint(at, 10, 64); err == nil {
		if known != "" {
			return cut, badRequest("as_of is a stream sequence, which cuts the log by recorded time already: give known_at with an as_of time, or neither")
		}
		if n > last {
			return cut, badRequest("as_of %d is past the end of the log (sequence %d)", n, last)
		}
		return projections.Cut{Seq: n}, nil
	}
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return cut, badRequest("as_of must be an RFC 3339 time (business time, such as 2026-01-01T00:00:00Z) or a stream sequence, not %q", at)
		}
		cut.AsOf = t.UTC()
	}
	cut.Seq = last
	if known != "" {
		t, err := time.Parse(time.RFC3339, known)
		if err != nil {
			return cut, badRequest("known_at must be an RFC 3339 time (recorded time, such as 2026-01-01T00:00:00Z), not %q", known)
		}
		if cut.Seq, err = projections.SeqKnownAt(c.Request().Context(), s.Store, t, last); err != nil {
			return cut, err
		}
	}
	return cut, nil
}

// entityAt answers the entity as it stood at the cut, by reading only its
// own events into a fresh model, with the version and sequence it stood at
// (ETag, X-Event-Seq; If-None-Match answers 304 as on a read of now). An
// entity whose view takes figures from other aggregates (a journey's
// feedback) is answered from the views at the cut instead, once its own
// events say it existed then.
func (s *Server) entityAt(c echo.Context, r Route, cut projections.Cut) error {
	a := *r.AsOf
	id := c.Param("id")
	agg := events.Aggregate{Kind: a.kind, ID: id}
	if agg.Validate() != nil {
		return notFound(a.kind, id)
	}
	model, get := a.fresh()
	var stood standing
	if cut.Seq > 0 {
		rng := projections.Range{Subject: agg.Filter(), UntilSeq: cut.Seq}
		if _, err := projections.Replay(c.Request().Context(), s.Store, rng, projections.AsOf(cut.AsOf, []projections.Model{model, &stood}), projections.Options{}); err != nil {
			return err
		}
	}
	v, found := get(id)
	if !found {
		return &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: fmt.Sprintf("%s %q did not exist at %s", a.kind, id, cutText(c))}
	}
	if notModified(c, stood.Stream) {
		return c.NoContent(http.StatusNotModified)
	}
	if a.views {
		return s.readAt(c, r, cut)
	}
	return ok(c, v)
}

// standing counts the records of one aggregate it is given: where the
// aggregate stood after them (each record is one version).
type standing struct{ events.Stream }

func (*standing) Name() string { return "standing" }

func (st *standing) Apply(rec events.Record, _ events.Payload) error {
	st.Seq, st.Version = rec.Seq, st.Version+1
	return nil
}

// readAt answers the route's read from the views at the cut: its own
// handler, on a server whose views are those.
func (s *Server) readAt(c echo.Context, r Route, cut projections.Cut) error {
	v, release, err := s.past.At(c.Request().Context(), cut)
	if errors.Is(err, context.DeadlineExceeded) {
		// The build goes on (PastViews): a read at the cut once it is
		// built is answered at once.
		return &Problem{Status: http.StatusServiceUnavailable, Title: "Service unavailable", retryAfter: "1",
			Detail: "the views at this cut are still being built from the log; retry after the time in Retry-After, and the read is answered once they are"}
	}
	if err != nil {
		return err
	}
	defer release()
	then := &Server{Deps: s.Deps}
	then.Views = v
	for _, pr := range then.allRoutes() {
		if pr.Method == r.Method && pr.Path == r.Path {
			return pr.Handler(c)
		}
	}
	return fmt.Errorf("route %s %s is not among the routes", r.Method, r.Path)
}

// cutText names the request's cut for a message.
func cutText(c echo.Context) string {
	var parts []string
	if v := c.QueryParam("as_of"); v != "" {
		parts = append(parts, "as_of "+v)
	}
	if v := c.QueryParam("known_at"); v != "" {
		parts = append(parts, "known_at "+v)
	}
	return strings.Join(parts, ", ")
}
