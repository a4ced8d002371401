package projections

import (
	"slices"
	"sync"

	"cxtracker/events"
)

// Tokens is the read model the API signs callers in with. Tokens come from
// the log; their hashes from the credential store, which keeps them out of
// the log (Credential), or, for tokens issued before that, from their
// token_issued event.
type Tokens struct {
	mu   sync.RWMutex
	byID map[string]*TokenView
	// idByHash maps each known hash to its token's id, whether or not the
	// log knows the token yet: the hash is kept before the event is
	// appended, and the two reach a tracker in either order.
	idByHash map[string]string
	// hashByID is the other way round, to refuse a second hash for an id.
	hashByID map[string]string
	// logged are the hashes the log itself carried (tokens issued at
	// schema version 1), by id: what a checkpoint keeps, since the others
	// come from the credentials bucket at every start.
	logged map[string]string
}

// TokenView is a token as the API knows it.
type TokenView struct {
	ID       string   `json:"id"`
	PersonID string   `json:"person_id,omitempty"`
	Label    string   `json:"label,omitempty"`
	Grants   []string `json:"grants"`
	Revoked  bool     `json:"revoked"`
	hash     string
}

// NewTokens is an empty token model.
func NewTokens() *Tokens {
	return &Tokens{byID: map[string]*TokenView{}, idByHash: map[string]string{}, hashByID: map[string]string{}, logged: map[string]string{}}
}

// Name implements Model.
func (t *Tokens) Name() string { return "tokens" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it follows only the tokens. A test (coverage_test.go) fails
// when a registered event type is neither handled nor listed here.
func (t *Tokens) Ignores() []string {
	return allKindsBut(events.KindToken)
}

// Apply implements Model.
func (t *Tokens) Apply(_ events.Record, p events.Payload) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e := p.(type) {
	case events.TokenIssued:
		t.byID[e.TokenID] = &TokenView{ID: e.TokenID, PersonID: e.PersonID, Label: e.Label, Grants: append([]string{}, e.Grants...)}
		if e.Hash != "" {
			// A token issued at schema version 1 carries its hash.
			t.credential(e.TokenID, e.Hash)
		}
	case events.TokenRevoked:
		if v := t.byID[e.TokenID]; v != nil {
			v.Revoked = true
		}
	}
	return nil
}

// Credential records the hash kept for token id in the credential store.
// The first hash of an id is the one that counts, as in the store.
func (t *Tokens) Credential(id, hash string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.credential(id, hash)
}

func (t *Tokens) credential(id, hash string) {
	if _, ok := t.hashByID[id]; ok {
		return
	}
	if _, ok := t.idByHash[hash]; ok {
		return
	}
	t.hashByID[id], t.idByHash[hash] = hash, id
}

// byHash is the token with that hash, revoked or not; the lock is held.
func (t *Tokens) byHash(hash string) (*TokenView, bool) {
	v, ok := t.byID[t.idByHash[hash]]
	return v, ok
}

// ByHash is the live (not revoked) token with that SHA-256 hash.
func (t *Tokens) ByHash(hash string) (TokenView, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.byHash(hash)
	if !ok || v.Revoked {
		return TokenView{}, false
	}
	out := *v
	out.hash = hash
	return out, true
}

// Revoked reports whether a token with this hash was revoked.
func (t *Tokens) Revoked(hash string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.byHash(hash)
	return ok && v.Revoked
}

// ByID is the token with id, revoked or not.
func (t *Tokens) ByID(id string) (TokenView, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.byID[id]
	if !ok {
		return TokenView{}, false
	}
	out := *v
	out.hash = t.hashByID[id]
	return out, true
}

// Unhashed are the ids of the live tokens the log knows whose hash this
// tracker has not learnt yet, newest first, at most n: tokens issued
// through another tracker a moment ago, whose hash is on its way from the
// credential store.
func (t *Tokens) Unhashed(n int) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var ids []string
	for id, v := range t.byID {
		if _, known := t.hashByID[id]; !known && !v.Revoked {
			ids = append(ids, id)
		}
	}
	// Ids are ULIDs: they sort by the time they were made.
	slices.Sort(ids)
	slices.Reverse(ids)
	return ids[:min(n, len(ids))]
}

// HasAdmin reports whether a live token that can sign in (its hash is
// known) carries the admin grant.
func (t *Tokens) HasAdmin() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for id, v := range t.byID {
		if _, known := t.hashByID[id]; v.Revoked || !known {
			continue
		}
		for _, g := range v.Grants {
			if g == events.GrantAdmin {
				return true
			}
		}
	}
	return false
}

// Hash is the token's SHA-256 hash, "" while the tracker does not know it.
func (v TokenView) Hash() string { return v.hash }
