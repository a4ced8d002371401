package projections

import (
	"sync"

	"cxtracker/events"
)

// Council is a read model (to be built).
type Council struct {
	mu sync.RWMutex
}

// NewCouncil is an empty model.
func NewCouncil() *Council { return &Council{} }

// Name implements Model.
func (m *Council) Name() string { return "council" }

// Apply implements Model.
func (m *Council) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
