package projections

import (
	"io"
	"maps"
	"slices"
)

// savedTokens is the token model as a checkpoint holds it: what the log
// says, and none of the hashes the credentials bucket gives every start.
type savedTokens struct {
	ByID   map[string]*TokenView
	Logged map[string]string
}

// SaveCheckpoint implements Checkpointed.
func (t *Tokens) SaveCheckpoint(w io.Writer) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return saveJSON(w, savedTokens{ByID: t.byID, Logged: t.logged})
}

// LoadCheckpoint implements Checkpointed. The hashes known already (from
// the credentials bucket) stay; those the log carried are added as a
// replay would add them.
func (t *Tokens) LoadCheckpoint(r io.Reader) error {
	var s savedTokens
	if err := loadJSON(r, &s); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	keepMap(&t.byID, s.ByID)
	keepMap(&t.logged, s.Logged)
	for _, id := range slices.Sorted(maps.Keys(t.logged)) {
		t.credential(id, t.logged[id])
	}
	return nil
}
