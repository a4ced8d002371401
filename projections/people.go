package projections

import (
	"sync"

	"cxtracker/events"
)

// People is a read model (to be built).
type People struct {
	mu sync.RWMutex
}

// NewPeople is an empty model.
func NewPeople() *People { return &People{} }

// Name implements Model.
func (m *People) Name() string { return "people" }

// Apply implements Model.
func (m *People) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
