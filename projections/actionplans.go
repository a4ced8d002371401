package projections

import (
	"sync"

	"cxtracker/events"
)

// ActionPlans is a read model (to be built).
type ActionPlans struct {
	mu sync.RWMutex
}

// NewActionPlans is an empty model.
func NewActionPlans() *ActionPlans { return &ActionPlans{} }

// Name implements Model.
func (m *ActionPlans) Name() string { return "actionplans" }

// Apply implements Model.
func (m *ActionPlans) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
