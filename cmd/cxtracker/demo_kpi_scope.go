package main

// addKPIScope adds the scope of a feedback KPI (its stage or touchpoint) to
// the body that defines it, so that the tracker computes the KPI from the
// feedback there; a feedback KPI with neither covers the whole program.
func (l *demoLoader) addKPIScope(k demoKPI, body obj) {
	if k.feedback.stage != "" {
		body["stage_id"] = l.stages[k.feedback.stage]
	}
	if k.feedback.touchpoint != "" {
		body["touchpoint_id"] = l.touchpoints[k.feedback.touchpoint]
	}
}
