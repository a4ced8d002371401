package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

func (w *Web) journeyRoutes(g *echo.Group) {
	w.travel(g, "/journeys", w.journeys)
	w.travel(g, "/journeys/:id", w.journeyMap)
	w.travel(g, "/journeys/:id/touchpoints/:tp_id", w.touchpoint)
}

// metricScale is how the map reads one metric: its scale, which way is
// better, and the four edges that cut the scale into five buckets, from
// heat-0 (the worst) to heat-4 (the best).
type metricScale struct {
	// Key is the metric as the API names it: nps, csat or ces.
	Key, Name string
	// Range is the scale and its direction in words.
	Range         string
	LowerIsBetter bool
	// edges rise; a value on an edge goes to the better bucket.
	edges [4]float64
	// Unit follows every value written: "%" for CSAT.
	Unit string
	// ChangeUnit follows a change between two values: " points" for the
	// NPS and the CSAT share.
	ChangeUnit string
}

// metricScales are the three metrics in the order the map offers them.
// NPS and CSAT are better high, CES (effort) is better low.
var metricScales = []metricScale{
	{Key: events.MetricNPS, Name: "NPS", Range: "-100 to 100, higher is better", edges: [4]float64{-30, 0, 30, 70}, ChangeUnit: " points"},
	{Key: events.MetricCSAT, Name: "CSAT", Range: "% of customers satisfied, higher is better", edges: [4]float64{50, 70, 80, 90}, Unit: "%", ChangeUnit: " points"},
	{Key: events.MetricCES, Name: "CES", Range: "mean effort from 1 to 7, lower is better", LowerIsBetter: true, edges: [4]float64{2.5, 3.5, 4.5, 5.5}},
}

// journeyFuncs are the journey pages' template helpers.
var journeyFuncs = template.FuncMap{
	// metricName is a metric as people write it (NPS), from its key (nps).
	"metricName": func(key string) string {
		if s, ok := scaleOf(key); ok {
			return s.Name
		}
		return key
	},
	// minResponses is how many responses a value and a change need.
	"minResponses": func() int { return minResponses },
	"moverList":    func(id, title string, rows []moverRow) moverList { return moverList{ID: id, Title: title, Rows: rows} },
}

// bucketWords name the buckets heat-0 to heat-4, so a cell says in words
// what its colour shows.
var bucketWords = [5]string{"very poor", "poor", "fair", "good", "very good"}

// scaleOf is the scale of the metric named key.
func scaleOf(key string) (metricScale, bool) {
	for _, s := range metricScales {
		if s.Key == key {
			return s, true
		}
	}
	return metricScale{}, false
}

// metricKeys are the metrics' keys, for messages that list them.
func metricKeys() string {
	keys := make([]string, len(metricScales))
	for i, s := range metricScales {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}

// bucket is the heat bucket of value v, 0 (worst) to 4 (best), in the
// scale's direction; a value on an edge counts as the better side.
func (s metricScale) bucket(v float64) int {
	n := 0
	for _, e := range s.edges {
		if (!s.LowerIsBetter && v >= e) || (s.LowerIsBetter && v > e) {
			n++
		}
	}
	if s.LowerIsBetter {
		return 4 - n
	}
	return n
}

// heatClass is the CSS class of a value: heat-0 to heat-4, or heat-none
// when the metric has no responses.
func (s metricScale) heatClass(v *float64) string {
	if v == nil {
		return "heat-none"
	}
	return fmt.Sprintf("heat-%d", s.bucket(*v))
}

// format writes a value of the metric with its unit, or "–" for none.
func (s metricScale) format(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f%s", *v, s.Unit)
}

func (s metricScale) edge(i int) string { return fmt.Sprintf("%g%s", s.edges[i], s.Unit) }

// of is the metric's value and its count of responses among m.
func (s metricScale) of(m projections.Metrics) (*float64, int) {
	return pick(s.Key, m.NPS, m.CSAT, m.CES), pick(s.Key, m.NPSCount, m.CSATCount, m.CESCount)
}

// legendEntry is one bucket of the legend: its class, its word and the
// values it holds, in words.
type legendEntry struct {
	Class, Word, Values string
}

// legend is the buckets from the best to the worst, then "no responses".
func (s metricScale) legend() []legendEntry {
	out := make([]legendEntry, 0, 6)
	for b := 4; b >= 0; b-- {
		var values string
		// i is the bucket's place along the rising edges: 0 lies below
		// the first edge, 4 above the last.
		i := b
		if s.LowerIsBetter {
			i = 4 - b
		}
		switch {
		case i == 0 && s.LowerIsBetter:
			values = s.edge(0) + " or less"
		case i == 0:
			values = "below " + s.edge(0)
		case i == 4 && s.LowerIsBetter:
			values = "over " + s.edge(3)
		case i == 4:
			values = s.edge(3) + " or more"
		case s.LowerIsBetter:
			values = "over " + s.edge(i-1) + " up to " + s.edge(i)
		default:
			values = s.edge(i-1) + " to under " + s.edge(i)
		}
		out = append(out, legendEntry{Class: fmt.Sprintf("heat-%d", b), Word: bucketWords[b], Values: values})
	}
	return append(out, legendEntry{Class: "heat-none", Word: "no responses", Values: "nobody answered this metric here yet"})
}

// figure is one place's reading of a metric: the value written out, its
// count of responses, its open follow-ups (and of them those overdue, when
// known), and its bucket as a class and a word.
type figure struct {
	Text, Class, Word string
	Count, Open       int
	Overdue           int
}

// figure reads f on the scale.
func (s metricScale) figure(f projections.JourneyFigures) figure {
	v, n := s.of(f.Metrics)
	out := figure{Text: s.format(v), Class: s.heatClass(v), Count: n, Open: f.OpenFollowUps, Word: "no responses"}
	if v != nil {
		out.Word = bucketWords[s.bucket(*v)]
	}
	return out
}

// choice is one link of a switcher (metric, period), the chosen one marked.
type choice struct {
	Label, Href string
	Current     bool
}

// journeyList is the page of every journey map.
type journeyList struct {
	Journeys []projections.JourneyView
}

// journeys lists the journey maps; with only one it opens that one.
func (w *Web) journeys(c echo.Context) error {
	all, err := listAll[projections.JourneyView](w, c, "/v1/journeys", nil)
	if err != nil {
		return err
	}
	if len(all) == 1 {
		to := mapAddress{base: "/journeys/" + url.PathEscape(all[0].ID), metric: c.QueryParam("metric")}
		return c.Redirect(http.StatusSeeOther, travelOf(c).Link(to.href()))
	}
	return w.render(c, http.StatusOK, page{name: "journeys", title: "Journey maps", nav: "journeys", live: true}, journeyList{Journeys: all})
}

// journeyMapPage is one journey's map read on one metric over one period,
// beside the period before it.
type journeyMapPage struct {
	Journey projections.JourneyView
	Scale   metricScale
	Metrics []choice
	Chooser periodChooser
	Overall periodFigure
	Stages  []stageColumn
	Movers  moversPanel
	Legend  []legendEntry
	// MinResponses is how many responses a value and a change need.
	MinResponses int
}

// stageColumn is a stage of the map with its own figure and its
// touchpoints' cells.
type stageColumn struct {
	ID, Name string
	Position int
	Figure   periodFigure
	Cells    []touchpointCell
}

// touchpointCell is one touchpoint on the map: a link to its page (for
// the map's period and segment), its figure on the chosen metric.
type touchpointCell struct {
	ID, Name, Channel, Href string
	Retired                 bool
	Figure                  periodFigure
}

// journeyMap is the map of one journey: each stage's and touchpoint's own
// figures for the period and segment in the address, beside the period
// before, and the journey's movers.
func (w *Web) journeyMap(c echo.Context) error {
	key := c.QueryParam("metric")
	if key == "" {
		key = events.MetricNPS
	}
	scale, ok := scaleOf(key)
	if !ok {
		return &pageError{Status: http.StatusBadRequest, Title: "No such metric",
			Detail: fmt.Sprintf("The map is coloured by one of %s; %q is none of them.", metricKeys(), key), Back: "/journeys"}
	}
	id := c.Param("id")
	ch, addr, q := readChooser(c.QueryParams(), keepTravel(c, mapAddress{base: "/journeys/" + url.PathEscape(id), metric: scale.Key}), w.today(c))
	p := journeyMapPage{Scale: scale, Chooser: ch, Legend: scale.legend(), MinResponses: minResponses}
	var j projections.JourneyView
	if err := w.get(c, "/v1/journeys/"+url.PathEscape(id), q, &j); err != nil {
		return err
	}
	p.Journey = j
	for _, s := range metricScales {
		a := addr
		a.metric = s.Key
		p.Metrics = append(p.Metrics, choice{Label: s.Name, Href: a.href(), Current: s.Key == scale.Key})
	}
	if ch.Problem != "" {
		return w.render(c, http.StatusBadRequest, page{name: "journey", title: "Journey map: " + j.Name, nav: "journeys"}, p)
	}
	var err error
	if p.Chooser.Segments, err = w.segmentChoices(c, j.ID, ch.Segment); err != nil {
		return err
	}
	if p.Movers, err = w.journeyMovers(c, j, scale, ch.Period, ch.Segment); err != nil {
		return err
	}
	p.Overall = scale.placeFigure(j.Period, j.JourneyFigures)
	for _, st := range j.Stages {
		col := stageColumn{ID: st.ID, Name: st.Name, Position: st.Position, Figure: scale.placeFigure(st.Period, st.JourneyFigures)}
		for _, tp := range st.Touchpoints {
			col.Cells = append(col.Cells, touchpointCell{ID: tp.ID, Name: tp.Name, Channel: tp.Channel, Retired: tp.Retired,
				Href: touchpointLink(c, j.ID, tp.ID, addr.period, addr.segment), Figure: scale.placeFigure(tp.Period, tp.JourneyFigures)})
		}
		p.Stages = append(p.Stages, col)
	}
	return w.render(c, http.StatusOK, page{name: "journey", title: "Journey map: " + j.Name, nav: "journeys", live: true}, p)
}
