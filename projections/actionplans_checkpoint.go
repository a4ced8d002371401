package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *ActionPlans) SaveCheckpoint(w io.Writer) error { return saveMap(w, &m.mu, &m.byID) }

// LoadCheckpoint implements Checkpointed.
func (m *ActionPlans) LoadCheckpoint(r io.Reader) error { return loadMap(r, &m.mu, &m.byID) }
