package projections

import (
	"sync"

	"cxtracker/events"
)

// Journeys is a read model (to be built).
type Journeys struct {
	mu sync.RWMutex
}

// NewJourneys is an empty model.
func NewJourneys() *Journeys { return &Journeys{} }

// Name implements Model.
func (m *Journeys) Name() string { return "journeys" }

// Apply implements Model.
func (m *Journeys) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
