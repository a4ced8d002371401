package web

import (
	"cmp"
	"net/url"
	"slices"
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
