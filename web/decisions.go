package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

// The decision timeline: every council decision in time order, with its
// proposal, votes, tally, rationale and aftermath, filtered by period and
// outcome, and the council report of the period to download.
func (w *Web) decisionRoutes(g *echo.Group) {
	w.travel(g, "/decisions", w.decisionTimeline)
	g.GET("/decisions/download", w.downloadCouncilReport)
}

// timelinePage is what the decision timeline shows.
type timelinePage struct {
	// From, To (YYYY-MM-DD, both days included) and Outcome are the
	// filters as typed.
	From, To, Outcome string
	// Outcomes are the decision outcomes the filter offers.
	Outcomes []string
	// Form holds a bad filter, shown beside its field.
	Form      formState
	Decisions []projections.DecisionView
	// DownloadFrom and DownloadTo are the period the download links cover:
	// the filter's, or the days of the first and last decision shown.
	DownloadFrom, DownloadTo string
	Downloads                []downloadLink
}

func (w *Web) decisionTimeline(c echo.Context) error {
	p := timelinePage{From: c.QueryParam("from"), To: c.QueryParam("to"), Outcome: c.QueryParam("outcome"),
		Outcomes: events.Outcomes}
	timeline := page{name: "decisions", title: "Decision timeline", nav: "decisions", live: true}
	q, err := periodQuery(p.From, p.To)
	if err == nil {
		if p.Outcome != "" {
			q.Set("outcome", p.Outcome)
		}
		p.Decisions, err = listAll[projections.DecisionView](w, c, "/v1/council/decisions", q)
	}
	if err != nil {
		ae := formProblem(err)
		if ae == nil {
			return err
		}
		p.Form = formState{Name: "filters", Values: c.QueryParams(), Err: ae, Fields: []string{"from", "to", "outcome"}}
		return w.render(c, ae.Status, timeline, p)
	}
	p.DownloadFrom, p.DownloadTo = p.From, p.To
	today := w.now().UTC().Format(time.DateOnly)
	if p.DownloadFrom == "" {
		p.DownloadFrom = today
		if len(p.Decisions) > 0 {
			p.DownloadFrom = min(today, dayOf(p.Decisions[0].Decision.DecidedAt))
		}
	}
	if p.DownloadTo == "" {
		p.DownloadTo = today
		for _, d := range p.Decisions {
			p.DownloadTo = max(p.DownloadTo, dayOf(d.Decision.DecidedAt))
		}
	}
	p.Downloads = downloadLinks(p.DownloadFrom, p.DownloadTo)
	return w.render(c, http.StatusOK, timeline, p)
}

func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// periodQuery turns a period of whole days as the forms write them
// (YYYY-MM-DD, either empty for no bound, both days included) into the
// API's from and to (RFC 3339, to exclusive). A day that is not a date is
// a 400 naming the field; whether the period makes sense is the API's to
// say.
func periodQuery(from, to string) (url.Values, error) {
	q := url.Values{}
	var errs []api.FieldError
	for _, f := range []struct {
		name, value string
		days        int
	}{{"from", from, 0}, {"to", to, 1}} {
		if f.value == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, f.value)
		if err != nil {
			errs = append(errs, api.FieldError{Field: f.name, Message: "must be a day written as YYYY-MM-DD, such as 2026-01-31"})
			continue
		}
		q.Set(f.name, d.AddDate(0, 0, f.days).Format(time.RFC3339))
	}
	if len(errs) > 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Problem: api.Problem{Status: http.StatusBadRequest,
			Title: "The period is not a pair of days", Detail: "Write each day as YYYY-MM-DD, or leave it empty.", Errors: errs}}
	}
	return q, nil
}
