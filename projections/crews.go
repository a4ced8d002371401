package projections

import (
	"sync"

	"cxtracker/events"
)

// Crews is a read model (to be built).
type Crews struct {
	mu sync.RWMutex
}

// NewCrews is an empty model.
func NewCrews() *Crews { return &Crews{} }

// Name implements Model.
func (m *Crews) Name() string { return "crews" }

// Apply implements Model.
func (m *Crews) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
