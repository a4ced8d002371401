package main

// demoKPIScopes says whether the demo defines its feedback KPIs with their
// scope (stage_id, touchpoint_id on POST /v1/kpis), so that the tracker
// computes them from the feedback. The API takes these fields from the
// branch i15-kpis on and refuses them as unknown before it: set this to
// true when that branch is merged.
const demoKPIScopes = false

// addKPIScope adds the scope of a feedback KPI to the body that defines
// it, when the tracker takes scopes (demoKPIScopes).
func (l *demoLoader) addKPIScope(k demoKPI, body obj) {
	if !demoKPIScopes {
		return
	}
	if k.feedback.stage != "" {
		body["stage_id"] = l.stages[k.feedback.stage]
	}
	if k.feedback.touchpoint != "" {
		body["touchpoint_id"] = l.touchpoints[k.feedback.touchpoint]
	}
}
