package api

import (
	"cmp"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/oklog/ulid/v2"

	"cxtracker/projections"
)

// JourneyQuery documents the query of GET /v1/journeys/{id}.
type JourneyQuery struct {
	From    string `query:"from" doc:"RFC 3339, with to: the period whose own figures (feedback that occurred in it) each stage and touchpoint shows beside the previous period of the same length"`
	To      string `query:"to" doc:"RFC 3339, with from: the period's end, excluded"`
	Segment string `query:"segment" doc:"with from and to: only the feedback of this segment"`
}

// MoversQuery documents the query of GET /v1/feedback/movers.
type MoversQuery struct {
	From    string `query:"from" doc:"RFC 3339, with to: the period's start; without both, the last 30 whole days (UTC)"`
	To      string `query:"to" doc:"RFC 3339, with from: the period's end, excluded; it is compared with the period of the same length before from"`
	By      string `query:"by" doc:"stage or touchpoint; stage when absent"`
	Segment string `query:"segment" doc:"only the feedback of this segment"`
}

// SegmentsQuery documents the query of GET /v1/feedback/segments.
type SegmentsQuery struct {
	Journey string `query:"journey" doc:"a journey id: only the segments of its feedback; every journey's when absent"`
}

// SegmentsView is every customer segment the feedback names, in order.
type SegmentsView struct {
	Segments []string `json:"segments"`
}

func (s *Server) periodRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/v1/feedback/segments", Summary: "every customer segment the feedback names (of one journey's, or all), in order, for a segment chooser; read from the daily figures, not the items",
			Query: SegmentsQuery{}, Response: SegmentsView{}, Handler: s.feedbackSegments},
		{Method: http.MethodGet, Path: "/v1/feedback/movers", Summary: "fallers and risers between a period and the one before: each stage's or touchpoint's metric with at least 30 responses in both periods that changed, with the 95% margin of the change and whether the change is larger",
			Query: MoversQuery{}, Response: projections.Movers{}, Handler: s.feedbackMovers},
	}
}

// moversDays is how many whole days the movers compare when no period is
// given.
const moversDays = 30

// period reads a period of business time from from and to, both or
// neither; segment only with them unless anyPeriod (the route has a
// period of its own then).
func period(c echo.Context, errs *fieldErrors, anyPeriod bool) (from, to time.Time, segment string) {
	from, to = queryRange(c, errs)
	segment = c.QueryParam("segment")
	given := func(name string) bool { return c.QueryParam(name) != "" }
	if !given("from") && given("to") {
		errs.add("from", "is required with to")
	}
	if given("from") && !given("to") {
		errs.add("to", "is required with from")
	}
	if segment != "" && !anyPeriod && !given("from") {
		errs.add("segment", "needs a period: from and to")
	}
	return from.UTC(), to.UTC(), segment
}

// getJourney answers a journey map, with the follow-ups overdue now and,
// when from and to ask for them, the figures of a period.
func (s *Server) getJourney(c echo.Context) error {
	var errs fieldErrors
	from, to, segment := period(c, &errs, false)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	id := c.Param("id")
	j, found := s.Views.Journeys.Get(id)
	if !found {
		return notFound("journey", id)
	}
	var err error
	if !from.IsZero() {
		if j, err = s.Views.Feedback.WithPeriod(j, from, to, segment); err != nil {
			return err
		}
	}
	if j, err = s.Views.Feedback.WithOverdue(j, s.Clock.Now()); err != nil {
		return err
	}
	return ok(c, j)
}

func (s *Server) feedbackMovers(c echo.Context) error {
	var errs fieldErrors
	by := cmp.Or(queryWord(c, &errs, "by", projections.TrendByStage, projections.TrendByTouchpoint), projections.TrendByStage)
	from, to, segment := period(c, &errs, true)
	if len(errs) > 0 {
		return invalid(errs...)
	}
	if from.IsZero() {
		y, m, d := s.Clock.Now().UTC().Date()
		to = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		from = to.AddDate(0, 0, -moversDays)
	}
	mv, err := s.Views.Feedback.Movers(from, to, by, segment)
	if err != nil {
		return err
	}
	places := mapPlaces{journeys: s.Views.Journeys, seen: map[string]bool{}, at: map[string]mapPlace{}}
	for _, list := range [][]projections.Mover{mv.Fallers, mv.Risers} {
		for i, m := range list {
			j, _ := s.Views.Journeys.Get(m.JourneyID)
			list[i].Journey, list[i].Name = j.Name, places.of(m.JourneyID, cmp.Or(m.TouchpointID, m.StageID)).name
		}
	}
	return ok(c, mv)
}

func (s *Server) feedbackSegments(c echo.Context) error {
	var errs fieldErrors
	journeyID := c.QueryParam("journey")
	if journeyID != "" {
		if _, err := ulid.ParseStrict(journeyID); err != nil {
			errs.add("journey", "is not a journey id")
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	segments := s.Views.Feedback.Segments(journeyID)
	if segments == nil {
		segments = []string{}
	}
	return ok(c, SegmentsView{Segments: segments})
}
