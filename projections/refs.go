package projections

import (
	"fmt"

	"cxtracker/events"
)

// PersonRef names a person inside another view: the id to follow, the name
// to read, and whether they have left.
type PersonRef struct {
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	Left     bool   `json:"left,omitempty"`
}

// directory keeps who people are (name, and whether they left) for the
// views that name people without being about them. Names are looked up
// when a view is read, so a renamed person shows their current name
// everywhere.
type directory map[string]PersonRef

// apply folds a person's event into the directory; other events pass by.
func (d directory) apply(p events.Payload) {
	switch e := p.(type) {
	case events.PersonRegistered:
		d[e.PersonID] = PersonRef{PersonID: e.PersonID, Name: e.Name}
	case events.PersonDetailsChanged:
		r := d[e.PersonID]
		r.PersonID, r.Name = e.PersonID, e.Name
		d[e.PersonID] = r
	case events.PersonLeft:
		r := d[e.PersonID]
		r.PersonID, r.Left = e.PersonID, true
		d[e.PersonID] = r
	}
}

// ref names the person with id; an id the log never registered keeps an
// empty name rather than failing the whole view.
func (d directory) ref(id string) PersonRef {
	if r, ok := d[id]; ok {
		return r
	}
	return PersonRef{PersonID: id}
}

// aggregateID is the id of the entity a record belongs to, read from its
// subject: the one way every model finds it, since most payloads (a vote, a
// crew member joining, a follow-up closing) do not repeat it.
func aggregateID(rec events.Record) (string, error) {
	agg, _, err := events.ParseSubject(rec.Subject)
	return agg.ID, err
}

// idOfKind is the id of the entity a record belongs to when the entity is
// of kind; ok is false for a record of another kind, which the model skips.
func idOfKind(rec events.Record, kind string) (id string, ok bool, err error) {
	if rec.Event.Kind() != kind {
		return "", false, nil
	}
	id, err = aggregateID(rec)
	return id, err == nil, err
}

// rowOf is the row of the entity a record belongs to; an event on an entity
// the model never saw created is an error, as the log is out of order.
func rowOf[T any](rows map[string]*T, rec events.Record, what string) (*T, error) {
	id, err := aggregateID(rec)
	if err != nil {
		return nil, err
	}
	row, ok := rows[id]
	if !ok {
		return nil, fmt.Errorf("%s on unknown %s %q", rec.Event.Name(), what, id)
	}
	return row, nil
}

// applyMember folds a crew membership event into members (person id to
// role): disbanding a crew sends every member away.
func applyMember(members map[string]string, p events.Payload) {
	switch e := p.(type) {
	case events.MemberJoined:
		members[e.PersonID] = e.Role
	case events.MemberLeft:
		delete(members, e.PersonID)
	case events.CrewDisbanded:
		clear(members)
	}
}
