package projections

import (
	"sync"

	"cxtracker/events"
)

// Feedback is a read model (to be built).
type Feedback struct {
	mu sync.RWMutex
}

// NewFeedback is an empty model.
func NewFeedback() *Feedback { return &Feedback{} }

// Name implements Model.
func (m *Feedback) Name() string { return "feedback" }

// Apply implements Model.
func (m *Feedback) Apply(rec events.Record, p events.Payload) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return nil
}
