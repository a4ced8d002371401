package main

import (
	"context"
	"net/http"
)

// demoStages are the AARRR stages, the pirate metrics, in journey order.
var demoStages = []string{"Acquisition", "Activation", "Retention", "Referral", "Revenue"}

// demoTouchpoint is a touchpoint of the demo journey and how its customers
// feel about it. Quality is from 0 (awful) to 1 (delightful); a weak
// touchpoint that an initiative fixed has a better quality from fixedAgo
// days before today.
type demoTouchpoint struct {
	key, stage, name, channel, crew string
	// volume is the touchpoint's share of the feedback, relatively.
	volume float64
	// metrics weights the metrics asked there: NPS, CSAT, CES.
	metrics [3]float64
	quality float64
	// fixed, when positive, is the quality from fixedAgo days ago on.
	fixed    float64
	fixedAgo int
	sources  []string
}

var demoTouchpoints = []demoTouchpoint{
	{"website", "Acquisition", "Website and pricing page", "web", "new_business", 6, [3]float64{1, 2, 1}, 0.82, 0, 0,
		[]string{"survey", "survey", "web_form"}},
	{"discovery_call", "Acquisition", "Sales discovery call", "phone", "new_business", 4, [3]float64{2, 3, 0}, 0.84, 0, 0,
		[]string{"survey", "ambassador"}},
	{"reseller", "Acquisition", "Reseller introduction", "partner", "partners", 2, [3]float64{3, 1, 0}, 0.72, 0, 0,
		[]string{"survey", "partner_portal"}},
	{"trial", "Activation", "Trial sign-up", "web", "onboarding", 5, [3]float64{0, 2, 3}, 0.79, 0, 0,
		[]string{"in_app", "survey"}},
	{"kickoff", "Activation", "Onboarding kickoff call", "video_call", "onboarding", 4, [3]float64{2, 3, 0}, 0.86, 0, 0,
		[]string{"survey", "ambassador"}},
	{"data_import", "Activation", "Data import", "in_app", "onboarding", 5, [3]float64{0, 1, 4}, 0.38, 0.70, 75,
		[]string{"in_app", "survey", "call_centre"}},
	{"hotline", "Retention", "Support hotline", "phone", "service", 14, [3]float64{3, 4, 2}, 0.64, 0, 0,
		[]string{"call_centre", "call_centre", "survey", "ambassador"}},
	{"chat", "Retention", "Help centre chat", "chat", "service", 10, [3]float64{1, 4, 2}, 0.80, 0, 0,
		[]string{"chat", "survey"}},
	{"qbr", "Retention", "Quarterly business review", "meeting", "experience", 2, [3]float64{4, 1, 0}, 0.83, 0, 0,
		[]string{"survey", "ambassador"}},
	{"referral", "Referral", "Referral programme", "email", "partners", 2, [3]float64{2, 1, 0}, 0.76, 0, 0,
		[]string{"email", "survey"}},
	{"billing", "Revenue", "Invoices and billing", "email", "service", 6, [3]float64{1, 4, 1}, 0.62, 0.75, 40,
		[]string{"survey", "call_centre", "email"}},
	{"renewal", "Revenue", "Contract renewal", "meeting", "service", 3, [3]float64{3, 2, 0}, 0.77, 0, 0,
		[]string{"survey", "ambassador"}},
}

// demoKPI is a KPI of the program. The feedback KPIs (metric nps, csat or
// ces) are computed by the tracker from the feedback in their scope (all
// of it when none is named; see demo_kpi_scope.go); the others are
// measured by hand each month along a path from start towards end.
type demoKPI struct {
	key, name, metric, unit, direction, owner, scope string
	target, start, end                               float64
	feedback                                         demoScope
}

// demoScope is the stage or touchpoint (by key) whose feedback a feedback
// KPI is computed from.
type demoScope struct{ stage, touchpoint string }

// byHand says whether the KPI is measured by hand rather than computed
// from the feedback.
func (k demoKPI) byHand() bool { return k.start != 0 || k.end != 0 }

var demoKPIs = []demoKPI{
	{"nps", "Relationship NPS", "nps", "points", "higher_is_better", "cx_manager", "program", 30, 0, 0, demoScope{}},
	{"onboarding_ces", "Onboarding effort", "ces", "mean effort 1-7", "lower_is_better", "product_expert", "stage Activation", 3.0, 0, 0,
		demoScope{stage: "Activation"}},
	{"support_csat", "Support satisfaction", "csat", "% satisfied", "higher_is_better", "cs_expert", "touchpoint Support hotline", 85, 0, 0,
		demoScope{touchpoint: "hotline"}},
	{"billing_csat", "Billing satisfaction", "csat", "% satisfied", "higher_is_better", "finance_expert", "touchpoint Invoices and billing", 80, 0, 0,
		demoScope{touchpoint: "billing"}},
	{"time_to_value", "Time to first value", "time_to_first_value", "days", "lower_is_better", "product_expert", "stage Activation", 14, 26, 17, demoScope{}},
	{"referral_rate", "Customers who refer", "referral_rate", "% of customers", "higher_is_better", "partner_manager", "stage Referral", 8, 4.1, 6.3, demoScope{}},
	// Nobody owns retention yet: the overview shows it as a gap.
	{"grr", "Gross revenue retention", "gross_revenue_retention", "%", "higher_is_better", "", "program", 92, 88.5, 90.2, demoScope{}},
}

// planJourney maps the customer lifecycle on the program's first morning,
// a quarter before the council is seated and before the first feedback:
// the five AARRR stages and a dozen touchpoints, each owned by a crew. In
// the fifth month of the council's year the experience crew takes the
// renewal conversation over from the service crew, which is why its map
// shows a new owner.
func (l *demoLoader) planJourney() {
	l.tl.at(l.day(-demoBaselineDays, 5, 56), func(ctx context.Context) error {
		id, err := l.create(ctx, "/v1/journeys", obj{"name": "Business customer lifecycle", "segment": "small and mid-sized businesses"})
		if err != nil {
			return err
		}
		l.res.JourneyID = id
		for i, name := range demoStages {
			sid, err := l.create(ctx, "/v1/journeys/"+id+"/stages", obj{"name": name, "position": i + 1})
			if err != nil {
				return err
			}
			l.stages[name] = sid
		}
		for _, tp := range demoTouchpoints {
			tid, err := l.create(ctx, "/v1/journeys/"+id+"/touchpoints",
				obj{"stage_id": l.stages[tp.stage], "name": tp.name, "channel": tp.channel, "owner_crew_id": l.crews[tp.crew]})
			if err != nil {
				return err
			}
			l.touchpoints[tp.key] = tid
			l.res.Touchpoints++
		}
		return nil
	})
	l.tl.at(l.day(120, 10, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodPatch, "/v1/journeys/"+l.res.JourneyID+"/touchpoints/"+l.touchpoints["renewal"],
			obj{"owner_crew_id": l.crews["experience"]})
	})
}

// planKPIs defines the program's KPIs at the council's first working
// session; the target of the relationship NPS is raised once the first
// quarter's results are in.
func (l *demoLoader) planKPIs() {
	for i, k := range demoKPIs {
		l.tl.at(l.day(10, 15, i), func(ctx context.Context) error {
			body := obj{"name": k.name, "metric": k.metric, "unit": k.unit, "target": k.target, "direction": k.direction, "scope": k.scope}
			if k.owner != "" {
				body["owner_id"] = l.people[k.owner]
			}
			l.addKPIScope(k, body)
			id, err := l.create(ctx, "/v1/kpis", body)
			l.kpis[k.key] = id
			l.res.KPIs++
			return err
		})
	}
	l.tl.at(l.day(100, 9, 0), func(ctx context.Context) error {
		return l.post(ctx, http.MethodPatch, "/v1/kpis/"+l.kpis["nps"], obj{"target": 35})
	})
}
