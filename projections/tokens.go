package projections

import (
	"sync"

	"cxtracker/events"
)

// Tokens is the read model the API signs callers in with: token hash to
// token. It holds hashes only, as the log does.
type Tokens struct {
	mu     sync.RWMutex
	byHash map[string]*TokenView
	byID   map[string]*TokenView
	// revoked holds the hashes of revoked tokens: a revoked token is never
	// issued again.
	revoked map[string]bool
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
	return &Tokens{byHash: map[string]*TokenView{}, byID: map[string]*TokenView{}, revoked: map[string]bool{}}
}

// Name implements Model.
func (t *Tokens) Name() string { return "tokens" }

// Apply implements Model.
func (t *Tokens) Apply(_ events.Record, p events.Payload) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch e := p.(type) {
	case events.TokenIssued:
		v := &TokenView{ID: e.TokenID, PersonID: e.PersonID, Label: e.Label, Grants: append([]string{}, e.Grants...), hash: e.Hash}
		t.byHash[e.Hash], t.byID[e.TokenID] = v, v
	case events.TokenRevoked:
		if v := t.byID[e.TokenID]; v != nil {
			v.Revoked = true
			delete(t.byHash, v.hash)
			t.revoked[v.hash] = true
		}
	}
	return nil
}

// ByHash is the live (not revoked) token with that SHA-256 hash.
func (t *Tokens) ByHash(hash string) (TokenView, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.byHash[hash]
	if !ok {
		return TokenView{}, false
	}
	return *v, true
}

// Revoked reports whether a token with this hash was revoked.
func (t *Tokens) Revoked(hash string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.revoked[hash]
}

// ByID is the token with id, revoked or not.
func (t *Tokens) ByID(id string) (TokenView, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	v, ok := t.byID[id]
	if !ok {
		return TokenView{}, false
	}
	return *v, true
}

// HasAdmin reports whether a live token carries the admin grant.
func (t *Tokens) HasAdmin() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, v := range t.byHash {
		for _, g := range v.Grants {
			if g == events.GrantAdmin {
				return true
			}
		}
	}
	return false
}

// Hash is the token's SHA-256 hash.
func (v TokenView) Hash() string { return v.hash }
