package projections

import (
	"sync"

	"cxtracker/events"
)

// Initiatives is a read model (to be built).
type Initiatives struct {
	mu sync.RWMutex
}

// NewInitiatives is an empty model.
func NewInitiatives() *Initiatives { return &Initiatives{} }

// Name implements Model.
func (m *Initiatives) Name() string { return "initiatives" }

// Apply implements Model.
func (m *Initiatives) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
