package projections

import "io"

// savedCrews is the crew model as a checkpoint holds it.
type savedCrews struct {
	Who         directory
	Crews       map[string]savedCrew
	Touchpoints map[string]savedOwnedTouchpoint
}

type savedCrew struct {
	View    CrewView
	Members map[string]string
}

type savedOwnedTouchpoint struct {
	View  OwnedTouchpoint
	Owner string
}

// SaveCheckpoint implements Checkpointed.
func (m *Crews) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := savedCrews{Who: m.who, Crews: make(map[string]savedCrew, len(m.crews)), Touchpoints: make(map[string]savedOwnedTouchpoint, len(m.touchpoints))}
	for id, c := range m.crews {
		s.Crews[id] = savedCrew{View: c.view, Members: c.members}
	}
	for id, tp := range m.touchpoints {
		s.Touchpoints[id] = savedOwnedTouchpoint{View: tp.view, Owner: tp.owner}
	}
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed.
func (m *Crews) LoadCheckpoint(r io.Reader) error {
	var s savedCrews
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.who, s.Who)
	for id, c := range s.Crews {
		m.crews[id] = &crewRow{view: c.View, members: c.Members}
	}
	for id, tp := range s.Touchpoints {
		m.touchpoints[id] = &touchpointRow{view: tp.View, owner: tp.Owner}
	}
	return nil
}
