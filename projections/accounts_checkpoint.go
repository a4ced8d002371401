package projections

import "io"

// SaveCheckpoint implements Checkpointed.
func (m *Accounts) SaveCheckpoint(w io.Writer) error { return saveMap(w, &m.mu, &m.byID) }

// LoadCheckpoint implements Checkpointed.
func (m *Accounts) LoadCheckpoint(r io.Reader) error { return loadMap(r, &m.mu, &m.byID) }
