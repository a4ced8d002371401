package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *ActionPlans) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return saveJSON(w, m.byID)
}

// LoadCheckpoint implements Checkpointed.
func (m *ActionPlans) LoadCheckpoint(r io.Reader) error {
	var byID map[string]*ActionPlanView
	if err := loadJSON(r, &byID); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.byID, byID)
	return nil
}
