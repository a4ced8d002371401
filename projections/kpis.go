package projections

import (
	"sync"

	"cxtracker/events"
)

// KPIs is a read model (to be built).
type KPIs struct {
	mu sync.RWMutex
}

// NewKPIs is an empty model.
func NewKPIs() *KPIs { return &KPIs{} }

// Name implements Model.
func (m *KPIs) Name() string { return "kpis" }

// Apply implements Model.
func (m *KPIs) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
