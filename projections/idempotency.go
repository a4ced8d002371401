package projections

import (
	"sync"

	"cxtracker/events"
)

// Idempotency remembers, from the events themselves, which request keys have
// been written and where, so that a retried request with the same
// Idempotency-Key is answered without writing again, also after a restart.
type Idempotency struct {
	mu   sync.RWMutex
	seen map[string]Written
}

// Written is where a keyed request's events went, and which request it was.
type Written struct {
	Aggregate events.Aggregate
	// Seq and Version are the stream sequence and the aggregate version of
	// the request's last event.
	Seq, Version uint64
	// RequestHash is the fingerprint of the request that used the key
	// (empty for events written before fingerprints were recorded, which
	// then match any request).
	RequestHash string
}

// NewIdempotency is an empty index.
func NewIdempotency() *Idempotency { return &Idempotency{seen: map[string]Written{}} }

// Name implements Model.
func (m *Idempotency) Name() string { return "idempotency" }

// Ignores lists the aggregate kinds and event types the model leaves alone
// on purpose: it reads every event's envelope, whatever its type. A test
// (coverage_test.go) fails when a registered event type is neither handled
// nor listed here.
func (m *Idempotency) Ignores() []string {
	return nil
}

// Apply implements Model.
func (m *Idempotency) Apply(rec events.Record, _ events.Payload) error {
	if rec.Event.IdempotencyKey == "" {
		return nil
	}
	agg, _, err := events.ParseSubject(rec.Subject)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[idemKey(rec.Event.ActorToken, rec.Event.IdempotencyKey)] = Written{Aggregate: agg, Seq: rec.Seq, Version: rec.Event.AggregateVersion, RequestHash: rec.Event.RequestHash}
	return nil
}

// Lookup is where the request with key, sent with token, was written.
func (m *Idempotency) Lookup(token, key string) (Written, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	w, ok := m.seen[idemKey(token, key)]
	return w, ok
}

// idemKey scopes a key to the token that sent it: two clients may pick the
// same key.
func idemKey(token, key string) string { return token + "\x00" + key }
