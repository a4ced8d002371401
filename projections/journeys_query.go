package projections

import "cxtracker/events"

// Get is the map of the journey with id.
func (m *Journeys) Get(id string) (JourneyView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewOf(m.journeys, id, (*journeyMap).view)
}

// List is every journey map, ordered by id.
func (m *Journeys) List() []JourneyView {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return viewsByID(m.journeys, (*journeyMap).view)
}

// Stage is one stage of a journey, with its touchpoints and figures.
func (m *Journeys) Stage(journeyID, stageID string) (StageView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if j := m.journeys[journeyID]; j != nil {
		for i, st := range j.stages {
			if st.id == stageID {
				v, _ := st.view(j.id, i+1)
				return v, true
			}
		}
	}
	return StageView{}, false
}

// Touchpoint is the touchpoint with id, in whichever journey.
func (m *Journeys) Touchpoint(id string) (TouchpointView, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	tp, ok := m.touchpoints[id]
	if !ok {
		return TouchpointView{}, false
	}
	return tp.figured(), true
}

func (j *journeyMap) view() JourneyView {
	v := JourneyView{ID: j.id, Name: j.name, Segment: j.segment, MappedAt: j.mappedAt, Stages: make([]StageView, 0, len(j.stages))}
	var sum events.Summary
	for i, st := range j.stages {
		sv, s := st.view(j.id, i+1)
		v.Stages = append(v.Stages, sv)
		sum.Merge(s)
		v.OpenFollowUps += sv.OpenFollowUps
	}
	v.JourneyFigures = figuresOf(sum, v.OpenFollowUps)
	return v
}

// view is the stage at position with its touchpoints, and the merge of
// their summaries.
func (st *mapStage) view(journeyID string, position int) (StageView, events.Summary) {
	v := StageView{ID: st.id, JourneyID: journeyID, Name: st.name, Position: position, Touchpoints: make([]TouchpointView, 0, len(st.touchpoints))}
	var sum events.Summary
	open := 0
	for _, tp := range st.touchpoints {
		v.Touchpoints = append(v.Touchpoints, tp.figured())
		sum.Merge(tp.summary)
		open += tp.open
	}
	v.JourneyFigures = figuresOf(sum, open)
	return v, sum
}

func (tp *mapTouchpoint) figured() TouchpointView {
	v := tp.view
	v.JourneyFigures = figuresOf(tp.summary, tp.open)
	return v
}

func figuresOf(s events.Summary, open int) JourneyFigures {
	return JourneyFigures{Count: summaryCount(s), Metrics: MetricsOf(s), OpenFollowUps: open}
}

// summaryCount is how many scores of any metric a summary counts.
func summaryCount(s events.Summary) int { return s.NPSCount + s.CSATCount + s.CESCount }
