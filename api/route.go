package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Route is one endpoint: everything about it is said here, once. The
// OpenAPI document, the authorization and time travel are built from these,
// so none of them can drift from the handlers.
type Route struct {
	Method, Path string
	// Allow is who may call the route (permissions.go). A write must name
	// its rule: the document refuses one without (openapi.go), and the
	// server would deny it to everyone. A read that names none is readers'.
	Allow Rule
	// AsOf, when set, builds the read's entity at as_of and known_at from
	// its own events; other reads travel on views of the whole log, or say
	// why not (asof.go).
	AsOf    *asOf
	Summary string
	// Public routes need no token (the service probes and the document).
	Public bool
	// Request is the JSON body's type (a zero value), nil for none.
	Request any
	// Query is a struct whose `query` tags document the query parameters.
	Query any
	// Response is the success body's type (a zero value); Status its code
	// (200 when zero).
	Response any
	Status   int
	// BodyLimit overrides the server's body limit for this route.
	BodyLimit int64
	// ContentType is the request body's media type when it is not JSON.
	ContentType string
	// Produces is the success body's media type when it is not JSON.
	Produces string
	// Undated marks a write that records no event, and so takes no
	// occurred_at (occurred_at.go).
	Undated bool
	// BodyOptional marks a write whose JSON body may be left out (its
	// handler binds it with bindOptional): none is the zero request.
	BodyOptional bool
	Handler      echo.HandlerFunc
}

// SuccessStatus is the route's success code.
func (r Route) SuccessStatus() int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}

// readsEntity says the route reads one entity by id (it travels in time):
// its answer carries the entity's ETag and X-Event-Seq (versions.go).
func (r Route) readsEntity() bool { return r.Method == http.MethodGet && r.AsOf != nil }

// readsViews says the route is any other read of the read models, whose
// answer carries the sequence they had applied.
func (r Route) readsViews() bool {
	return r.Method == http.MethodGet && r.AsOf == nil && !r.Public && r.Produces != "text/event-stream"
}

// Rule is who may call the route: its Allow, readers for a read that names
// none, and false for a write that names none.
func (r Route) Rule() (Rule, bool) {
	switch {
	case !r.Allow.empty():
		return r.Allow, true
	case r.Method == http.MethodGet:
		return readers, true
	}
	return Rule{}, false
}

// register serves r. takes are the query parameters the OpenAPI document
// gives it: a request with any other answers 400 (undeclared.go).
func (s *Server) register(r Route, takes []string) {
	var mw []echo.MiddlewareFunc
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		limit := s.MaxBody
		if r.BodyLimit > 0 {
			limit = r.BodyLimit
		}
		mw = append(mw, bodyLimit(limit), bodyDeadline(s.Limits.RequestTimeout))
	}
	if !r.Public {
		mw = append(mw, s.whenServing, s.authenticate)
	}
	mw = append(mw, s.limitRate)
	if !r.Public {
		mw = append(mw, s.authorize(r))
	}
	// Nothing sent is ignored: a query parameter the route does not take,
	// or a body sent to a write that takes none, is a 400.
	mw = append(mw, declaredQuery(r, takes))
	if takesNoBody(r) {
		mw = append(mw, noBody)
	}
	if r.Produces != "text/event-stream" {
		mw = append(mw, timeout(s.Limits.RequestTimeout))
	}
	if !r.Public {
		// Within the request's time: it reads a keyed write's body.
		mw = append(mw, s.idempotent)
	}
	if r.Method == http.MethodGet {
		mw = append(mw, s.minSeq)
		switch {
		case r.readsEntity():
			// As it stood (timeTravel answers), or as it stands, with its
			// version.
			mw = append(mw, s.timeTravel(r), s.versioned(r.AsOf.kind))
		case r.readsViews():
			// As they stand, or as they stood (timeTravel answers, with
			// the cut's sequence).
			mw = append(mw, s.appliedSeq, s.timeTravel(r))
		default:
			mw = append(mw, s.timeTravel(r))
		}
	}
	s.echo.Add(r.Method, echoPath(r.Path), r.Handler, mw...)
}

// echoPath turns the documented {param} into Echo's :param.
func echoPath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			parts[i] = ":" + part[1:len(part)-1]
		}
	}
	return strings.Join(parts, "/")
}

// bodyLimit answers 413 for a body over limit bytes, whether the
// Content-Length says so or the body turns out longer than it claimed (the
// reader stops at the limit, and bind reports it).
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return tooLarge(limit)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// whenServing answers 503 until the views have caught up with the log: a
// token revoked, or a seat lost, later in the log than the replay has
// reached would otherwise still count.
func (s *Server) whenServing(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := s.Serving()
		if err == nil && !s.Projector.CaughtUp() {
			err = errCatchingUp
		}
		if err != nil {
			return unavailable("not serving yet: " + err.Error())
		}
		return next(c)
	}
}

var errCatchingUp = errors.New("catching up with the event log")
