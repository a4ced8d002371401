package projections

import "io"

// savedPeople is the people model as a checkpoint holds it.
type savedPeople struct {
	People      map[string]PersonView
	Sponsor     string
	Manager     string
	Ambassadors map[string]string
	Experts     map[string]string
	Seats       map[string]string
	Chair       string
	Crews       map[string]savedRoster
}

type savedRoster struct {
	Name    string
	Members map[string]string
}

// SaveCheckpoint implements Checkpointed.
func (m *People) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := savedPeople{People: make(map[string]PersonView, len(m.people)), Sponsor: m.sponsor, Manager: m.manager,
		Ambassadors: m.ambassadors, Experts: m.experts, Seats: m.seats, Chair: m.chair, Crews: make(map[string]savedRoster, len(m.crews))}
	for id, row := range m.people {
		s.People[id] = row.view
	}
	for id, c := range m.crews {
		s.Crews[id] = savedRoster{Name: c.name, Members: c.members}
	}
	return saveJSON(w, s)
}

// LoadCheckpoint implements Checkpointed.
func (m *People) LoadCheckpoint(r io.Reader) error {
	var s savedPeople
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, v := range s.People {
		m.people[id] = &personRow{view: v}
	}
	for id, c := range s.Crews {
		m.crews[id] = &crewRoster{name: c.Name, members: c.Members}
	}
	m.sponsor, m.manager, m.chair = s.Sponsor, s.Manager, s.Chair
	keepMap(&m.ambassadors, s.Ambassadors)
	keepMap(&m.experts, s.Experts)
	keepMap(&m.seats, s.Seats)
	return nil
}
