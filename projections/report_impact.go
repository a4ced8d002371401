package projections

import (
	"time"
)

// impacts fills in the impact of each of r's decisions with the decision
// log's code (outcomeBasis): the initiatives and KPIs as the report knows
// them at the period's end, the names of the stages and touchpoints as the
// log knew them, the feedback of f cut at the report's known_at, and the
// windows still open ending at the period's end. So the impact in a report
// is the same whenever it is built, and whether from the read models or by
// a replay.
func (b *reportBuilder) impacts(r *CouncilReport, f *Feedback) error {
	if len(r.Decisions) == 0 {
		return nil
	}
	ds := b.initiativesAt.Decisions(DecisionFilter{From: b.from, To: b.to})
	basis := outcomeBasis{feedback: f, names: b.placeNames(), kpi: b.kpisAt.Get, now: b.to, knownAt: r.KnownAt, settled: b.settled}
	if err := basis.fill(ds); err != nil {
		return err
	}
	bySeq := make(map[uint64]*DecisionOutcome, len(ds))
	for _, d := range ds {
		bySeq[d.Decision.Seq] = d.Outcome
	}
	for i := range r.Decisions {
		r.Decisions[i].Impact = bySeq[r.Decisions[i].seq]
	}
	return nil
}

// computed sets the value of k, when it is computed from the feedback:
// its scope's figure for the period, as the log knew it at the report's
// known_at.
func (b *reportBuilder) computed(k *ReportKPI, f *Feedback) error {
	k.Source = KPISourceHand
	kv, ok := b.kpisAt.Get(k.KPIID)
	scope, computed := kpiFeedbackScope(kv)
	if !ok || !computed {
		return nil
	}
	k.Source = KPISourceFeedback
	fig, err := f.Figures(scope, b.from, b.to, b.r.KnownAt.Add(time.Nanosecond))
	if err != nil {
		return err
	}
	v := metricValue(k.Metric, fig)
	k.Value, k.Count, k.Margin = v.Value, v.Count, v.Margin
	return nil
}

// placeNames names every stage and touchpoint the report knows by id.
func (b *reportBuilder) placeNames() map[string]string {
	out := make(map[string]string, len(b.stageNames)+len(b.touchpoints))
	for id, name := range b.stageNames {
		out[id] = name
	}
	for id, tp := range b.touchpoints {
		out[id] = tp.name
	}
	return out
}
