package web

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/projections"
)

// moversPanel is the journey's touchpoints whose figure on the map's
// metric fell or rose most between the period and the one before, among
// those with minResponses responses in both.
type moversPanel struct {
	Fallers, Risers []moverRow
}

// moverList is one list of the panel, for its template.
type moverList struct {
	ID, Title string
	Rows      []moverRow
}

// moverRow is one mover: its touchpoint, its two values with their counts,
// and its change in words.
type moverRow struct {
	Name, Href           string
	Previous, Current    string
	PreviousCount, Count int
	Change               changeWords
}

// journeyMovers reads the movers by touchpoint of the period (of segment,
// or all) and keeps the journey's on the scale's metric, linked to their
// touchpoints' pages.
func (w *Web) journeyMovers(c echo.Context, j projections.JourneyView, s metricScale, p mapPeriod, segment string) (moversPanel, error) {
	q := url.Values{"by": {projections.TrendByTouchpoint}, "from": {p.From.Format(time.RFC3339)}, "to": {p.To.Format(time.RFC3339)}}
	if segment != "" {
		q.Set("segment", segment)
	}
	var mv projections.Movers
	if err := w.get(c, "/v1/feedback/movers", q, &mv); err != nil {
		return moversPanel{}, err
	}
	rows := func(list []projections.Mover) []moverRow {
		out := []moverRow{}
		for _, m := range list {
			if m.JourneyID != j.ID || m.Metric != s.Key {
				continue
			}
			out = append(out, moverRow{Name: m.Name, Href: "/journeys/" + url.PathEscape(j.ID) + "/touchpoints/" + url.PathEscape(m.TouchpointID),
				Previous: s.format(&m.Previous), Current: s.format(&m.Current), PreviousCount: m.PreviousCount, Count: m.CurrentCount,
				Change: s.change(m.Change, &m.Margin, m.BeyondMargin)})
		}
		return out
	}
	return moversPanel{Fallers: rows(mv.Fallers), Risers: rows(mv.Risers)}, nil
}

// segmentSample is how many of the period's feedback items the map reads
// to offer their segments in the chooser.
const segmentSample = 500

// segmentChoices are the segments the chooser offers: those among the
// first segmentSample feedback items of the journey in the period, and the
// chosen one, in order. A segment too rare to be among them can still be
// asked for in the address.
func (w *Web) segmentChoices(c echo.Context, journeyID string, p mapPeriod, chosen string) ([]string, error) {
	var page api.Page[projections.FeedbackItem]
	q := url.Values{"journey": {journeyID}, "from": {p.From.Format(time.RFC3339)}, "to": {p.To.Format(time.RFC3339)}, "limit": {strconv.Itoa(segmentSample)}}
	if err := w.get(c, "/v1/feedback", q, &page); err != nil {
		return nil, err
	}
	var out []string
	for _, it := range page.Items {
		out = append(out, it.Segment)
	}
	out = append(out, chosen)
	slices.SortFunc(out, cmp.Compare)
	return slices.DeleteFunc(slices.Compact(out), func(s string) bool { return s == "" }), nil
}
