package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *KPIs) SaveCheckpoint(w io.Writer) error { return saveMap(w, &m.mu, &m.byID) }

// LoadCheckpoint implements Checkpointed.
func (m *KPIs) LoadCheckpoint(r io.Reader) error { return loadMap(r, &m.mu, &m.byID) }
