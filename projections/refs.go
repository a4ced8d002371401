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
	case events.PersonErased:
		r := d[e.PersonID]
		r.PersonID, r.Name = e.PersonID, events.Erased
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

// Names says what people and crews are called now, from the people and
// crews models. A view that references them by id only is named through it
// when it is read (see Named), so the name beside an id is the current one,
// in a view of the past (as_of) too.
type Names struct {
	people *People
	crews  *Crews
}

// Names is the views' Names.
func (v *Views) Names() Names { return Names{people: v.People, crews: v.Crews} }

// Person is what the person with id is called now; "" for no id, or one
// the log never registered.
func (n Names) Person(id string) string {
	if id == "" || n.people == nil {
		return ""
	}
	n.people.mu.RLock()
	defer n.people.mu.RUnlock()
	if p, ok := n.people.people[id]; ok {
		return p.view.Name
	}
	return ""
}

// Crew is what the crew with id is called; "" for no id, or one the log
// never formed.
func (n Names) Crew(id string) string {
	if id == "" || n.crews == nil {
		return ""
	}
	n.crews.mu.RLock()
	defer n.crews.mu.RUnlock()
	if c, ok := n.crews.crews[id]; ok {
		return c.view.Name
	}
	return ""
}

// Named is a view that references people or crews by id, answered with
// their names beside the ids. Named must not change what the view shares
// with its model: a view's slices are its own copies.
type Named interface {
	Named(Names) any
}

// Named implements Named: each touchpoint's owner crew.
func (v JourneyView) Named(n Names) any {
	for i := range v.Stages {
		v.Stages[i] = v.Stages[i].Named(n).(StageView)
	}
	return v
}

// Named implements Named: each touchpoint's owner crew.
func (v StageView) Named(n Names) any {
	for i := range v.Touchpoints {
		v.Touchpoints[i] = v.Touchpoints[i].Named(n).(TouchpointView)
	}
	return v
}

// Named implements Named: the owner crew.
func (v TouchpointView) Named(n Names) any {
	v.OwnerCrewName = n.Crew(v.OwnerCrewID)
	return v
}

// Named implements Named: the owner.
func (v KPIView) Named(n Names) any {
	v.OwnerName = n.Person(v.OwnerID)
	return v
}

// Named implements Named: each action's owner.
func (v ActionPlanView) Named(n Names) any {
	for i := range v.Actions {
		v.Actions[i].OwnerName = n.Person(v.Actions[i].OwnerID)
	}
	return v
}

// Named implements Named: the follow-up's assignee.
func (v FeedbackItem) Named(n Names) any {
	if v.FollowUp != nil {
		f := *v.FollowUp
		f.AssigneeName = n.Person(f.AssigneeID)
		v.FollowUp = &f
	}
	return v
}
