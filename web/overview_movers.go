package web

import (
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

// overviewMoversPerMetric is how many fallers and how many risers the
// overview shows of each metric: the largest changes.
const overviewMoversPerMetric = 3

// overviewMovers is the overview's movers panel: the touchpoints of every
// journey whose NPS, CSAT or CES fell and rose most over the last whole
// quarter against the quarter before, among those with minResponses
// responses in both, each linked to its touchpoint's page for that
// quarter.
type overviewMovers struct {
	Period, Previous mapPeriod
	Fallers, Risers  []moverRow
	MinResponses     int
}

// overviewMovers reads the panel of the quarter before today's (today
// is the day the page is of).
func (w *Web) overviewMovers(c echo.Context, today time.Time) (overviewMovers, error) {
	p := presetPeriod("last-quarter", today)
	mv, err := w.readMovers(c, p, "")
	if err != nil {
		return overviewMovers{}, err
	}
	rows := func(list []projections.Mover) []moverRow {
		out := []moverRow{}
		per := map[string]int{}
		for _, m := range list {
			if per[m.Metric] == overviewMoversPerMetric {
				continue
			}
			per[m.Metric]++
			r := moverRowOf(m, touchpointLink(c, m.JourneyID, m.TouchpointID, &p, ""))
			s, _ := scaleOf(m.Metric)
			r.Where = s.Name + " · " + m.Journey
			out = append(out, r)
		}
		return out
	}
	return overviewMovers{Period: p, Previous: p.Previous(), Fallers: rows(mv.Fallers), Risers: rows(mv.Risers), MinResponses: minResponses}, nil
}
