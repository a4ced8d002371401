package events

import (
	"math"
	"testing"
	"time"
)

func TestKPICommands(t *testing.T) {
	k := kpiAgg(kpi1)
	defined := on(k, KPIDefined{KPIID: kpi1, Name: "Referrals", Metric: "referral_rate", Unit: "%", Target: 30, Direction: HigherIsBetter, OwnerID: bob})
	retired := on(kpiAgg(kpiOld), KPIDefined{KPIID: kpiOld, Name: "Old", Metric: "x", Unit: "u", Direction: LowerIsBetter}, KPIRetired{})
	at := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	run(t, []scenario{
		{name: "define", given: council(),
			when: DefineKPI{KPIID: kpi1, Name: "Branch NPS", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter, OwnerID: bob, Scope: "journey"},
			then: on(k, KPIDefined{KPIID: kpi1, Name: "Branch NPS", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter, OwnerID: bob, Scope: "journey"})},
		{name: "define without an owner yet", when: DefineKPI{KPIID: kpi1, Name: "Effort", Metric: MetricCES, Unit: "score", Target: 2.5, Direction: LowerIsBetter},
			then: on(k, KPIDefined{KPIID: kpi1, Name: "Effort", Metric: MetricCES, Unit: "score", Target: 2.5, Direction: LowerIsBetter})},
		{name: "a direction is higher or lower is better", when: DefineKPI{KPIID: kpi1, Name: "E", Metric: "m", Unit: "u", Direction: "up"},
			code: CodeInvalid, field: "direction"},
		{name: "a target is a number", when: DefineKPI{KPIID: kpi1, Name: "E", Metric: "m", Unit: "u", Direction: LowerIsBetter, Target: math.NaN()},
			code: CodeInvalid, field: "target"},
		{name: "an owner who left", given: council(), when: DefineKPI{KPIID: kpi1, Name: "E", Metric: "m", Unit: "u", Direction: LowerIsBetter, OwnerID: eve},
			code: CodeRuleForbids},
		{name: "define twice", given: given(council(), defined), when: DefineKPI{KPIID: kpi1, Name: "E", Metric: "m", Unit: "u", Direction: LowerIsBetter},
			code: CodeRuleForbids},

		{name: "change the target", given: given(council(), defined), when: ChangeKPI{KPIID: kpi1, Target: ptr(35.0)},
			then: on(k, KPITargetChanged{Target: 35, PreviousTarget: 30})},
		{name: "change target and owner at once", given: given(council(), defined), when: ChangeKPI{KPIID: kpi1, Target: ptr(35.0), OwnerID: ptr(cat)},
			then: on(k, KPITargetChanged{Target: 35, PreviousTarget: 30}, KPIOwnerChanged{OwnerID: cat, PreviousOwnerID: bob})},
		{name: "change nothing", given: given(council(), defined), when: ChangeKPI{KPIID: kpi1, Target: ptr(30.0), OwnerID: ptr(bob)}},
		{name: "change the owner to someone who left", given: given(council(), defined), when: ChangeKPI{KPIID: kpi1, OwnerID: ptr(eve)}, code: CodeRuleForbids},
		{name: "change a retired KPI", given: given(council(), retired), when: ChangeKPI{KPIID: kpiOld, Target: ptr(1.0)}, code: CodeRuleForbids},
		{name: "change an unknown KPI", when: ChangeKPI{KPIID: kpi1, Target: ptr(1.0)}, code: CodeNotFound},

		{name: "record a measurement", given: given(council(), defined), when: RecordMeasurement{KPIID: kpi1, Value: 27.5, MeasuredAt: at, Note: "Q1"},
			then: on(k, MeasurementRecorded{Value: 27.5, MeasuredAt: at, Note: "Q1"})},
		{name: "a measurement is a number", given: given(council(), defined), when: RecordMeasurement{KPIID: kpi1, Value: math.Inf(1)},
			code: CodeInvalid, field: "value"},
		{name: "no measurement of a retired KPI", given: retired, when: RecordMeasurement{KPIID: kpiOld, Value: 1}, code: CodeRuleForbids},

		{name: "retire", given: given(council(), defined), when: RetireKPI{KPIID: kpi1, Reason: "replaced"},
			then: on(k, KPIRetired{Reason: "replaced"})},
		{name: "retire twice", given: retired, when: RetireKPI{KPIID: kpiOld}, code: CodeRuleForbids},
	})
}

func TestAKPIOnTheFeedbackIsScopedToPartsThatExistAndFit(t *testing.T) {
	k := kpiAgg(kpi1)
	scoped := func(f FeedbackScope) DefineKPI {
		return DefineKPI{KPIID: kpi1, Name: "Call NPS", Metric: MetricNPS, Unit: "points", Target: 20, Direction: HigherIsBetter, Feedback: f}
	}
	full := FeedbackScope{JourneyID: jny, StageID: stg1, TouchpointID: tp1, Segment: "young adults"}
	churn := on(k, KPIDefined{KPIID: kpi1, Name: "Churn", Metric: "churn_rate", Unit: "%", Target: 5, Direction: LowerIsBetter})
	computed := on(k, KPIDefined{KPIID: kpi1, Name: "Call NPS", Metric: MetricNPS, Unit: "points", Target: 20, Direction: HigherIsBetter})
	run(t, []scenario{
		{name: "a journey, stage, touchpoint and segment that fit", given: world(), when: scoped(full),
			then: on(k, KPIDefined{KPIID: kpi1, Name: "Call NPS", Metric: MetricNPS, Unit: "points", Target: 20, Direction: HigherIsBetter, FeedbackScope: full})},
		{name: "a segment alone", when: scoped(FeedbackScope{Segment: "smb"}),
			then: on(k, KPIDefined{KPIID: kpi1, Name: "Call NPS", Metric: MetricNPS, Unit: "points", Target: 20, Direction: HigherIsBetter, FeedbackScope: FeedbackScope{Segment: "smb"}})},
		{name: "an unknown journey", given: world(), when: scoped(FeedbackScope{JourneyID: kpiOld}), code: CodeInvalid, field: "journey_id"},
		{name: "an unknown stage", given: world(), when: scoped(FeedbackScope{StageID: kpiOld}), code: CodeInvalid, field: "stage_id"},
		{name: "an unknown touchpoint", given: world(), when: scoped(FeedbackScope{TouchpointID: kpiOld}), code: CodeInvalid, field: "touchpoint_id"},
		{name: "a stage id that is no ULID", when: scoped(FeedbackScope{StageID: "stage 1"}), code: CodeInvalid, field: "stage_id"},
		{name: "a stage of another journey", given: world(), when: scoped(FeedbackScope{JourneyID: jny2, StageID: stg1}), code: CodeRuleForbids},
		{name: "a touchpoint of another journey", given: world(), when: scoped(FeedbackScope{JourneyID: jny2, TouchpointID: tp1}), code: CodeRuleForbids},
		{name: "a touchpoint at another stage", given: world(), when: scoped(FeedbackScope{StageID: stg2, TouchpointID: tp1}), code: CodeRuleForbids},
		{name: "a retired touchpoint", given: world(), when: scoped(FeedbackScope{TouchpointID: tpOld}), code: CodeRuleForbids},
		{name: "a scope on a metric entered by hand", given: world(),
			when: DefineKPI{KPIID: kpi1, Name: "Churn", Metric: "churn_rate", Unit: "%", Target: 5, Direction: LowerIsBetter, Feedback: FeedbackScope{StageID: stg1}},
			code: CodeInvalid, field: "stage_id"},
		{name: "a feedback metric in capitals", when: DefineKPI{KPIID: kpi1, Name: "NPS", Metric: "NPS", Unit: "points", Direction: HigherIsBetter},
			code: CodeInvalid, field: "metric"},

		{name: "no measurement by hand of a KPI computed from the feedback", given: computed, when: RecordMeasurement{KPIID: kpi1, Value: 30}, code: CodeRuleForbids},
		{name: "a churn KPI is measured by hand", given: churn, when: RecordMeasurement{KPIID: kpi1, Value: 4.2},
			then: on(k, MeasurementRecorded{Value: 4.2})},
	})
}
