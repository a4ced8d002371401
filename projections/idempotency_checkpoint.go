package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *Idempotency) SaveCheckpoint(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return saveJSON(w, m.seen)
}

// LoadCheckpoint implements Checkpointed.
func (m *Idempotency) LoadCheckpoint(r io.Reader) error {
	var seen map[string]Written
	if err := loadJSON(r, &seen); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keepMap(&m.seen, seen)
	return nil
}
