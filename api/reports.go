package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// ReportQuery documents the report's period.
type ReportQuery struct {
	From time.Time `query:"from" doc:"RFC 3339: the period's start (required)"`
	To   time.Time `query:"to" doc:"RFC 3339: the period's end, exclusive (default now); from and to are business time, when things happened"`
	// KnownAt cuts by recorded time.
	KnownAt time.Time `query:"known_at" doc:"RFC 3339: only the events the log recorded at or before this time count (default now); the same from, to and known_at give the same report forever"`
}

// Report formats by media type.
const (
	mediaMarkdown = "text/markdown"
	mediaCSV      = "text/csv"
)

func (s *Server) reportRoutes() []Route {
	return []Route{{Method: http.MethodGet, Path: "/v1/reports/council",
		Summary: "the council's report for a period (business time) as the log knew it at known_at (recorded time), as a replay of the log up to known_at builds it (from the read models, without the replay); Accept: text/markdown or text/csv for those formats",
		Query:   ReportQuery{}, Response: Media{echo.MIMEApplicationJSON: projections.CouncilReport{}, mediaMarkdown: "", mediaCSV: ""},
		Handler: s.councilReport}}
}

// knownAt is the request's known_at: the recorded time it cuts the log at,
// by default now (see projections.KnownNow). A time after now is refused:
// the log may still record events before it, so the answer would not stay
// the same.
func (s *Server) knownAt(c echo.Context) (time.Time, error) {
	now, err := projections.KnownNow(c.Request().Context(), s.Store, s.Clock.Now())
	if err != nil {
		return time.Time{}, err
	}
	v := c.QueryParam("known_at")
	if v == "" {
		return now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, invalid(FieldError{Field: "known_at", Message: "must be an RFC 3339 time"})
	}
	if t.After(now) {
		return time.Time{}, invalid(FieldError{Field: "known_at", Message: "must not be after now (" + now.Format(time.RFC3339Nano) + "): the log may still record events before it"})
	}
	return t.UTC(), nil
}

func (s *Server) councilReport(c echo.Context) error {
	var errs []FieldError
	from, err := time.Parse(time.RFC3339, c.QueryParam("from"))
	if err != nil {
		errs = append(errs, FieldError{Field: "from", Message: "is required, an RFC 3339 time"})
	}
	to := s.Clock.Now()
	if v := c.QueryParam("to"); v != "" {
		if to, err = time.Parse(time.RFC3339, v); err != nil {
			errs = append(errs, FieldError{Field: "to", Message: "must be an RFC 3339 time"})
		}
	}
	if len(errs) == 0 && !from.Before(to) {
		errs = append(errs, FieldError{Field: "to", Message: "must be after from"})
	}
	knownAt, err := s.knownAt(c)
	if err != nil {
		var p *Problem
		if !errors.As(err, &p) {
			return err
		}
		errs = append(errs, p.Errors...)
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	// From the read models, as a replay of the log would build it; a report
	// read through a quarantined record would be wrong, so it answers 409
	// naming the record instead.
	r, err := projections.CouncilReportOf(c.Request().Context(), s.Store, s.Projector, s.Views, from, to, knownAt)
	if err != nil {
		return err
	}
	accept := c.Request().Header.Get(echo.HeaderAccept)
	var buf bytes.Buffer
	switch {
	case strings.Contains(accept, mediaMarkdown):
		if err := r.WriteMarkdown(&buf); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mediaMarkdown+"; charset=utf-8", buf.Bytes())
	case strings.Contains(accept, mediaCSV):
		if err := r.WriteCSV(&buf); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mediaCSV+"; charset=utf-8", buf.Bytes())
	}
	return ok(c, r)
}
