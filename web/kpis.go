package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/events"
	"cxtracker/projections"
)

func (w *Web) kpiRoutes(g *echo.Group) {
	g.GET("/kpis", w.kpis)
}

// kpiCard is one KPI as its card shows it: the API's view, its owner by
// name, the feedback it is computed from in words, and its values as chart
// points: each month's for a KPI computed from the feedback, each
// measurement's for one entered by hand.
type kpiCard struct {
	projections.KPIView
	Owner     string
	Feedback  string
	Points    []point
	PointName string
}

// Computed reports whether the KPI's values come from the feedback.
func (k kpiCard) Computed() bool { return k.Source == projections.KPISourceFeedback }

// TargetLine is the target, as the chart's dashed line.
func (k kpiCard) TargetLine() *float64 { t := k.Target; return &t }

// Standing is whether the current value meets the target, in words.
func (k kpiCard) Standing() string {
	switch k.MetWord() {
	case "met":
		return "target met"
	case "not_met":
		return "target not met"
	}
	return "not measured yet"
}

// MetWord is met, not_met or unknown (nothing measured), for the card's
// data-met and class.
func (k kpiCard) MetWord() string {
	switch {
	case k.Met == nil:
		return "unknown"
	case *k.Met:
		return "met"
	}
	return "not_met"
}

func (w *Web) kpis(c echo.Context) error {
	list, err := listAll[projections.KPIView](w, c, "/v1/kpis", nil)
	if err != nil {
		return err
	}
	names, err := w.personNames(c)
	if err != nil {
		return err
	}
	journeys, err := listAll[projections.JourneyView](w, c, "/v1/journeys", nil)
	if err != nil {
		return err
	}
	// Tracked KPIs first, retired ones last, each in the API's order.
	slices.SortStableFunc(list, func(a, b projections.KPIView) int {
		return cmp.Compare(boolRank(a.Retired), boolRank(b.Retired))
	})
	cards := make([]kpiCard, 0, len(list))
	for _, k := range list {
		card := kpiCard{KPIView: k, Owner: names[k.OwnerID]}
		if card.Owner == "" && k.OwnerID != "" {
			card.Owner = k.OwnerID
		}
		if card.Computed() {
			card.Feedback, card.PointName = feedbackScopeWords(k.FeedbackScope, journeys), "month"
			for _, p := range k.Months {
				card.Points = append(card.Points, point{Label: p.Period, Value: p.Value})
			}
		} else {
			card.PointName = "measurement"
			for _, m := range k.Measurements {
				card.Points = append(card.Points, point{Label: m.MeasuredAt.UTC().Format("2006-01-02"), Value: m.Value})
			}
		}
		cards = append(cards, card)
	}
	return w.render(c, http.StatusOK, page{name: "kpis", title: "KPIs", nav: "kpis"}, cards)
}

// feedbackScopeWords names the feedback a KPI is computed from: its
// journey, stage, touchpoint and segment, or the whole program.
func feedbackScopeWords(f events.FeedbackScope, journeys []projections.JourneyView) string {
	names := map[string]string{}
	for _, j := range journeys {
		names[j.ID] = j.Name
		for _, st := range j.Stages {
			names[st.ID] = st.Name
			for _, tp := range st.Touchpoints {
				names[tp.ID] = tp.Name
			}
		}
	}
	var parts []string
	for _, p := range []struct{ what, id string }{{"journey", f.JourneyID}, {"stage", f.StageID}, {"touchpoint", f.TouchpointID}} {
		if p.id != "" {
			parts = append(parts, p.what+" "+cmp.Or(names[p.id], p.id))
		}
	}
	if f.Segment != "" {
		parts = append(parts, "segment "+f.Segment)
	}
	if len(parts) == 0 {
		return "all the feedback: the whole program"
	}
	return strings.Join(parts, ", ")
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// teamFuncs are the template helpers of the follow-up queue, the KPIs and
// the audit pages.
var teamFuncs = template.FuncMap{
	// metricLabel is a feedback metric as people write it: NPS, CSAT, CES.
	"metricLabel": strings.ToUpper,
	// auditField is one filter of the audit form: its name, its label, and
	// what the API said is wrong with it.
	"auditField": func(p *apiError, field, label string) auditFieldView {
		f := auditFieldView{Field: field, Label: label}
		if p != nil {
			f.Message = p.FieldMessage(field)
		}
		return f
	},
}
