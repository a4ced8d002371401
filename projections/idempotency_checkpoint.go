package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *Idempotency) SaveCheckpoint(w io.Writer) error { return saveMap(w, &m.mu, &m.seen) }

// LoadCheckpoint implements Checkpointed.
func (m *Idempotency) LoadCheckpoint(r io.Reader) error { return loadMap(r, &m.mu, &m.seen) }
