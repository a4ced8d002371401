package events

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
)

// Meta is what a command knows about its cause, copied onto every event it
// records.
type Meta struct {
	Actor         string
	ActorToken    string
	CorrelationID string
	CausationID   string
	// IdempotencyKey is the client's key for the request, if it gave one;
	// RequestHash the fingerprint of the request it was given with (see
	// Event.RequestHash).
	IdempotencyKey string
	RequestHash    string
	// EventID, when set, gives the id of the i-th event of a decision
	// (counting from 0) instead of a fresh one: a keyed request derives its
	// events' ids from its key, so that the same request written twice, by a
	// retry or by another replica, carries the same ids and the log refuses
	// the second copy as a duplicate.
	EventID func(i int) string
	// id is the one event's id taken from EventID.
	id string
	// Time is when the event happened; zero means now on the system clock
	// (an Engine sets it from its own Clock first).
	Time time.Time
	// Source overrides DefaultSource.
	Source string
}

// NewID is a fresh ULID: unique, and sortable by creation time.
func NewID() string { return ulid.Make().String() }

// NewEvent builds the event called name on agg with data as its payload at
// schema version schema and the aggregate version version.
func NewEvent(agg Aggregate, name string, schema int, version uint64, data any, meta Meta) (Event, error) {
	id := meta.id
	if id == "" {
		id = NewID()
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("%w: encode %s data: %v", ErrInvalid, name, err)
	}
	t := meta.Time
	if t.IsZero() {
		t = SystemClock.Now()
	}
	src := meta.Source
	if src == "" {
		src = DefaultSource
	}
	e := Event{
		SpecVersion:      SpecVersion,
		ID:               id,
		Type:             Type(agg.Kind, name),
		Source:           src,
		Subject:          agg.String(),
		Time:             t.UTC(),
		DataContentType:  DataContentType,
		Data:             raw,
		SchemaVersion:    schema,
		AggregateVersion: version,
		Actor:            meta.Actor,
		ActorToken:       meta.ActorToken,
		CorrelationID:    meta.CorrelationID,
		CausationID:      meta.CausationID,
		IdempotencyKey:   meta.IdempotencyKey,
		RequestHash:      meta.RequestHash,
	}
	if err := agg.Validate(); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// The data came from json.Marshal: JSON already, not checked again.
	if err := e.validate(false); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return e, nil
}
