package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
)

// Payload is the data of one event: one struct per event type, with
// snake_case JSON fields. EventName returns the type's stable name constant,
// never a name derived from the Go type, so renaming Go code cannot rename
// history.
type Payload interface {
	EventName() string
}

// Upcaster turns the data of one schema version of an event type into the
// data of the next version. Upcasters only ever read and write JSON, so old
// payload shapes need no Go types of their own.
type Upcaster func(data json.RawMessage) (json.RawMessage, error)

// EventType describes one registered event type.
type EventType struct {
	// Type is the CloudEvents type, cx.<kind>.<name>.
	Type string
	Kind string
	Name string
	// Version is the current schema version: what writers write and what
	// readers upcast older data to.
	Version int

	// upcasters[i] turns version i+1 into version i+2.
	upcasters []Upcaster
	goType    reflect.Type
	decode    func(data []byte, strict bool) (Payload, error)
}

// catalogue indexes every event type, each registered once in its
// aggregate's file (person.go, initiative.go, ...) with its aggregate kind,
// its current schema version and the upcasters from older versions. A type
// registered nowhere can neither be written nor read.
var catalogue = newCatalogue(slices.Concat(
	personEvents,
	programEvents,
	tokenEvents,
	councilEvents,
	crewEvents,
	initiativeEvents,
	journeyEvents,
	feedbackEvents,
	followupEvents,
	followupRuleEvents,
	kpiEvents,
	actionplanEvents,
	accountEvents,
	webhookEvents,
))

// def registers the payload type T as the event of aggregates of kind at
// schema version version; ups are the upcasters from version 1 on, so there
// are exactly version-1 of them.
func def[T Payload](kind string, version int, ups ...Upcaster) EventType {
	var zero T
	if len(ups) != version-1 {
		panic(fmt.Sprintf("events: %s version %d needs %d upcasters, has %d", zero.EventName(), version, version-1, len(ups)))
	}
	plain := plainFieldsOf(reflect.TypeFor[T]())
	return EventType{
		Type:      Type(kind, zero.EventName()),
		Kind:      kind,
		Name:      zero.EventName(),
		Version:   version,
		upcasters: ups,
		goType:    reflect.TypeFor[T](),
		decode: func(data []byte, strict bool) (Payload, error) {
			var p T
			if plain != nil {
				if decodePlain(data, reflect.ValueOf(&p).Elem(), plain) {
					return p, nil
				}
				p = zero
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			if strict {
				dec.DisallowUnknownFields()
			}
			if err := dec.Decode(&p); err != nil {
				return nil, err
			}
			return p, nil
		},
	}
}

// registry indexes the catalogue by CloudEvents type and by payload type.
type registry struct {
	byType   map[string]*EventType
	byGoType map[reflect.Type]*EventType
	ordered  []*EventType
}

func newCatalogue(types []EventType) *registry {
	r := &registry{byType: map[string]*EventType{}, byGoType: map[reflect.Type]*EventType{}}
	names := map[string]bool{}
	for i := range types {
		t := &types[i]
		// Names are unique across kinds too, so that a subscriber filtering
		// on cx.*.*.<name> gets one kind of fact.
		if names[t.Name] || r.byGoType[t.goType] != nil {
			panic("events: event " + t.Type + " registered twice")
		}
		names[t.Name] = true
		r.byType[t.Type] = t
		r.byGoType[t.goType] = t
		r.ordered = append(r.ordered, t)
	}
	return r
}

// EventTypes lists every registered event type in catalogue order.
func EventTypes() []EventType {
	out := make([]EventType, len(catalogue.ordered))
	for i, t := range catalogue.ordered {
		out[i] = *t
	}
	return out
}

// LookupEventType finds the registered event type with the CloudEvents type t.
func LookupEventType(t string) (EventType, bool) {
	et, ok := catalogue.byType[t]
	if !ok {
		return EventType{}, false
	}
	return *et, true
}

// Upcast returns ev with its data brought to the current schema version of
// its type. Events written by a newer schema than this build knows are
// refused rather than guessed at.
//
// Errors: ErrUndecodable (unknown type, newer version, or an upcaster failed).
func Upcast(ev Event) (Event, error) {
	et, ok := catalogue.byType[ev.Type]
	if !ok {
		return ev, fmt.Errorf("%w: unknown event type %q, %w", ErrUndecodable, ev.Type, ErrUnknownType)
	}
	v := max(ev.SchemaVersion, 1)
	if v > et.Version {
		return ev, fmt.Errorf("%w: %s schema version %d is newer than %d, %w", ErrUndecodable, ev.Type, v, et.Version, ErrUnknownType)
	}
	data := ev.Data
	for ; v < et.Version; v++ {
		next, err := et.upcasters[v-1](data)
		if err != nil {
			return ev, fmt.Errorf("%w: upcast %s from version %d: %v", ErrUndecodable, ev.Type, v, err)
		}
		data = next
	}
	ev.Data = data
	ev.SchemaVersion = et.Version
	return ev, nil
}

// DecodePayload is ev's data as its current payload type, upcast from
// whatever schema version it was stored at. Unknown JSON fields are ignored,
// so that a field added later does not stop an old reader.
//
// Errors: ErrUndecodable.
func DecodePayload(ev Event) (Payload, error) {
	return decodePayload(ev, false)
}

func decodePayload(ev Event, strict bool) (Payload, error) {
	up, err := Upcast(ev)
	if err != nil {
		return nil, err
	}
	p, err := catalogue.byType[ev.Type].decode(up.Data, strict)
	if err != nil {
		return nil, fmt.Errorf("%w: %s data: %v", ErrUndecodable, ev.Type, err)
	}
	return p, nil
}

// buildEvent wraps p in an envelope as the event of agg at aggregate version
// version, at its type's current schema version.
func buildEvent(agg Aggregate, p Payload, version uint64, meta Meta) (Event, error) {
	et, ok := catalogue.byGoType[reflect.TypeOf(p)]
	if !ok || et.Kind != agg.Kind {
		return Event{}, fmt.Errorf("%w: %T is not an event of %s", ErrInvalid, p, agg.Kind)
	}
	return NewEvent(agg, et.Name, et.Version, version, p, meta)
}
