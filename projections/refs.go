package projections

import "cxtracker/events"

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

// aggregateID is the id of the entity a record belongs to, for payloads
// that do not repeat it (a vote, a crew member joining).
func aggregateID(rec events.Record) (string, error) {
	agg, _, err := events.ParseSubject(rec.Subject)
	return agg.ID, err
}
