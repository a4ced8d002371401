package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

// latestCommentCount is how many comments a touchpoint's page shows.
const latestCommentCount = 20

// commentWindows are how far back, in days, the page looks for the latest
// comments: the shortest window holding enough of them, at most a year.
var commentWindows = []int{7, 31, 92, 366}

// touchpointPage is one touchpoint: where it is, who owns it, its trend,
// its latest comments and its follow-ups.
type touchpointPage struct {
	JourneyID, JourneyName, MapHref string
	StageName                       string
	Touchpoint                      projections.TouchpointView
	// Crew is the owner crew; nil when the touchpoint has none, or when
	// CrewID names a crew the tracker does not know.
	Crew   *projections.CrewView
	CrewID string
	// Chooser is the period and segment whose figures the page shows;
	// Figures are the touchpoint's own NPS, CSAT and CES in it, beside
	// the period before.
	Chooser periodChooser
	Figures []scaleFigure
	// Period is the trend's granularity: week or month.
	Period  string
	Periods []choice
	// Span says which periods the trend covers, in words.
	Span     string
	Trends   []metricTrend
	Comments []projections.FeedbackItem
	// CommentDays is how far back the comments were looked for.
	CommentDays int
	Open        []tpFollowUp
	Closed      []tpFollowUp
	// Accounts are the accounts' names by id, for the items that name one.
	Accounts map[string]string
}

// scaleFigure is a period's figure with the scale it is read on.
type scaleFigure struct {
	Scale metricScale
	periodFigure
}

// metricTrend is one metric's values at the touchpoint, period by period.
type metricTrend struct {
	Scale  metricScale
	Title  string
	Points []point
	Counts []int
}

// tpFollowUp is a follow-up with its assignee's name ("" for none).
type tpFollowUp struct {
	projections.FeedbackItem
	Assignee string
}

// touchpoint is the page of one touchpoint of a journey.
func (w *Web) touchpoint(c echo.Context) error {
	period := cmp.Or(c.QueryParam("period"), projections.PeriodMonth)
	if period != projections.PeriodMonth && period != projections.PeriodWeek {
		return &pageError{Status: http.StatusBadRequest, Title: "No such period",
			Detail: fmt.Sprintf("The trend is drawn by week or month; %q is neither.", period)}
	}
	mapBase := "/journeys/" + url.PathEscape(c.Param("id"))
	addr := keepTravel(c, mapAddress{base: mapBase + "/touchpoints/" + url.PathEscape(c.Param("tp_id"))})
	if period != projections.PeriodMonth {
		addr = addr.with("period", period)
	}
	ch, addr, q := readChooser(c.QueryParams(), addr, w.today(c))
	var err error
	var j projections.JourneyView
	if err = w.get(c, "/v1/journeys/"+url.PathEscape(c.Param("id")), q, &j); err != nil {
		return err
	}
	// The map, for the period and segment the page shows.
	mapHref := travelOf(c).Link(mapAddress{base: mapBase, period: addr.period, segment: addr.segment}.href())
	p := touchpointPage{JourneyID: j.ID, JourneyName: j.Name, MapHref: mapHref, Period: period, Chooser: ch}
	found := false
	for _, st := range j.Stages {
		for _, tp := range st.Touchpoints {
			if tp.ID == c.Param("tp_id") {
				p.StageName, p.Touchpoint, found = st.Name, tp, true
			}
		}
	}
	if !found {
		return &pageError{Status: http.StatusNotFound, Title: "No such touchpoint",
			Detail: "The journey “" + j.Name + "” has no touchpoint " + c.Param("tp_id") + ".", Back: p.MapHref}
	}
	tp := p.Touchpoint
	for _, s := range metricScales {
		p.Figures = append(p.Figures, scaleFigure{Scale: s, periodFigure: s.periodFigure(tp.Period, tp.OpenFollowUps)})
	}
	for _, per := range []string{projections.PeriodMonth, projections.PeriodWeek} {
		p.Periods = append(p.Periods, choice{Label: "By " + per, Href: addr.with("period", per).href(), Current: per == period})
	}
	status := http.StatusOK
	if ch.Problem != "" {
		status = http.StatusBadRequest
	} else if p.Chooser.Segments, err = w.segmentChoices(c, j.ID, ch.Segment); err != nil {
		return err
	}
	if p.Crew, p.CrewID, err = w.ownerCrew(c, tp.OwnerCrewID); err != nil {
		return err
	}
	if err := w.touchpointTrends(c, &p); err != nil {
		return err
	}
	if p.Comments, p.CommentDays, err = w.latestComments(c, j.ID, tp.ID); err != nil {
		return err
	}
	if err := w.touchpointFollowUps(c, &p); err != nil {
		return err
	}
	if p.Accounts, err = w.accountNames(c); err != nil {
		return err
	}
	return w.render(c, status, page{name: "touchpoint", title: tp.Name, nav: "journeys", live: true}, p)
}

// ownerCrew is the crew with id, or nil when id is "" or names no crew the
// tracker knows; the id is answered either way, so the page can say which.
func (w *Web) ownerCrew(c echo.Context, id string) (*projections.CrewView, string, error) {
	if id == "" {
		return nil, "", nil
	}
	var crew projections.CrewView
	var ae *apiError
	switch err := w.get(c, "/v1/crews/"+url.PathEscape(id), nil, &crew); {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		return nil, id, nil
	case err != nil:
		return nil, id, err
	}
	return &crew, id, nil
}

// touchpointTrends reads the journey's trend by touchpoint over the last
// 12 months or 26 weeks before the page's now, and keeps this touchpoint's
// values per metric.
func (w *Web) touchpointTrends(c echo.Context, p *touchpointPage) error {
	now := w.pageNow(c)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -11, 0)
	p.Span = "the last 12 months"
	if p.Period == projections.PeriodWeek {
		from, p.Span = now.AddDate(0, 0, -7*25), "the last 26 weeks"
	}
	var t api.TrendsView
	q := url.Values{"journey": {p.JourneyID}, "by": {projections.TrendByTouchpoint}, "period": {p.Period}, "from": {from.Format(time.RFC3339)}}
	if err := w.get(c, "/v1/feedback/trends", q, &t); err != nil {
		return err
	}
	for _, s := range metricScales {
		mt := metricTrend{Scale: s, Title: fmt.Sprintf("%s by %s at %s, %s", s.Name, p.Period, p.Touchpoint.Name, s.Range)}
		for _, per := range t.Periods {
			i := slices.IndexFunc(per.Groups, func(g api.TrendGroupView) bool { return g.TouchpointID == p.Touchpoint.ID })
			if i < 0 {
				continue
			}
			if v, n := s.of(per.Groups[i].Metrics); v != nil {
				mt.Points = append(mt.Points, point{Label: per.Period, Value: *v})
				mt.Counts = append(mt.Counts, n)
			}
		}
		p.Trends = append(p.Trends, mt)
	}
	return nil
}

// latestComments are the touchpoint's newest comments, by when the
// customers gave them, newest first, and how many days back they were
// looked for. The API lists feedback in the order it was logged, so the
// page reads growing windows back from now until one holds enough
// comments: it never reads more than a year of the touchpoint's feedback.
// On a past day the windows end with the day.
func (w *Web) latestComments(c echo.Context, journeyID, tpID string) ([]projections.FeedbackItem, int, error) {
	var out []projections.FeedbackItem
	days := 0
	for _, days = range commentWindows {
		from := w.pageNow(c).AddDate(0, 0, -days).Format(time.RFC3339)
		items, err := listAll[projections.FeedbackItem](w, c, "/v1/feedback", url.Values{"journey": {journeyID}, "touchpoint": {tpID}, "from": {from}})
		if err != nil {
			return nil, 0, err
		}
		out = slices.DeleteFunc(items, func(it projections.FeedbackItem) bool { return it.Comment == "" })
		if len(out) >= latestCommentCount {
			break
		}
	}
	slices.SortFunc(out, func(a, b projections.FeedbackItem) int {
		return cmp.Or(b.OccurredAt.Compare(a.OccurredAt), cmp.Compare(b.ID, a.ID))
	})
	return out[:min(len(out), latestCommentCount)], days, nil
}

// touchpointFollowUps reads the touchpoint's follow-ups: the open ones
// oldest first, the closed ones most recently closed first, each with its
// assignee's name.
func (w *Web) touchpointFollowUps(c echo.Context, p *touchpointPage) error {
	names, err := w.personNames(c)
	if err != nil {
		return err
	}
	rows := func(state string) ([]tpFollowUp, error) {
		items, err := listAll[projections.FeedbackItem](w, c, "/v1/feedback",
			url.Values{"journey": {p.JourneyID}, "touchpoint": {p.Touchpoint.ID}, "follow_up": {state}})
		if err != nil {
			return nil, err
		}
		out := make([]tpFollowUp, 0, len(items))
		for _, it := range items {
			id := it.FollowUp.AssigneeID
			out = append(out, tpFollowUp{FeedbackItem: it, Assignee: names[id]})
		}
		return out, nil
	}
	if p.Open, err = rows(projections.FollowUpOpen); err != nil {
		return err
	}
	slices.SortFunc(p.Open, func(a, b tpFollowUp) int { return a.FollowUp.OpenedAt.Compare(b.FollowUp.OpenedAt) })
	if p.Closed, err = rows(projections.FollowUpClosed); err != nil {
		return err
	}
	slices.SortFunc(p.Closed, func(a, b tpFollowUp) int { return b.FollowUp.ClosedAt.Compare(*a.FollowUp.ClosedAt) })
	return nil
}
