package projections

import (
	"slices"
	"sync"
	"time"

	"cxtracker/events"
)

// Journeys is the read model of the journey maps: ordered stages, their
// touchpoints, and the feedback figures of each touchpoint and stage. The
// figures are running aggregates kept up to date on each event (a Summary
// per touchpoint; a stage's is the merge of its touchpoints'), so reading a
// map costs as much as its touchpoints, never as much as its feedback.
type Journeys struct {
	mu          sync.RWMutex
	journeys    map[string]*journeyMap
	touchpoints map[string]*mapTouchpoint
	// following maps the feedback of each open follow-up to its touchpoint,
	// since the closing event names neither.
	following map[string]string
}

// JourneyFigures are the feedback figures of a touchpoint, a stage or a
// whole journey: how many items, their metrics, and the follow-ups still open.
type JourneyFigures struct {
	Count int `json:"count"`
	Metrics
	OpenFollowUps int `json:"open_follow_ups"`
	// OverdueFollowUps is how many of the open follow-ups are past their
	// due time now; given only by a journey map read now (see
	// Feedback.WithOverdue), absent elsewhere.
	OverdueFollowUps *int `json:"overdue_follow_ups,omitempty"`
}

// JourneyView is one journey map.
type JourneyView struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Segment  string      `json:"segment,omitempty"`
	MappedAt time.Time   `json:"mapped_at"`
	Stages   []StageView `json:"stages"`
	JourneyFigures
	// Period is the figures of a period asked for (from, to), beside the
	// previous period's; absent otherwise.
	Period *PeriodFigures `json:"period,omitempty"`
}

// StageView is one stage of a map, with its touchpoints in the order they
// were added.
type StageView struct {
	ID          string           `json:"id"`
	JourneyID   string           `json:"journey_id"`
	Name        string           `json:"name"`
	Position    int              `json:"position"`
	Touchpoints []TouchpointView `json:"touchpoints"`
	JourneyFigures
	// Period is the figures of a period asked for (from, to), beside the
	// previous period's; absent otherwise.
	Period *PeriodFigures `json:"period,omitempty"`
}

// TouchpointView is one touchpoint of a map. A retired touchpoint stays on
// the map with its history.
type TouchpointView struct {
	ID          string `json:"id"`
	JourneyID   string `json:"journey_id"`
	StageID     string `json:"stage_id"`
	Name        string `json:"name"`
	Channel     string `json:"channel"`
	OwnerCrewID string `json:"owner_crew_id,omitempty"`
	// OwnerCrewName is the owner crew's name, filled when read (Names).
	OwnerCrewName string `json:"owner_crew_name,omitempty"`
	Retired       bool   `json:"retired"`
	RetiredReason string `json:"retired_reason,omitempty"`
	JourneyFigures
	// Period is the figures of a period asked for (from, to), beside the
	// previous period's; absent otherwise.
	Period *PeriodFigures `json:"period,omitempty"`
}

type journeyMap struct {
	id, name, segment string
	mappedAt          time.Time
	stages            []*mapStage
}

type mapStage struct {
	id, name    string
	touchpoints []*mapTouchpoint
}

type mapTouchpoint struct {
	view    TouchpointView // without its figures
	summary events.Summary
	open    int
}

// NewJourneys is an empty model.
func NewJourneys() *Journeys {
	return &Journeys{journeys: map[string]*journeyMap{}, touchpoints: map[string]*mapTouchpoint{}, following: map[string]string{}}
}

// Name implements Model.
func (m *Journeys) Name() string { return "journeys" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it shows journeys and the feedback and follow-ups on their
// touchpoints. A test (coverage_test.go) fails when a registered event type
// is neither handled nor listed here.
func (m *Journeys) Ignores() []string {
	return append(allKindsBut(events.KindJourney, events.KindFeedback, events.KindFollowUp),
		events.Type(events.KindFollowUp, events.EventFollowUpEscalated))
}

// Apply implements Model.
func (m *Journeys) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := p.(type) {
	case events.FeedbackLogged:
		if tp := m.touchpoints[e.TouchpointID]; tp != nil {
			_ = tp.summary.Add(e.Metric, e.Score) // A score off its scale was never logged.
		}
		return nil
	case events.FollowUpOpened:
		if tp := m.touchpoints[e.TouchpointID]; tp != nil {
			tp.open++
			m.following[e.FeedbackID] = e.TouchpointID
		}
		return nil
	case events.FollowUpClosed:
		id, err := aggregateID(rec)
		if err != nil {
			return err
		}
		if tp := m.touchpoints[m.following[id]]; tp != nil {
			tp.open--
		}
		delete(m.following, id)
		return nil
	case events.JourneyMapped:
		m.journeys[e.JourneyID] = &journeyMap{id: e.JourneyID, name: e.Name, segment: e.Segment, mappedAt: rec.Event.Time}
		return nil
	}
	id, ok, err := idOfKind(rec, events.KindJourney)
	if !ok {
		return err
	}
	if j := m.journeys[id]; j != nil {
		m.applyToMap(j, p)
	}
	return nil
}

// applyToMap changes one map's stages and touchpoints.
func (m *Journeys) applyToMap(j *journeyMap, p events.Payload) {
	switch e := p.(type) {
	case events.StageAdded:
		j.stages = placeStage(j.stages, &mapStage{id: e.StageID, name: e.Name}, e.Position)
	case events.StageRenamed:
		if st := j.stage(e.StageID); st != nil {
			st.name = e.Name
		}
	case events.StageMoved:
		if i := slices.IndexFunc(j.stages, func(s *mapStage) bool { return s.id == e.StageID }); i >= 0 {
			st := j.stages[i]
			j.stages = placeStage(slices.Delete(j.stages, i, i+1), st, e.Position)
		}
	case events.TouchpointAdded:
		if st := j.stage(e.StageID); st != nil {
			tp := &mapTouchpoint{view: TouchpointView{ID: e.TouchpointID, JourneyID: j.id, StageID: e.StageID,
				Name: e.Name, Channel: e.Channel, OwnerCrewID: e.OwnerCrewID}}
			st.touchpoints = append(st.touchpoints, tp)
			m.touchpoints[e.TouchpointID] = tp
		}
	case events.TouchpointOwnerChanged:
		if tp := m.touchpoints[e.TouchpointID]; tp != nil {
			tp.view.OwnerCrewID = e.OwnerCrewID
		}
	case events.TouchpointRetired:
		if tp := m.touchpoints[e.TouchpointID]; tp != nil {
			tp.view.Retired, tp.view.RetiredReason = true, e.Reason
		}
	}
}

// placeStage puts st at position (1 is the first), as the write side does.
func placeStage[S any](stages []S, st S, position int) []S {
	return slices.Insert(stages, min(max(position, 1), len(stages)+1)-1, st)
}

func (j *journeyMap) stage(id string) *mapStage {
	for _, st := range j.stages {
		if st.id == id {
			return st
		}
	}
	return nil
}
