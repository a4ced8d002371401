package events

import (
	"math"
	"testing"
	"time"
)

func TestKPICommands(t *testing.T) {
	k := kpiAgg(kpi1)
	defined := on(k, KPIDefined{KPIID: kpi1, Name: "Branch NPS", Metric: MetricNPS, Unit: "points", Target: 30, Direction: HigherIsBetter, OwnerID: bob})
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
