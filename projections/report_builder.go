package projections

import (
	"cmp"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"cxtracker/events"
)

// reportBuilder folds the log into what a council report needs.
type reportBuilder struct {
	from, to time.Time
	// previousFrom starts the period before [from, to) (PreviousPeriod).
	previousFrom time.Time

	r           CouncilReport
	initiatives map[string]string   // id -> title
	journeys    map[string]string   // id -> name
	stageNames  map[string]string   // stage id -> name
	stageOrder  map[string][]string // journey id -> its stage ids, in order
	touchpoints map[string]*reportTouchpoint
	openFollow  map[string]bool
	crews       map[string]ReportCrew
	people      map[string]reportPerson
	ambassadors map[string]string // person id -> department
	kpis        map[string]*ReportKPI
	kpiOrder    []string
	// initiativesAt and kpisAt are the initiatives and KPIs as the report
	// knows them at the period's end: what each decision's impact, and each
	// computed KPI's value, are read from (see impacts).
	initiativesAt *Initiatives
	kpisAt        *KPIs
	// settled is the stored time of a record the feedback model has taken
	// in, zero when the builder knows none: it lets the windows known at
	// each decision be read once and kept (see outcomeBasis).
	settled time.Time
}

type reportTouchpoint struct {
	journeyID, stageID, name string
	// previous and current are the feedback that occurred in the previous
	// period and in the report's.
	previous, current events.Summary
}

type reportPerson struct {
	name, department string
	left             bool
}

func newReportBuilder(from, to, knownAt time.Time) *reportBuilder {
	return &reportBuilder{
		from: from, to: to, previousFrom: PreviousPeriod(from, to),
		r:           CouncilReport{From: from, To: to, KnownAt: knownAt},
		initiatives: map[string]string{}, journeys: map[string]string{},
		stageNames: map[string]string{}, stageOrder: map[string][]string{}, touchpoints: map[string]*reportTouchpoint{},
		openFollow: map[string]bool{}, crews: map[string]ReportCrew{}, people: map[string]reportPerson{},
		ambassadors: map[string]string{}, kpis: map[string]*ReportKPI{},
		initiativesAt: NewInitiatives(), kpisAt: NewKPIs(),
	}
}

// Name makes the builder a Model that a replay feeds.
func (b *reportBuilder) Name() string { return "councilreport" }

// Apply folds one event in, by business time (when it happened, the
// event's time): an event that happened at or after the period's end is
// left out, but for the journeys' map (names, stages, touchpoints: the map
// as the log knows it, which the period's feedback is shown on) and
// feedback, which counts by its own occurred_at. in reports whether it
// happened in the period. Which events reach Apply at all is the recorded
// time's cut (known_at), made by whoever feeds the builder.
func (b *reportBuilder) Apply(rec events.Record, p events.Payload) error {
	agg, _, _ := events.ParseSubject(rec.Subject)
	at := rec.Event.Time.UTC()
	if !at.Before(b.to) && !timeless(p) {
		return nil
	}
	in := !at.Before(b.from)
	if _, ok := p.(events.FeedbackLogged); !ok {
		if err := b.initiativesAt.Apply(rec, p); err != nil {
			return err
		}
		if err := b.kpisAt.Apply(rec, p); err != nil {
			return err
		}
	}
	switch e := p.(type) {
	case events.PersonRegistered:
		b.people[e.PersonID] = reportPerson{name: e.Name, department: e.Department}
	case events.PersonDetailsChanged:
		b.people[e.PersonID] = reportPerson{name: e.Name, department: e.Department, left: b.people[e.PersonID].left}
	case events.PersonLeft:
		pp := b.people[e.PersonID]
		pp.left = true
		b.people[e.PersonID] = pp
	case events.PersonErased:
		pp := b.people[e.PersonID]
		pp.name = events.Erased
		b.people[e.PersonID] = pp
	case events.AmbassadorAssigned:
		b.ambassadors[e.PersonID] = e.Department
	case events.AmbassadorReleased:
		delete(b.ambassadors, e.PersonID)
	case events.CrewFormed:
		c := ReportCrew{CrewID: e.CrewID, Name: e.Name, Type: e.Type, At: at}
		b.crews[e.CrewID] = c
		if in {
			b.r.Formed = append(b.r.Formed, c)
		}
	case events.CrewDisbanded:
		if c := b.crews[agg.ID]; in {
			c.At, c.Reason = at, e.Reason
			b.r.Disbanded = append(b.r.Disbanded, c)
		}
	case events.InitiativeProposed:
		b.initiatives[e.InitiativeID] = e.Title
	case events.InitiativeDecided:
		if in {
			b.r.Decisions = append(b.r.Decisions, ReportDecision{InitiativeID: agg.ID, Title: b.initiatives[agg.ID], Outcome: e.Outcome,
				Rationale: e.Rationale, DecidedBy: e.DecidedBy, DecidedAt: at, Tally: e.Tally, Quorum: e.Quorum, ChairDecision: e.ChairDecision, seq: rec.Seq})
		}
	case events.InitiativeStarted:
		b.lifecycle(&b.r.Started, in, agg.ID, at, "")
	case events.InitiativeCompleted:
		b.lifecycle(&b.r.Completed, in, agg.ID, at, e.Outcome)
	case events.InitiativeCancelled:
		b.lifecycle(&b.r.Cancelled, in, agg.ID, at, e.Reason)
	case events.JourneyMapped:
		b.journeys[e.JourneyID] = e.Name
	case events.StageAdded:
		b.stageNames[e.StageID] = e.Name
		b.stageOrder[agg.ID] = placeStage(b.stageOrder[agg.ID], e.StageID, e.Position)
	case events.StageRenamed:
		if _, ok := b.stageNames[e.StageID]; ok {
			b.stageNames[e.StageID] = e.Name
		}
	case events.StageMoved:
		order := b.stageOrder[agg.ID]
		if i := slices.Index(order, e.StageID); i >= 0 {
			b.stageOrder[agg.ID] = placeStage(slices.Delete(order, i, i+1), e.StageID, e.Position)
		}
	case events.TouchpointAdded:
		b.touchpoints[e.TouchpointID] = &reportTouchpoint{journeyID: agg.ID, stageID: e.StageID, name: e.Name}
	case events.FeedbackLogged:
		b.feedback(e, rec.Event.Time)
	case events.FollowUpOpened:
		b.openFollow[e.FeedbackID] = true
	case events.FollowUpClosed:
		delete(b.openFollow, agg.ID)
	case events.KPIDefined:
		b.kpis[e.KPIID] = &ReportKPI{KPIID: e.KPIID, Name: e.Name, Metric: e.Metric, Target: e.Target, Direction: e.Direction, OwnerID: e.OwnerID}
		b.kpiOrder = append(b.kpiOrder, e.KPIID)
	case events.KPITargetChanged:
		if k := b.kpis[agg.ID]; k != nil {
			k.Target = e.Target
		}
	case events.KPIOwnerChanged:
		if k := b.kpis[agg.ID]; k != nil {
			k.OwnerID = e.OwnerID
		}
	case events.MeasurementRecorded:
		if k := b.kpis[agg.ID]; k != nil {
			v := e.Value
			k.Value = &v
		}
	case events.KPIRetired:
		delete(b.kpis, agg.ID)
	}
	return nil
}

// timeless says whether the report takes p in whenever it happened: the
// journeys' map, and feedback, which has its own time.
func timeless(p events.Payload) bool {
	switch p.(type) {
	case events.JourneyMapped, events.StageAdded, events.StageRenamed, events.StageMoved, events.TouchpointAdded, events.FeedbackLogged:
		return true
	}
	return false
}

func (b *reportBuilder) lifecycle(list *[]ReportInitiative, in bool, id string, at time.Time, note string) {
	if in {
		*list = append(*list, ReportInitiative{InitiativeID: id, Title: b.initiatives[id], At: at, Note: note})
	}
}

// feedback counts an item in the period it occurred in: the report's or
// the one before.
func (b *reportBuilder) feedback(e events.FeedbackLogged, eventTime time.Time) {
	tp := b.touchpoints[e.TouchpointID]
	if tp == nil {
		return
	}
	occurred := e.OccurredAt
	if occurred.IsZero() {
		occurred = eventTime
	}
	switch {
	case occurred.Before(b.previousFrom) || !occurred.Before(b.to):
	case occurred.Before(b.from):
		_ = tp.previous.Add(e.Metric, e.Score)
	default:
		_ = tp.current.Add(e.Metric, e.Score)
	}
}

// report finishes the report at the period's end, reading the impact of
// its decisions and the values of its computed KPIs from the feedback
// model f, which holds at least what the log recorded at the report's
// known_at.
func (b *reportBuilder) report(f *Feedback) (*CouncilReport, error) {
	r := b.r
	r.FollowUps = len(b.openFollow)
	type stageAgg struct {
		previous, current events.Summary
	}
	perStage := map[string]*stageAgg{}
	var tps []moverPlace
	for id, tp := range b.touchpoints {
		tps = append(tps, moverPlace{Mover: Mover{JourneyID: tp.journeyID, Journey: b.journeys[tp.journeyID], StageID: tp.stageID, TouchpointID: id, Name: tp.name},
			current: tp.current, previous: tp.previous})
		sa := perStage[tp.stageID]
		if sa == nil {
			sa = &stageAgg{}
			perStage[tp.stageID] = sa
		}
		sa.previous.Merge(tp.previous)
		sa.current.Merge(tp.current)
	}
	r.Movers.Fallers, r.Movers.Risers = moversOf(tps)
	r.Movers.Fallers, r.Movers.Risers = r.Movers.Fallers[:min(len(r.Movers.Fallers), reportMovers)], r.Movers.Risers[:min(len(r.Movers.Risers), reportMovers)]
	// Stages go by journey (name, then id), each journey's in its order, as
	// the stages were added and moved.
	journeys := slices.SortedFunc(maps.Keys(b.stageOrder), func(x, y string) int {
		return cmp.Or(strings.Compare(b.journeys[x], b.journeys[y]), strings.Compare(x, y))
	})
	for _, jid := range journeys {
		for _, id := range b.stageOrder[jid] {
			sa := perStage[id]
			if sa == nil {
				sa = &stageAgg{}
			}
			r.Stages = append(r.Stages, ReportStage{JourneyID: jid, Journey: b.journeys[jid], ID: id, Name: b.stageNames[id],
				PeriodFigures: PeriodFiguresOf(b.from, b.to, sa.current, sa.previous)})
		}
	}
	r.Coverage = b.coverage()
	r.nonNil()
	if err := b.impacts(&r, f); err != nil {
		return nil, err
	}
	for _, id := range b.kpiOrder {
		if k := b.kpis[id]; k != nil {
			if err := b.computed(k, f); err != nil {
				return nil, err
			}
			if k.Value != nil {
				met := meetsTarget(k.Direction, k.Target, *k.Value)
				k.Met = &met
			}
			r.KPIs = append(r.KPIs, *k)
		}
	}
	return &r, nil
}

// coverage lists every department of the program (of its people and its
// ambassadors) with its ambassadors by name: an empty list is a gap.
func (b *reportBuilder) coverage() []Coverage {
	byDept := map[string][]string{}
	for _, p := range b.people {
		if _, ok := byDept[p.department]; !ok && !p.left && p.department != "" {
			byDept[p.department] = nil
		}
	}
	for pid, dept := range b.ambassadors {
		name := b.people[pid].name
		if name == "" {
			name = pid
		}
		byDept[dept] = append(byDept[dept], name)
	}
	out := make([]Coverage, 0, len(byDept))
	for d, names := range byDept {
		sort.Strings(names)
		if names == nil {
			names = []string{}
		}
		out = append(out, Coverage{Department: d, Ambassadors: names})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Department < out[j].Department })
	return out
}

// nonNil makes every list of the report a list, even when empty: clients
// read [] as "none", and null as something else.
func (r *CouncilReport) nonNil() {
	for _, l := range []*[]ReportInitiative{&r.Started, &r.Completed, &r.Cancelled} {
		if *l == nil {
			*l = []ReportInitiative{}
		}
	}
	if r.Stages == nil {
		r.Stages = []ReportStage{}
	}
	for _, l := range []*[]ReportCrew{&r.Formed, &r.Disbanded} {
		if *l == nil {
			*l = []ReportCrew{}
		}
	}
	if r.Decisions == nil {
		r.Decisions = []ReportDecision{}
	}
	if r.KPIs == nil {
		r.KPIs = []ReportKPI{}
	}
}
