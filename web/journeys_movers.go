package web

import (
	"cmp"
	"net/url"
	"slices"

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

// moverRow is one mover: its touchpoint, where it is and on which metric
// (on the overview, which lists every journey's), its two values with
// their counts, and its change in words.
type moverRow struct {
	Name, Href, Where    string
	Previous, Current    string
	PreviousCount, Count int
	Change               changeWords
}

// readMovers reads the movers by touchpoint of the period (of segment, or
// all).
func (w *Web) readMovers(c echo.Context, p mapPeriod, segment string) (projections.Movers, error) {
	q := p.apiQuery(segment)
	q.Set("by", projections.TrendByTouchpoint)
	var mv projections.Movers
	err := w.get(c, "/v1/feedback/movers", q, &mv)
	return mv, err
}

// touchpointLink is a link from the page c to the page of touchpoint tpID
// of journey journeyID for the period p (nil for the page's default) and
// segment ("" for all), on the page's past day if it has one.
func touchpointLink(c echo.Context, journeyID, tpID string, p *mapPeriod, segment string) string {
	a := mapAddress{base: "/journeys/" + url.PathEscape(journeyID) + "/touchpoints/" + url.PathEscape(tpID), period: p, segment: segment}
	return travelOf(c).Link(a.href())
}

// moverRowOf writes one mover on its metric's scale, linked to href.
func moverRowOf(m projections.Mover, href string) moverRow {
	s, _ := scaleOf(m.Metric)
	return moverRow{Name: m.Name, Href: href, Previous: s.format(&m.Previous), Current: s.format(&m.Current),
		PreviousCount: m.PreviousCount, Count: m.CurrentCount, Change: s.change(m.Change, &m.Margin, m.BeyondMargin)}
}

// journeyMovers reads the movers by touchpoint of the period (of segment,
// or all) and keeps the journey's on the scale's metric, linked to their
// touchpoints' pages for that period and segment: a mover moved in it.
func (w *Web) journeyMovers(c echo.Context, j projections.JourneyView, s metricScale, p mapPeriod, segment string) (moversPanel, error) {
	mv, err := w.readMovers(c, p, segment)
	if err != nil {
		return moversPanel{}, err
	}
	rows := func(list []projections.Mover) []moverRow {
		out := []moverRow{}
		for _, m := range list {
			if m.JourneyID == j.ID && m.Metric == s.Key {
				out = append(out, moverRowOf(m, touchpointLink(c, m.JourneyID, m.TouchpointID, &p, segment)))
			}
		}
		return out
	}
	return moversPanel{Fallers: rows(mv.Fallers), Risers: rows(mv.Risers)}, nil
}

// segmentChoices are the segments the chooser offers: every segment of
// the journey's feedback, as the API lists them, and the chosen one, in
// order.
func (w *Web) segmentChoices(c echo.Context, journeyID, chosen string) ([]string, error) {
	var segs api.SegmentsView
	if err := w.get(c, "/v1/feedback/segments", url.Values{"journey": {journeyID}}, &segs); err != nil {
		return nil, err
	}
	out := append(segs.Segments, chosen)
	slices.SortFunc(out, cmp.Compare)
	return slices.DeleteFunc(slices.Compact(out), func(s string) bool { return s == "" }), nil
}
