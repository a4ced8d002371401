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
	// IdempotencyKey is the client's key for the request, if it gave one.
	IdempotencyKey string
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
		ID:               NewID(),
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
	}
	if err := agg.Validate(); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := e.Validate(); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return e, nil
}
