package api

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// ReportQuery documents the report's period.
type ReportQuery struct {
	From time.Time `query:"from" doc:"RFC 3339: the period's start (required)"`
	To   time.Time `query:"to" doc:"RFC 3339: the period's end, exclusive (default now)"`
}

// Report formats by media type.
const (
	mediaMarkdown = "text/markdown"
	mediaCSV      = "text/csv"
)

func (s *Server) reportRoutes() []Route {
	return []Route{{Method: http.MethodGet, Path: "/v1/reports/council",
		Summary: "the council's report for a period, as a replay of the log up to its end builds it (from the read models, without the replay); Accept: text/markdown or text/csv for those formats",
		Query:   ReportQuery{}, Response: Media{echo.MIMEApplicationJSON: projections.CouncilReport{}, mediaMarkdown: "", mediaCSV: ""},
		Handler: s.councilReport}}
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
	if len(errs) > 0 {
		return invalid(errs...)
	}
	// From the read models, as a replay of the log would build it; a report
	// read through a quarantined record would be wrong, so it answers 409
	// naming the record instead.
	r, err := projections.CouncilReportOf(c.Request().Context(), s.Store, s.Projector, s.Views, from, to)
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
