package projections

import (
	"io"
	"maps"
	"slices"
	"time"

	"cxtracker/events"
)

// savedJourneys is the journey model as a checkpoint holds it; the index
// of touchpoints by id is made again on loading.
type savedJourneys struct {
	Journeys  map[string]savedJourney
	Following map[string]string
}

type savedJourney struct {
	ID, Name, Segment string
	MappedAt          time.Time
	Stages            []savedStage
}

type savedStage struct {
	ID, Name    string
	Touchpoints []savedTouchpoint
}

type savedTouchpoint struct {
	View    TouchpointView
	Summary events.Summary
	Open    int
}

// SaveCheckpoint implements Checkpointed.
func (m *Journeys) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := savedJourneys{Journeys: make(map[string]savedJourney, len(m.journeys)), Following: m.following}
	for id, j := range m.journeys {
		s.Journeys[id] = savedJourney{ID: j.id, Name: j.name, Segment: j.segment, MappedAt: j.mappedAt,
			Stages: convert(j.stages, func(st *mapStage) savedStage {
				return savedStage{ID: st.id, Name: st.name, Touchpoints: convert(st.touchpoints, func(tp *mapTouchpoint) savedTouchpoint {
					return savedTouchpoint{View: tp.view, Summary: tp.summary, Open: tp.open}
				})}
			})}
	}
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed.
func (m *Journeys) LoadCheckpoint(r io.Reader) error {
	var s savedJourneys
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.following, s.Following)
	// In the order a replay adds them, as far as the map tells it: by
	// journey, stage and touchpoint.
	for _, id := range slices.Sorted(maps.Keys(s.Journeys)) {
		j := s.Journeys[id]
		m.journeys[id] = &journeyMap{id: j.ID, name: j.Name, segment: j.Segment, mappedAt: j.MappedAt,
			stages: convert(j.Stages, func(st savedStage) *mapStage {
				return &mapStage{id: st.ID, name: st.Name, touchpoints: convert(st.Touchpoints, func(tp savedTouchpoint) *mapTouchpoint {
					t := &mapTouchpoint{view: tp.View, summary: tp.Summary, open: tp.Open}
					m.touchpoints[tp.View.ID] = t
					return t
				})}
			})}
	}
	return nil
}
