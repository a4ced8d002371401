package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"cxtracker/projections"
)

func (w *Web) kpiRoutes(g *echo.Group) {
	g.GET("/kpis", w.kpis)
}

// kpiCard is one KPI as its card shows it: the API's view, its owner by
// name, and its measurements as chart points.
type kpiCard struct {
	projections.KPIView
	Owner  string
	Points []point
}

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
		for _, m := range k.Measurements {
			card.Points = append(card.Points, point{Label: m.MeasuredAt.UTC().Format("2006-01-02"), Value: m.Value})
		}
		cards = append(cards, card)
	}
	return w.render(c, http.StatusOK, page{name: "kpis", title: "KPIs", nav: "kpis"}, cards)
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
