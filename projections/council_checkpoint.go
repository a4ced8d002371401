package projections

import (
	"io"
	"time"
)

// savedCouncil is the council model as a checkpoint holds it.
type savedCouncil struct {
	Who      directory
	Seats    map[string]string
	SeatedAt map[string]time.Time
	Chair    string
}

// SaveCheckpoint implements Checkpointed.
func (m *Council) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return saveJSON(w, savedCouncil{Who: m.who, Seats: m.seats, SeatedAt: m.seatedAt, Chair: m.chair})
}

// LoadCheckpoint implements Checkpointed.
func (m *Council) LoadCheckpoint(r io.Reader) error {
	var s savedCouncil
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.who, s.Who)
	keepMap(&m.seats, s.Seats)
	keepMap(&m.seatedAt, s.SeatedAt)
	m.chair = s.Chair
	return nil
}
