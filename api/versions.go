package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
)

// versioned answers a read of one entity of kind, as it stands now, with
// its ETag (the aggregate's version, the value a write answers, to send as
// If-Match) and X-Event-Seq (the sequence of its last event). The version
// is read before the handler reads the view, between two records of the
// projector (Projector.Stream), so the view is at least as new as the ETag:
// an If-Match sent with it can be refused as stale, never pass over a
// change the client did not see. An entity that does not exist gets no
// headers; the handler answers its 404.
func (s *Server) versioned(kind string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			st := s.Projector.Stream(events.Aggregate{Kind: kind, ID: c.Param("id")})
			if st.Version == 0 {
				return next(c)
			}
			if notModified(c, st) {
				return c.NoContent(http.StatusNotModified)
			}
			return next(c)
		}
	}
}

// appliedSeq answers a read of the views (a list, the program, the
// council) with X-Event-Seq: the sequence the views had applied when the
// read began, which a client sends as X-Min-Seq to read at least as much
// on another replica. A handler that reads elsewhere may set its own.
func (s *Server) appliedSeq(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(HeaderEventSeq, strconv.FormatUint(s.Projector.LastSeq(), 10))
		return next(c)
	}
}

// notModified sets an entity read's ETag and X-Event-Seq from where its
// aggregate stands, and says whether If-None-Match names that ETag (or is
// "*"), in which case the read answers 304. Entity tags are compared
// weakly, as RFC 9110 has If-None-Match do.
func notModified(c echo.Context, st events.Stream) bool {
	h := c.Response().Header()
	etag := formatETag(st.Version)
	h.Set("ETag", etag)
	h.Set(HeaderEventSeq, strconv.FormatUint(st.Seq, 10))
	for tag := range strings.SplitSeq(c.Request().Header.Get("If-None-Match"), ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}
