package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"cxtracker/api"
	"cxtracker/events"
	"cxtracker/projections"
)

func (w *Web) overviewRoutes(g *echo.Group) {
	w.travel(g, "/", w.overview)
}

// overviewPage is the program at a glance.
type overviewPage struct {
	api.Overview
	CrewGroups []crewGroup
	Headline   []headlineFigure
	Gaps       []gap
	// Departments are the ambassadors by department, departments in order.
	Departments []departmentAmbassadors
	Movers      overviewMovers
	// AsOf is the day the date chooser holds ("" for today), and Today
	// the latest day it offers.
	AsOf, Today string
}

type crewGroup struct {
	Type  string
	Crews []projections.CrewView
}

// headlineFigure is one of NPS, CSAT and CES: its value now and a line of
// its last 12 months.
type headlineFigure struct {
	Name, Scale string
	Value       *float64
	Count       int
	Months      []point
}

// gap is one thing the program lacks, with where to fix it.
type gap struct {
	Text, Link string
}

type departmentAmbassadors struct {
	Department string
	People     []projections.PersonRef
}

func (w *Web) overview(c echo.Context) error {
	p := overviewPage{Today: midnightOf(w.now()).Format(dayLayout)}
	if t := travelOf(c); t != nil {
		p.AsOf = t.day()
	}
	if err := w.get(c, "/v1/program", nil, &p.Overview); err != nil {
		return err
	}
	crews, err := listAll[projections.CrewView](w, c, "/v1/crews", nil)
	if err != nil {
		return err
	}
	p.CrewGroups = groupCrews(crews)
	for d, people := range p.Ambassadors {
		p.Departments = append(p.Departments, departmentAmbassadors{Department: d, People: people})
	}
	slices.SortFunc(p.Departments, func(a, b departmentAmbassadors) int { return cmp.Compare(a.Department, b.Department) })
	if p.Headline, err = w.headline(c, p.Overview.Headline); err != nil {
		return err
	}
	p.Gaps = gaps(p.Overview.Gaps)
	if p.Movers, err = w.overviewMovers(c, w.today(c)); err != nil {
		return err
	}
	return w.render(c, http.StatusOK, page{name: "overview", title: "Program overview", nav: "overview", live: true}, p)
}

// groupCrews puts active crews under their type, the Experience crews
// first, then the types in the Unfix model's order.
func groupCrews(crews []projections.CrewView) []crewGroup {
	order := append([]string{events.CrewExperience}, events.CrewTypes...)
	var out []crewGroup
	seen := map[string]bool{}
	for _, t := range order {
		if seen[t] {
			continue
		}
		seen[t] = true
		g := crewGroup{Type: t}
		for _, c := range crews {
			if c.Type == t && !c.Disbanded {
				g.Crews = append(g.Crews, c)
			}
		}
		if len(g.Crews) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// headline is NPS, CSAT and CES now, each with its monthly values over the
// last 12 months. A month's value over all stages weighs each stage's by
// its count of responses, which is exactly the month's own figure.
func (w *Web) headline(c echo.Context, now projections.Metrics) ([]headlineFigure, error) {
	from := monthOf(w.today(c)).AddDate(0, -11, 0)
	var t api.TrendsView
	if err := w.get(c, "/v1/feedback/trends", url.Values{"period": {"month"}, "from": {from.Format(time.RFC3339)}}, &t); err != nil {
		return nil, err
	}
	figs := []headlineFigure{
		{Name: "NPS", Scale: "-100 to 100, higher is better", Value: now.NPS, Count: now.NPSCount},
		{Name: "CSAT", Scale: "% satisfied, higher is better", Value: now.CSAT, Count: now.CSATCount},
		{Name: "CES", Scale: "1 to 7, lower is better", Value: now.CES, Count: now.CESCount},
	}
	for _, p := range t.Periods {
		var sum [3]float64
		var n [3]int
		for _, g := range p.Groups {
			for i, m := range []struct {
				v *float64
				n int
			}{{g.NPS, g.NPSCount}, {g.CSAT, g.CSATCount}, {g.CES, g.CESCount}} {
				if m.v != nil && m.n > 0 {
					sum[i] += *m.v * float64(m.n)
					n[i] += m.n
				}
			}
		}
		for i := range figs {
			if n[i] > 0 {
				figs[i].Months = append(figs[i].Months, point{Label: p.Period, Value: sum[i] / float64(n[i])})
			}
		}
	}
	return figs, nil
}

// gaps are the program's gaps as a to-do list, each linked to the page
// where it gets an owner.
func gaps(g api.Gaps) []gap {
	var out []gap
	if g.NoSponsor {
		out = append(out, gap{Text: "The program has no CX sponsor: the administrator appoints one."})
	}
	if g.NoCXManager {
		out = append(out, gap{Text: "The program has no CX manager: the administrator appoints one."})
	}
	for _, d := range g.DepartmentsWithoutAmbassador {
		out = append(out, gap{Text: "The " + d + " department has no CX ambassador."})
	}
	for _, k := range g.KPIsWithoutOwner {
		out = append(out, gap{Text: "KPI “" + k.Name + "” has no owner.", Link: "/kpis#kpi-" + k.ID})
	}
	for _, in := range g.InitiativesWithoutOwner {
		out = append(out, gap{Text: "Approved initiative “" + in.Title + "” has no owner.", Link: "/initiatives/" + in.ID})
	}
	return out
}
